"""htmx requests, through django-htmx: its middleware tells a view whether htmx asked
(`request.htmx`), its responses tell htmx where to go. An address that answers htmx with a part
and a browser with the whole page says so in `Vary`, as django-htmx advises, so that no cache
hands one to the other."""

from django.utils.cache import patch_vary_headers

# The request header django-htmx reads; named here only for `Vary`.
HTMX_HEADER = "HX-Request"


def vary_on_htmx(response):
    patch_vary_headers(response, [HTMX_HEADER])
    return response
