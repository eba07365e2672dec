from django.core.paginator import Paginator
from django.shortcuts import render

from actors import roles
from grants.views import role_required
from minipilot.paging import query_without_page

from . import selectors

PAGE_SIZE = 50


@role_required(roles.can_view_audit_log)
def audit_log(request):
    """The audit log for city managers and staff, read-only, newest first."""
    log = selectors.audit_log(params=request.GET)
    valid = log.is_valid()
    events = log.qs if valid else selectors.audit_events().none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {"log": log, "page": page, "query": query_without_page(request.GET)},
        status=200 if valid else 400,
    )
