from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import services
from .forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_update_profile(
            user=request.user,
            full_name=data["full_name"],
            phone=data["phone"],
            language=data["language"],
        )
        messages.success(request, _("Your details are saved."))
        with translation.override(user.language):
            return redirect(reverse("actors:profile"))
    status = 400 if request.method == "POST" else 200
    return render(request, "actors/profile.html", {"form": form}, status=status)


@require_POST
def set_language(request):
    """Switch the language of the pages; for a logged-in person, remember it as their choice."""
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    # The page to return to is read in its own language, so that it can be translated.
    next_path = urlsplit(request.POST.get("next") or "/").path
    page_language = translation.get_language_from_path(next_path) or settings.LANGUAGE_CODE
    with translation.override(page_language):
        return django_set_language(request)
