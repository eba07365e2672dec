"""The grants app's texts in every language (django-modeltranslation): a round's name and its
public rules, and the ready-made decline reasons."""

from modeltranslation.translator import TranslationOptions, register

from .models import ReasonTemplate, Round


@register(Round)
class RoundTranslation(TranslationOptions):
    fields = ("name", "rules")


@register(ReasonTemplate)
class ReasonTemplateTranslation(TranslationOptions):
    fields = ("title", "text")
