"""Who may open and who may act on every page of the app.

The pages are discovered from the URL configuration (every named pattern, in i18n_patterns and
included namespaces), so a new page cannot be forgotten: a page missing from EXPECTED fails
`test_every_page_of_the_app_has_an_expectation`.

Personas:
- anonymous: not logged in.
- resident_a: the owner of every object (a personal draft and submitted idea, an idea of their
  organisation, a pilot closed with its report).
- resident_b: another resident, with nothing of their own here.
- org_member: a member of the organisation that resident A's organisation idea is for: a co-owner
  of that idea, a stranger to A's personal ideas.
- agent_x: a resident agent limited to district X, where all the ideas are.
- agent_y: a resident agent limited to district Y: sees and decides only Y's ideas; reads the
  district learning reports of every district (they are meant to spread).
- manager: a city manager: reads everything an agent reads (every district), decides nothing.
- administrator: a programme administrator: runs the rounds, districts, reasons and staff
  (`/manage/`), reads the audit log and the themes; decides no idea and reads no report.
- finance: the city's finance office: the money page, payment batches and the payees' bank
  details of every district; no idea, report or dashboard.
- staff: `is_staff` without groups and without superuser: may log in to the admin site, which
  shows only the models they are given permissions on (none by default); everywhere else they
  are a resident without ideas, because views check permissions (actors/roles.py), never
  is_staff.

Expected values: a status code, LOGIN (a redirect to the login page), or REDIRECT (any other
redirect). For a page that changes data on POST, `post` names the data, the personas who may act
and what the refused ones get; a refused POST must leave every row of the app unchanged, and a
POST by the first persona who may act must be accepted (so the refusal is about the persona,
not about the data).

No-leak: every page a persona may open is searched for resident A's email, phone, the text of
their personal draft, their private message and the agents' internal note; only the personas
in SECRETS_SEEN_BY may find them.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic import RedirectView

from actors.models import Invitation
from common.spreadsheet import XLSX_TYPE
from grants import services
from grants.models import Payee, ReasonTemplate
from reports.models import Export
from tests import factories
from tests.security import form_data

PERSONAS = (
    "anonymous",
    "resident_a",
    "resident_b",
    "org_member",
    "agent_x",
    "agent_y",
    "manager",
    "administrator",
    "finance",
    "staff",
)
LOGIN = "LOGIN"
REDIRECT = "REDIRECT"
REFUSED = (403, 404)

# Named patterns of other packages, handled as a group: (name prefix, reason).
GROUPS = {
    "account_": "allauth's login, signup, password and email pages: open to everyone (they "
    "answer 200 or redirect), never a server error; no data of resident A on them",
    "mfa_": "allauth's multi-factor pages: 200 or a redirect for everyone, never a server error",
    "socialaccount_": "allauth's pages of a login through the city's identity provider (cancelled, "
    "failed, finishing a first login, connected accounts): open to everyone, 200 or a redirect",
    "openid_connect_": "the login through the city's identity provider and its return address: a "
    "redirect to the provider, or a login error page; never a server error",
    "admin:": "the Django admin: staff only (is_staff); tested by test_admin_is_for_staff_only",
}
# Patterns without a name serve no page of their own.
UNNAMED = {
    "admin": "the admin's redirects to an object's change page and its catch-all",
}
# Static files (/static/ by WhiteNoise), uploads (never served from a public folder: attachments
# go through grants:attachment) and the translation catalogue have no named pattern of the app.


@dataclass
class Page:
    get: dict  # persona -> expected status
    kwargs: str = ""  # which fixture object fills the URL
    post: dict | None = None  # data for a POST
    may_post: tuple = ()  # personas who may act; the first one is tried last
    refused: dict = field(default_factory=dict)  # persona -> status, when not 403/404


def every(value, **overrides):
    return {persona: overrides.get(persona, value) for persona in PERSONAS}


def logged_in(value, **overrides):
    return every(value, anonymous=LOGIN, **overrides)


AGENTS = ("agent_x", "agent_y")
READERS = ("agent_x", "agent_y", "manager")
PAYERS = ("agent_x", "agent_y", "finance")
ADMINISTRATORS = ("administrator",)
NOT_POST = every(405)


def role_page(roles, status=200, other=403):
    return logged_in(other, **{persona: status for persona in roles})


EXPECTED = {
    # Public pages.
    "set_language": Page(NOT_POST, post={"language": "sv", "next": "/"}, may_post=PERSONAS),
    "healthz": Page(every(200)),
    "home": Page(every(200)),
    "grants:idea_new": Page(every(200)),
    "grants:similar": Page(NOT_POST, post={"title": "café"}, may_post=PERSONAS),
    "grants:autosave": Page(NOT_POST, post={"title": "café"}, may_post=PERSONAS),
    # With nothing pending, the steps of a visitor's submission send the person on.
    "grants:idea_finish": Page(every(REDIRECT)),
    "grants:idea_resume": Page(logged_in(REDIRECT)),
    "reports:pilots": Page(every(200)),
    "reports:pilot": Page(every(200), kwargs="closed"),
    # Public only where the makers allowed it (tests/reports/test_showcase.py); this one has
    # no photo: nobody gets one.
    "reports:pilot_photo": Page(every(404), kwargs="closed"),
    "reports:open_data_json": Page(every(200)),
    "reports:open_data_csv": Page(every(200)),
    "reports:open_data_360giving": Page(every(200)),
    "reports:open_data": Page(every(200)),
    "reports:open_data_schema": Page(every(200)),
    # A person's own pages.
    "grants:my": Page(logged_in(200)),
    "grants:notifications": Page(logged_in(200)),
    "grants:idea_claim": Page(logged_in(200)),
    "actors:profile": Page(logged_in(200)),
    "actors:data_export": Page(logged_in(200)),
    "actors:organisations": Page(logged_in(200)),
    # Residents may erase themselves; agents, managers and staff are told why they cannot.
    "actors:data_delete": Page(
        logged_in(200),
        post={"confirm": "on"},
        may_post=("resident_b", "resident_a", "org_member"),
    ),
    "privacy": Page(every(200)),
    "accessibility": Page(every(200)),
    # The audit log: city managers and staff, read-only.
    "audit:log": Page(role_page(("manager", "administrator", "staff", "agent_x", "agent_y"))),
    # Whoever holds the invitation's secret link may accept it, like a login link.
    "actors:invitation": Page(logged_in(200), kwargs="invitation"),
    # The makers' pages: the owner, members of the applying organisation, agents of the district.
    "grants:idea": Page(
        role_page(("resident_a", "org_member", "agent_x", "manager")), kwargs="org_idea"
    ),
    "grants:idea_edit": Page(
        role_page(("resident_a",)),
        kwargs="draft",
        post="idea",
        may_post=("resident_a",),
    ),
    "grants:idea_payee": Page(
        role_page(("resident_a", "org_member")),
        kwargs="org_idea",
        post="payee",
        may_post=("resident_a", "org_member"),
    ),
    "grants:closing_report": Page(
        role_page(("resident_a", "org_member")),
        kwargs="org_idea",
        post="report",
        may_post=("resident_a", "org_member"),
    ),
    "grants:closing_report_autosave": Page(
        logged_in(405),
        kwargs="org_idea",
        post={"what_happened": "Changed"},
        may_post=("resident_a", "org_member"),
    ),
    "grants:idea_action": Page(
        logged_in(405), kwargs="withdraw", post={}, may_post=("resident_a",)
    ),
    "grants:idea_messages": Page(
        logged_in(405),
        kwargs="submitted",
        post={"body": "Hello"},
        may_post=("resident_a", "agent_x"),
    ),
    "grants:budget_line_add": Page(
        logged_in(405),
        kwargs="draft",
        post={"description": "Flour", "amount": "20.00"},
        may_post=("resident_a",),
    ),
    "grants:budget_line_remove": Page(
        logged_in(405), kwargs="budget_line", post={}, may_post=("resident_a",)
    ),
    "grants:attachment_add": Page(
        logged_in(405), kwargs="org_idea", post="file", may_post=("resident_a", "org_member")
    ),
    "grants:attachment": Page(
        role_page(("resident_a", "org_member", "agent_x", "manager")), kwargs="attachment"
    ),
    "grants:attachment_remove": Page(
        logged_in(405), kwargs="attachment", post={}, may_post=("resident_a", "org_member")
    ),
    # The agent's pages.
    "grants:agent": Page(role_page(READERS)),
    "grants:agent_follow_up": Page(role_page(READERS)),
    "grants:agent_money": Page(role_page((*READERS, "finance"))),
    "grants:agent_idea_new": Page(role_page(AGENTS)),
    "grants:payments_csv": Page(role_page((*READERS, "finance"))),
    "grants:payments_xlsx": Page(role_page((*READERS, "finance"))),
    "grants:agent_idea": Page(
        role_page(("agent_x", "manager")),
        kwargs="submitted",
        post={"decision": "approve", "amount": "500.00"},
        may_post=("agent_x",),
    ),
    "grants:agent_idea_mill": Page(role_page(("agent_x", "manager")), kwargs="submitted"),
    "grants:agent_bulk_approve": Page(
        role_page(AGENTS, status=405),
        kwargs="",
        post="bulk",
        may_post=("agent_x",),
        # The ideas of another district are not in agent Y's queue: nothing to approve.
        refused={"agent_y": REDIRECT},
    ),
    # Payments: the agents and the finance office; the finance office is tried first, the
    # agent of the district is accepted as well (a refusal of one would be one of the role).
    "grants:grant_paid": Page(
        role_page(PAYERS, status=405),
        kwargs="grant",
        post={"paid_on": "2024-05-02", "reference": "X1"},
        may_post=("finance", "agent_x"),
    ),
    "grants:batch_create": Page(
        role_page(PAYERS, status=405), kwargs="", post="batch", may_post=("finance", "agent_x")
    ),
    # A batch of district X's grants: agent Y does not find it; the finance office does.
    "grants:payment_batch": Page(
        logged_in(403, agent_x=200, agent_y=404, finance=200), kwargs="batch"
    ),
    "grants:batch_sepa": Page(
        logged_in(403, agent_x=200, agent_y=404, finance=200), kwargs="batch"
    ),
    "grants:batch_xlsx": Page(
        logged_in(403, agent_x=200, agent_y=404, finance=200), kwargs="batch"
    ),
    "grants:batch_paid": Page(
        role_page(PAYERS, status=405),
        kwargs="batch",
        post="batch_paid",
        may_post=("finance", "agent_x"),
    ),
    "grants:batch_cancel": Page(
        role_page(PAYERS, status=405), kwargs="batch", post={}, may_post=("finance", "agent_x")
    ),
    "grants:agent_close": Page(
        role_page(AGENTS, status=405), kwargs="reported", post={}, may_post=("agent_x",)
    ),
    "grants:agent_return_report": Page(
        role_page(AGENTS, status=405),
        kwargs="reported",
        post={"question": "How many came?"},
        may_post=("agent_x",),
    ),
    "grants:agent_introduce": Page(
        role_page(AGENTS, status=405), kwargs="introduce", post={}, may_post=("agent_x",)
    ),
    "grants:agent_release": Page(
        role_page(AGENTS, status=405), kwargs="held", post={}, may_post=("agent_x",)
    ),
    "grants:agent_discard_spam": Page(
        role_page(AGENTS, status=405), kwargs="held", post={}, may_post=("agent_x",)
    ),
    # District learning reports: agents (of every district) and managers.
    "reports:index": Page(role_page(READERS)),
    "reports:compare": Page(role_page(READERS)),
    # Themes: also the administrators, who look after them.
    "reports:themes": Page(
        role_page((*READERS, "administrator")),
        post="theme",
        may_post=(*READERS, "administrator"),
    ),
    # The city's decision on a pilot: managers only.
    "reports:decision": Page(
        role_page(("manager",)), kwargs="closed", post="decision", may_post=("manager",)
    ),
    "reports:district": Page(role_page(READERS), kwargs="district"),
    "reports:district_csv": Page(role_page(READERS), kwargs="district"),
    "reports:district_xlsx": Page(role_page(READERS), kwargs="district"),
    "reports:district_pdf": Page(role_page(READERS), kwargs="district"),
    "reports:district_pilot_similar": Page(role_page(READERS), kwargs="district_pilot"),
    "reports:district_export": Page(
        role_page(READERS, status=404), kwargs="district", post={}, may_post=READERS
    ),
    # An export is only for whoever asked for it.
    "reports:export": Page(
        role_page(READERS, other=403) | {"agent_y": 404, "manager": 404}, kwargs="export"
    ),
    # An organisation: its members see and edit it, agents and managers read it.
    # A round's public page: everyone.
    "grants:round": Page(every(200), kwargs="round"),
    # The programme administrator's pages.
    "grants:manage": Page(role_page(ADMINISTRATORS)),
    "grants:manage_round_new": Page(
        role_page(ADMINISTRATORS), post="new_round", may_post=ADMINISTRATORS
    ),
    "grants:manage_round": Page(
        role_page(ADMINISTRATORS), kwargs="round", post="round", may_post=ADMINISTRATORS
    ),
    "grants:manage_round_open": Page(
        role_page(ADMINISTRATORS, status=405),
        kwargs="coming_round",
        post={},
        may_post=ADMINISTRATORS,
    ),
    "grants:manage_round_close": Page(
        role_page(ADMINISTRATORS, status=405), kwargs="round", post={}, may_post=ADMINISTRATORS
    ),
    "grants:manage_round_extend": Page(
        role_page(ADMINISTRATORS, status=405),
        kwargs="round",
        post="extend",
        may_post=ADMINISTRATORS,
    ),
    "grants:manage_reasons": Page(role_page(ADMINISTRATORS)),
    "grants:manage_reason_new": Page(
        role_page(ADMINISTRATORS), post="reason", may_post=ADMINISTRATORS
    ),
    "grants:manage_reason": Page(
        role_page(ADMINISTRATORS), kwargs="reason", post="reason", may_post=ADMINISTRATORS
    ),
    "actors:manage_districts": Page(
        role_page(ADMINISTRATORS), post={"name_fi": "Lammi"}, may_post=ADMINISTRATORS
    ),
    "actors:manage_district": Page(
        role_page(ADMINISTRATORS),
        kwargs="district_id",
        post={"name_fi": "Iittala", "name_en": "Iittala village"},
        may_post=ADMINISTRATORS,
    ),
    "actors:manage_staff": Page(
        role_page(ADMINISTRATORS),
        post={"email": "new-agent@example.org", "role": "agent"},
        may_post=ADMINISTRATORS,
    ),
    "actors:manage_staff_member": Page(
        role_page(ADMINISTRATORS), kwargs="staff_member", post="staff", may_post=ADMINISTRATORS
    ),
    "actors:organisation": Page(
        role_page(("resident_a", "org_member", *READERS)),
        kwargs="organisation",
        post={"name": "Renamed", "district": "", "business_id": ""},
        may_post=("resident_a", "org_member"),
    ),
}

# Who may find each of resident A's secrets on a page.
SECRETS_SEEN_BY = {
    "email": {"resident_a", "agent_x", "manager"},  # the agent's queue names the applicant
    "phone": {"resident_a"},
    "draft_title": {"resident_a"},
    "draft_need": {"resident_a"},
    "message": {"resident_a", "agent_x", "manager"},
    "internal_note": {"agent_x", "manager"},
    # The organisation's bank account: its members, the agent and the finance office, who pay;
    # not the manager.
    "iban": {"resident_a", "org_member", "agent_x", "finance"},
    "iban_grouped": {"resident_a", "org_member", "agent_x", "finance"},
}
A_EMAIL = "aino.asukas@example.org"
SECRETS = {
    "email": A_EMAIL,
    "phone": "+358 40 765 4321",
    "draft_title": "Zyxwv secret draft",
    "draft_need": "Qwvut unsent need",
    "message": "Vwxyq private message",
    "internal_note": "Uvwxk internal note",
    "iban": "FI2112345600000785",
    "iban_grouped": "FI21 1234 5600 0007 85",  # as the pages print it
}


def url_names() -> dict[str, object]:
    """Every pattern of the app by "namespace:name" (unnamed ones under "namespace:")."""
    found = {}

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or ""
                if not name and getattr(pattern.callback, "view_class", None) is RedirectView:
                    continue  # an old address (allauth's) that only redirects to a named page
                found[f"{namespace}:{name}" if namespace else name] = pattern

    walk(get_resolver(), "")
    return found


def group_of(name: str) -> str | None:
    return next((prefix for prefix in GROUPS if name.startswith(prefix)), None)


def test_every_page_of_the_app_has_an_expectation():
    names = url_names()
    unnamed = sorted(
        name for name in names if name.rpartition(":")[2] == "" and name[:-1] not in UNNAMED
    )
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"
    missing = sorted(
        name
        for name in names
        if name.rpartition(":")[2] and name not in EXPECTED and group_of(name) is None
    )
    assert not missing, (
        "These pages are not in the access matrix; add who may open them and who may act on "
        f"them to EXPECTED in {__file__}: {missing}"
    )
    gone = sorted(set(EXPECTED) - set(names))
    assert not gone, f"EXPECTED names pages that no longer exist: {gone}"


# --- the world ----------------------------------------------------------------------------


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    x = factories.DistrictFactory(name="Iittala", slug="iittala")
    y = factories.DistrictFactory(name="Jukola", slug="jukola")
    factories.RoundFactory(districts=[x, y])
    # The administrator's rounds, of other districts: one open without ideas, one to come.
    z = factories.DistrictFactory(name="Tuulos", slug="tuulos")
    w = factories.DistrictFactory(name="Hauho", slug="hauho")
    today = timezone.localdate()
    quiet_round = factories.RoundFactory(
        districts=[z], opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=20)
    )
    coming_round = factories.RoundFactory(
        districts=[w], opens_on=today + timedelta(days=30), closes_on=today + timedelta(days=60)
    )
    reason = ReasonTemplate.objects.create(
        title="Jo käynnissä", text="Toiminta on jo käynnissä.", text_fi="Toiminta on jo käynnissä."
    )
    a = factories.UserFactory(email=A_EMAIL, full_name="Aino Asukas", phone=SECRETS["phone"])
    member = factories.UserFactory(email="member@example.org", full_name="Mikko Jäsen")
    agent_x = factories.AgentFactory(email="agent-x@example.org", full_name="Agent Iittala")
    agent_x.agent_districts.set([x])
    agent_y = factories.AgentFactory(email="agent-y@example.org", full_name="Agent Jukola")
    agent_y.agent_districts.set([y])
    people = {
        "resident_a": a,
        "resident_b": factories.UserFactory(email="b@example.org", full_name="Bertta Muu"),
        "org_member": member,
        "agent_x": agent_x,
        "agent_y": agent_y,
        "manager": factories.ManagerFactory(email="manager@example.org", full_name="Kaupunki"),
        "administrator": factories.AdministratorFactory(
            email="admin@example.org", full_name="Ylläpitäjä"
        ),
        "finance": factories.FinanceFactory(email="finance@example.org", full_name="Talous"),
        "staff": factories.StaffFactory(email="staff@example.org", full_name="Ylläpito"),
    }
    organisation = factories.ActorFactory(name="Kylä ry", district=x, members=[a, member])

    def idea(status, **fields):
        return factories.idea_in_status(status, created_by=a, agent=agent_x, district=x, **fields)

    draft = idea("draft", title=SECRETS["draft_title"], need=SECRETS["draft_need"])
    submitted = idea("submitted", title="Torstaitreffit")
    services.message_post(idea=submitted, by=a, body=SECRETS["message"])
    services.message_post(idea=submitted, by=agent_x, body=SECRETS["internal_note"], internal=True)
    org_idea = idea("approved", title="Kylän kahvila", applicant=organisation)
    Payee.objects.create(
        actor=organisation, name="Kylä ry", business_id="0201256-6", iban=SECRETS["iban"]
    )
    reported = idea("reported", title="Lukupiiri")
    to_batch = idea("approved", title="Maksettava")
    Payee.objects.create(actor=reported.applicant, name="Aino Asukas", iban="FI4950009420028730")
    batch = services.batch_create(grant_ids=[reported.grant.pk], by=agent_x, execution_date=today)
    closed = idea("closed", title="Elämänkaarikahvila")
    held = idea("draft", title="Odottava idea")
    services.idea_submit(idea=held, by=a, hold_reason="too_fast")
    withdrawable = idea("submitted", title="Peruttava idea")
    line = services.budget_line_add(idea=draft, by=a, description="Flour", amount=Decimal("20.00"))
    attachment = services.attachment_add(
        idea=org_idea, by=a, uploaded=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")
    )
    partner = factories.ActorFactory(name="Seurakunta", district=x)
    invitation = Invitation.objects.create(
        actor=organisation, email="new@example.org", token="t" * 40, invited_by=a
    )
    export = Export.objects.create(requested_by=agent_x, district=x)
    kwargs = {
        "": {},
        "closed": {"idea_id": closed.pk},
        "draft": {"idea_id": draft.pk},
        "submitted": {"idea_id": submitted.pk},
        "org_idea": {"idea_id": org_idea.pk},
        "reported": {"idea_id": reported.pk},
        "held": {"idea_id": held.pk},
        "withdraw": {"idea_id": withdrawable.pk, "action": "withdraw"},
        "budget_line": {"idea_id": draft.pk, "line_id": line.pk},
        "attachment": {"idea_id": org_idea.pk, "attachment_id": attachment.pk},
        "grant": {"grant_id": org_idea.grant.pk},
        "introduce": {"idea_id": submitted.pk, "actor_id": partner.pk},
        "invitation": {"token": invitation.token},
        "export": {"export_id": export.pk},
        "batch": {"batch_id": batch.pk},
        "district": {"slug": x.slug},
        "district_pilot": {"slug": x.slug, "idea_id": closed.pk},
        "organisation": {"actor_id": organisation.pk},
        "round": {"round_id": quiet_round.pk},
        "coming_round": {"round_id": coming_round.pk},
        "reason": {"reason_id": reason.pk},
        "district_id": {"district_id": x.pk},
        "staff_member": {"user_id": agent_y.pk},
    }

    def round_post(**changes):
        data = {
            "name_fi": "Kesä",
            "budget": "30000.00",
            "default_grant": "500.00",
            "max_grant": "1000.00",
            "opens_on": (today + timedelta(days=70)).isoformat(),
            "closes_on": (today + timedelta(days=100)).isoformat(),
            "decision_target_days": "7",
            "districts": [z.pk],
        }
        data.update(changes)
        return data

    lesson = closed.closing_report.lessons.first()
    special_posts = {
        "bulk": lambda: {"ideas": [submitted.pk]},
        "theme": lambda: {"lesson": lesson.pk, "new_theme": "Together"},
        "decision": lambda: {"outcome": "stop", "reason": "The makers moved away."},
        "file": lambda: {"file": SimpleUploadedFile("more.pdf", b"%PDF-1.4 more")},
        "idea": lambda: form_data.idea_data(x, title="Changed", save_draft="1"),
        "report": lambda: form_data.report_data(),
        "new_round": round_post,
        "round": lambda: round_post(
            opens_on=quiet_round.opens_on.isoformat(),
            closes_on=quiet_round.closes_on.isoformat(),
            version=str(quiet_round.version),
        ),
        "extend": lambda: {"closes_on": (today + timedelta(days=25)).isoformat()},
        "reason": lambda: {
            "title_fi": "Palkat",
            "text_fi": "Emme rahoita palkkoja.",
            "active": "on",
        },
        "staff": lambda: {"districts": [x.pk]},
        "batch": lambda: {"grants": [to_batch.grant.pk], "execution_date": today.isoformat()},
        "batch_paid": lambda: {"paid_on": today.isoformat(), "reference": "ARK-1"},
        "payee": lambda: {
            "name": "Kylä ry",
            "business_id": "0201256-6",
            "iban": "FI21 1234 5600 0007 85",
        },
    }
    ideas = {
        "draft": draft,
        "submitted": submitted,
        "org_idea": org_idea,
        "reported": reported,
        "closed": closed,
        "held": held,
    }
    return {
        "people": people,
        "kwargs": kwargs,
        "posts": special_posts,
        "ideas": ideas,
        "x": x,
    }


def login(client, world, persona):
    client.logout()
    if persona != "anonymous":
        client.force_login(world["people"][persona])


def snapshot() -> dict:
    """Every row of the app's own tables (not sessions, not login times)."""
    rows = {}
    for app_label in ("actors", "grants", "reports"):
        # With the tables of many-to-many fields (an agent's districts, a round's districts).
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            values = model.objects.order_by("pk").values()
            rows[model._meta.label] = [
                {key: value for key, value in row.items() if key != "last_login"} for row in values
            ]
    return rows


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if response.get("Content-Type", "").startswith(XLSX_TYPE):
        # A workbook is compressed: its cells are read, so a leak in it is found as well.
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            " ".join("" if cell is None else str(cell) for cell in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8", errors="replace")


def outcome(response, expected):
    """The response in the terms of EXPECTED, so that a mismatch reads clearly."""
    if response.status_code in (301, 302):
        if expected == LOGIN and response.url.startswith(reverse("account_login")):
            return LOGIN
        return REDIRECT if not response.url.startswith(reverse("account_login")) else LOGIN
    return response.status_code


def leaks(persona: str, text: str) -> list[str]:
    return [
        name
        for name, secret in SECRETS.items()
        if persona not in SECRETS_SEEN_BY[name] and secret in text
    ]


# --- the matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_answers_each_persona_as_expected(client, world, name):
    page = EXPECTED[name]
    url = reverse(name, kwargs=world["kwargs"][page.kwargs])
    problems = []
    for persona in PERSONAS:
        login(client, world, persona)
        response = client.get(url)
        got = outcome(response, page.get[persona])
        if got != page.get[persona]:
            problems.append(f"{persona}: GET gave {got}, expected {page.get[persona]}")
        if response.status_code == 200:
            found = leaks(persona, body_of(response))
            if found:
                problems.append(f"{persona}: the page shows resident A's {', '.join(found)}")
    assert not problems, f"{name} ({url}):\n" + "\n".join(problems)


POSTING = sorted(name for name, page in EXPECTED.items() if page.post is not None)


def post_data(world, page):
    if isinstance(page.post, str):
        return world["posts"][page.post]()
    return dict(page.post)


@pytest.mark.parametrize("name", POSTING)
def test_only_those_who_may_act_change_anything(client, world, name):
    page = EXPECTED[name]
    url = reverse(name, kwargs=world["kwargs"][page.kwargs])
    problems = []
    before = snapshot()
    for persona in PERSONAS:
        if persona in page.may_post:
            continue
        login(client, world, persona)
        response = client.post(url, post_data(world, page))
        expected = page.refused.get(persona, LOGIN if persona == "anonymous" else REFUSED)
        got = outcome(response, expected)
        if got != expected and not (expected == REFUSED and got in REFUSED):
            problems.append(f"{persona}: POST gave {got}, expected {expected}")
        if snapshot() != before:
            problems.append(f"{persona}: a refused POST changed data")
            before = snapshot()
    assert not problems, f"{name} ({url}):\n" + "\n".join(problems)

    # The refusals were about the persona: the first who may act is accepted.
    actor = page.may_post[0]
    login(client, world, actor)
    response = client.post(url, post_data(world, page))
    assert response.status_code in (200, 302), (name, actor, response.status_code)
    if name not in {"set_language", "grants:similar", "grants:autosave"} | {
        "grants:closing_report_autosave"  # these keep what is typed in the session only
    }:
        assert snapshot() != before, f"{name}: the POST by {actor} changed nothing"


# --- pages of other packages --------------------------------------------------------------


def _fill(pattern) -> dict:
    """Some value for each part of a pattern of another package (a key, a uid)."""
    names = list(pattern.pattern.regex.groupindex)
    return {name: "0" for name in names}


def test_account_pages_answer_everyone_without_leaking(client, world):
    problems = []
    for name, pattern in url_names().items():
        if group_of(name) not in ("account_", "mfa_", "socialaccount_", "openid_connect_"):
            continue
        # The provider's part of the address is in the pattern around these two.
        kwargs = {"provider_id": "city"} if name.startswith("openid_connect_") else _fill(pattern)
        url = reverse(name, kwargs=kwargs)
        for persona in PERSONAS:
            login(client, world, persona)
            response = client.get(url)
            # allauth's page of a failed login through a provider answers 401.
            allowed = (200, 302, 404, 401) if "login_error" in name else (200, 302, 404)
            if response.status_code not in allowed:
                problems.append(f"{name} {persona}: GET gave {response.status_code}")
            if response.status_code == 200 and leaks(persona, body_of(response)):
                problems.append(f"{name} {persona}: shows resident A's data")
    assert not problems, "\n".join(problems)


def test_admin_is_for_staff_only(client, world):
    admin_login = reverse("admin:login")
    for persona in PERSONAS:
        login(client, world, persona)
        response = client.get(reverse("admin:index"))
        if persona == "staff":
            assert response.status_code == 200, persona
            # No model permissions: the staff person sees no one's data in the admin.
            assert A_EMAIL not in body_of(response)
            page = client.get(reverse("admin:actors_user_changelist"))
            assert page.status_code == 403
        else:
            assert response.status_code == 302, persona
            assert response.url.startswith(admin_login), persona
            page = client.get(reverse("admin:actors_user_changelist"))
            assert page.status_code == 302 and page.url.startswith(admin_login), persona


# --- no leaks on any idea's pages ---------------------------------------------------------

IDEA_PAGES = (
    "grants:idea",
    "grants:agent_idea",
    "grants:agent_idea_mill",
    "grants:idea_edit",
    "grants:closing_report",
    "grants:idea_payee",
)


def test_no_idea_page_shows_a_secret_to_a_persona_who_may_not_see_it(client, world):
    """Each idea's pages (and its public page) for each persona: refused, or free of secrets."""
    problems = []
    for persona in PERSONAS:
        login(client, world, persona)
        for label, idea in world["ideas"].items():
            urls = [reverse(name, args=[idea.pk]) for name in IDEA_PAGES]
            urls.append(reverse("reports:pilot", args=[idea.pk]))
            for url in urls:
                response = client.get(url, follow=True)
                if response.status_code == 200:
                    found = leaks(persona, body_of(response))
                    if found:
                        problems.append(f"{persona} {url} ({label}): {', '.join(found)}")
    assert not problems, "\n".join(problems)


def test_a_district_agent_is_refused_another_districts_idea(client, world):
    """Agent Y neither reads nor writes to district X's idea; agent X does both."""
    submitted = world["ideas"]["submitted"]
    agent_y = world["people"]["agent_y"]
    client.force_login(agent_y)
    before = snapshot()
    for name in ("grants:idea", "grants:agent_idea", "grants:agent_idea_mill"):
        assert client.get(reverse(name, args=[submitted.pk])).status_code == 403, name
    response = client.post(reverse("grants:idea_messages", args=[submitted.pk]), {"body": "Hi"})
    assert response.status_code == 403
    assert snapshot() == before

    client.force_login(world["people"]["agent_x"])
    assert client.get(reverse("grants:agent_idea", args=[submitted.pk])).status_code == 200


def test_an_unknown_invitation_and_an_expired_one_are_404(client, world):
    client.force_login(world["people"]["resident_b"])
    assert client.get(reverse("actors:invitation", args=["no-such-token"])).status_code == 404
    Invitation.objects.update(created_at=timezone.now() - timedelta(days=365))
    token = world["kwargs"]["invitation"]["token"]
    before = snapshot()
    assert client.post(reverse("actors:invitation", args=[token])).status_code == 404
    assert snapshot() == before


def test_the_persona_world_is_what_the_docstring_says(world):
    from actors.roles import can_view_dashboard, in_scope, is_agent

    people, x = world["people"], world["x"]
    assert is_agent(people["agent_x"]) and in_scope(people["agent_x"], x.pk)
    assert is_agent(people["agent_y"]) and not in_scope(people["agent_y"], x.pk)
    assert can_view_dashboard(people["manager"]) and not is_agent(people["manager"])
    assert people["staff"].is_staff and not people["staff"].is_superuser
    assert not can_view_dashboard(people["staff"])
    assert re.search(r"^\S+@\S+$", A_EMAIL)


def test_a_manager_reads_an_idea_without_the_decision_form(client, world):
    submitted = world["ideas"]["submitted"]
    client.force_login(world["people"]["manager"])
    page = client.get(reverse("grants:agent_idea", args=[submitted.pk]))
    assert page.status_code == 200
    assert 'name="decision"' not in body_of(page)
    client.force_login(world["people"]["agent_x"])
    assert 'name="decision"' in body_of(
        client.get(reverse("grants:agent_idea", args=[submitted.pk]))
    )
