"""The audit log for city managers and staff: read-only, newest first, filtered by URL."""

from django.core.paginator import Paginator
from django.shortcuts import render

from actors import roles
from actors.decorators import role_required
from audit import selectors as audit_selectors
from common.paging import query_without_page

PAGE_SIZE = 50


@role_required(roles.can_view_audit_log)
def audit_log(request):
    log = audit_selectors.audit_log(params=request.GET)
    valid = log.is_valid()
    events = log.qs if valid else audit_selectors.audit_events().none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {"log": log, "page": page, "query": query_without_page(request.GET)},
        status=200 if valid else 400,
    )
