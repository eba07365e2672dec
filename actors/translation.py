"""The actors app's texts in every language (django-modeltranslation): a district's Finnish
and official Swedish name (and an English one where it differs)."""

from modeltranslation.translator import TranslationOptions, register

from .models import District


@register(District)
class DistrictTranslation(TranslationOptions):
    fields = ("name",)
    # A language without a name stores none, so that several may lack one (names are unique).
    empty_values = None
