"""Fields read from a request without a form, checked as a form would check them."""

from django.core.validators import ProhibitNullCharactersValidator


def posted(request):
    """The submitted data, also when it is empty, so an empty form shows its errors."""
    return request.POST if request.method == "POST" else None


def posted_text(request, name: str, limit: int) -> str:
    """A free-text field read without a form: at most `limit` characters, and a NUL character
    (which the database cannot store) refused with a ValidationError, as a form would."""
    value = request.POST.get(name, "")[:limit]
    ProhibitNullCharactersValidator()(value)
    return value
