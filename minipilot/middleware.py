"""Cross-cutting middleware of the site."""

from django.utils.cache import add_never_cache_headers, patch_vary_headers


class PrivatePagesMiddleware:
    """A page made for a logged-in person is theirs alone: no cache keeps it (`private,
    no-store`), so on a library's shared computer the back button cannot show the previous
    person's data after they logged out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        return response
