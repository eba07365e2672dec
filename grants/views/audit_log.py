"""The audit log: city managers and staff read all of it; a resident agent reads the events of
the districts they work for. Read-only, newest first, filtered by URL."""

from django.core.paginator import Paginator
from django.shortcuts import render

from actors import roles
from actors.decorators import role_required
from audit import display
from audit import selectors as audit_selectors

from .. import selectors

PAGE_SIZE = 50


def _scope(user) -> dict:
    if roles.reads_whole_audit_log(user):
        return {}
    return {"districts_only": True, "district_slugs": selectors.district_slugs_in_scope(user)}


@role_required(roles.can_view_audit_log)
def audit_log(request):
    log = audit_selectors.audit_log(params=request.GET, **_scope(request.user))
    valid = log.is_valid()
    events = log.qs if valid else audit_selectors.audit_log_empty()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "who": display.who(event),
            "record": display.record_name(event),
            "details": display.details(event),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "audit/log.html",
        {"log": log, "page": page, "rows": rows},
        status=200 if valid else 400,
    )
