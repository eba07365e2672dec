from django.shortcuts import redirect
from django.urls import translate_url
from django.utils import translation

SKIPPED_PREFIXES = ("/static/", "/media/", "/i18n/")


class UserLanguageMiddleware:
    """A logged-in person sees every page in the language they chose: a page opened in another
    language (an old link, an email from before) is sent to the same page in theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and user is not None
            and user.is_authenticated
            and user.language
            and not request.headers.get("HX-Request")
            and not request.path.startswith(SKIPPED_PREFIXES)
            and "/admin/" not in request.path
            and translation.get_language() != user.language
        ):
            target = translate_url(request.get_full_path(), user.language)
            if target != request.get_full_path():
                return redirect(target)
        return self.get_response(request)
