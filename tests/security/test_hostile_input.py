"""Hostile text in every form of the app: never a server error, never markup on a page.

Each form is posted by a persona who may use it, with one free-text field set to a value drawn
by hypothesis: arbitrary text, or a known attack (script tags, attribute breakers, template
syntax, SQL, NUL bytes, a right-to-left override, 10,000 characters, emoji, CRLF header
injection), alone or inside other text. The value is wrapped in markers unique to the example,
so it can be found exactly. Then:

- the POST answers below 500 (a 4xx with the form's error for values the form refuses);
- if the value has < or >, neither the POST's answer nor any page that shows the stored text
  contains it raw;
- where the value was accepted and is shown on one line, the page contains its escaped form:
  the text is really there, escaped, not dropped.

Lone surrogates cannot travel in UTF-8 over HTTP, so hypothesis' default alphabet (which has
none) is right. allauth's login and signup forms are left out: allauth escapes them and its
login is throttled (tests/security/test_login_throttling.py). The erasure form has no free text.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants import services
from grants.models import Idea, Payee, Round
from tests import factories
from tests.security import form_data

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "{% debug %}",
    "'; DROP TABLE grants_idea; --",
    "a\x00b",
    "\u202eevil.exe",
    "<b>" + "x" * 10_000,
    "🎉👩‍👩‍👧 kahvila ☕",
    "a\r\nSet-Cookie: x=1",
    "</textarea><svg onload=alert(1)>",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.tuples(st.text(max_size=40), st.sampled_from(HOSTILE)).map("".join),
)
HYPOTHESIS = settings(
    max_examples=15,
    database=None,  # nothing written into the checkout; every run draws afresh
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = itertools.count()


@dataclass
class Form:
    persona: str
    fields: tuple[str, ...]
    # (world, prepared) -> URL to post to, and the complete valid data of the form
    url: Callable
    data: Callable
    # (world, prepared, response) -> [(persona, URL)] of the pages that show the text
    shown_on: Callable = lambda world, prepared, response: []
    prepare: Callable = lambda world: None
    files: Callable | None = None
    after: Callable | None = None  # what happens next in the service (e.g. the agent closes)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    settings.SPAM_MAX_IDEAS_PER_HOUR_PER_ACCOUNT = 10_000
    settings.SPAM_MAX_IDEAS_PER_HOUR_PER_IP = 10_000
    settings.MEDIA_ROOT = tmp_path
    x = factories.DistrictFactory(name="Iittala", slug="iittala")
    factories.RoundFactory(districts=[x], budget=Decimal("10000000.00"))
    a = factories.UserFactory(email="a@example.org", full_name="Aino Asukas")
    agent = factories.AgentFactory(email="agent@example.org")
    organisation = factories.ActorFactory(name="Kylä ry", district=x, members=[a])
    return {
        "x": x,
        "people": {
            "resident_a": a,
            "agent": agent,
            "administrator": factories.AdministratorFactory(email="admin@example.org"),
            "anonymous": None,
        },
        "organisation": organisation,
        "idea": lambda status: factories.idea_in_status(
            status, created_by=a, agent=agent, district=x
        ),
    }


def _redirected_idea(response) -> int:
    return int(response.url.rstrip("/").split("/")[-1])


def _idea_pages(idea_id: int):
    return [
        ("resident_a", reverse("grants:idea", args=[idea_id])),
        ("agent", reverse("grants:agent_idea", args=[idea_id])),
        ("agent", reverse("grants:agent_idea_mill", args=[idea_id])),
    ]


def _close_and_publish(world, prepared, response):
    idea = Idea.objects.get(pk=prepared.pk)
    if idea.status == "reported":
        services.idea_close(idea=idea, by=world["people"]["agent"])


def _open_batch(world):
    """A batch of one grant to pay, waiting for the bank."""
    idea = world["idea"]("approved")
    Payee.objects.get_or_create(
        actor=idea.applicant, defaults={"name": "Aino Asukas", "iban": "FI2112345600000785"}
    )
    return services.batch_create(
        grant_ids=[idea.grant.pk], by=world["people"]["agent"], execution_date=timezone.localdate()
    )


def _quiet_round(world):
    """A round of a district of its own, for the administrator to edit."""
    number = next(_serial)
    district = factories.DistrictFactory(name=f"Alue {number}", slug=f"alue-{number}")
    return factories.RoundFactory(districts=[district])


def _round_data(world, round_):
    return {
        "name_fi": "Kesä",
        "budget": "30000.00",
        "default_grant": "500.00",
        "max_grant": "1000.00",
        "opens_on": round_.opens_on.isoformat(),
        "decision_target_days": "7",
        "districts": [district.pk for district in round_.districts.all()],
        "version": str(Round.objects.get(pk=round_.pk).version),
    }


def _in_swedish(name, *args):
    with translation.override("sv"):
        return reverse(name, args=args)


FORMS = {
    "round": Form(
        persona="administrator",
        fields=("name_fi", "name_sv", "rules_fi", "rules_sv"),
        prepare=_quiet_round,
        url=lambda world, round_: reverse("grants:manage_round", args=[round_.pk]),
        data=_round_data,
        shown_on=lambda world, round_, response: [
            ("administrator", reverse("grants:manage")),
            ("anonymous", reverse("grants:round", args=[round_.pk])),
            ("anonymous", _in_swedish("grants:round", round_.pk)),
        ],
    ),
    "reason": Form(
        persona="administrator",
        fields=("title_fi", "title_sv", "text_fi"),
        url=lambda world, prepared: reverse("grants:manage_reason_new"),
        data=lambda world, prepared: {
            "title_fi": "Palkat",
            "text_fi": "Ei palkkoja.",
            "active": "on",
        },
        shown_on=lambda world, prepared, response: [
            ("administrator", reverse("grants:manage_reasons")),
            ("administrator", _in_swedish("grants:manage_reasons")),
        ],
    ),
    "district": Form(
        persona="administrator",
        fields=("name_fi", "name_sv"),
        url=lambda world, prepared: reverse("actors:manage_districts"),
        data=lambda world, prepared: {"name_fi": f"Uusi {next(_serial)}"},
        shown_on=lambda world, prepared, response: [
            ("administrator", reverse("actors:manage_districts"))
        ],
    ),
    "staff_invite": Form(
        persona="administrator",
        fields=("email",),
        url=lambda world, prepared: reverse("actors:manage_staff"),
        data=lambda world, prepared: {"email": "new@example.org", "role": "manager"},
    ),
    "idea": Form(
        persona="resident_a",
        fields=("title", "need", "plan", "partners_text"),
        url=lambda world, prepared: reverse("grants:idea_new"),
        data=lambda world, prepared: form_data.idea_data(world["x"]),
        shown_on=lambda world, prepared, response: (
            [*_idea_pages(_redirected_idea(response)), ("agent", reverse("grants:agent"))]
            if response.status_code == 302
            else []
        ),
    ),
    "idea_edit": Form(
        persona="resident_a",
        fields=("title", "need", "plan"),
        prepare=lambda world: world["idea"]("draft"),
        url=lambda world, idea: reverse("grants:idea_edit", args=[idea.pk]),
        data=lambda world, idea: form_data.idea_data(world["x"], save_draft="1"),
        shown_on=lambda world, idea, response: [
            ("resident_a", reverse("grants:idea", args=[idea.pk])),
            ("resident_a", reverse("grants:idea_edit", args=[idea.pk])),
        ],
    ),
    "idea_preview": Form(
        persona="resident_a",
        fields=("title", "need", "plan"),
        url=lambda world, prepared: reverse("grants:idea_new"),
        data=lambda world, prepared: form_data.idea_data(world["x"], preview="1"),
    ),
    "assisted_idea": Form(
        persona="agent",
        fields=("person_name", "person_phone", "title", "need"),
        url=lambda world, prepared: reverse("grants:agent_idea_new"),
        data=lambda world, prepared: form_data.idea_data(
            world["x"], person_name="Eeva Puhelin", person_phone="040 123 4567"
        ),
        shown_on=lambda world, prepared, response: (
            [("agent", response.url)] if response.status_code == 302 else []
        ),
    ),
    "budget_line": Form(
        persona="resident_a",
        fields=("description",),
        prepare=lambda world: world["idea"]("draft"),
        url=lambda world, idea: reverse("grants:budget_line_add", args=[idea.pk]),
        data=lambda world, idea: {"description": "Flour", "amount": "12.50"},
        shown_on=lambda world, idea, response: [_idea_pages(idea.pk)[0]],
    ),
    "attachment_name": Form(
        persona="resident_a",
        fields=("file",),
        prepare=lambda world: world["idea"]("draft"),
        url=lambda world, idea: reverse("grants:attachment_add", args=[idea.pk]),
        data=lambda world, idea: {},
        files=lambda value: {
            "file": SimpleUploadedFile(value.replace("/", "_")[:180] + ".pdf", b"%PDF-1.4 x")
        },
        shown_on=lambda world, idea, response: [_idea_pages(idea.pk)[0]],
    ),
    "message_from_maker": Form(
        persona="resident_a",
        fields=("body",),
        prepare=lambda world: world["idea"]("submitted"),
        url=lambda world, idea: reverse("grants:idea_messages", args=[idea.pk]),
        data=lambda world, idea: {"body": "Hello"},
        shown_on=lambda world, idea, response: _idea_pages(idea.pk),
    ),
    "message_from_agent": Form(
        persona="agent",
        fields=("body",),
        prepare=lambda world: world["idea"]("submitted"),
        url=lambda world, idea: reverse("grants:idea_messages", args=[idea.pk]),
        data=lambda world, idea: {"body": "Hello"},
        shown_on=lambda world, idea, response: _idea_pages(idea.pk),
    ),
    "answer": Form(
        persona="resident_a",
        fields=("answer",),
        prepare=lambda world: world["idea"]("needs_info"),
        url=lambda world, idea: reverse("grants:idea_action", args=[idea.pk, "answer"]),
        data=lambda world, idea: {"answer": "At the school."},
        shown_on=lambda world, idea, response: _idea_pages(idea.pk),
    ),
    "decline_reason": Form(
        persona="agent",
        fields=("reason",),
        prepare=lambda world: world["idea"]("submitted"),
        url=lambda world, idea: reverse("grants:agent_idea", args=[idea.pk]),
        data=lambda world, idea: {"decision": "decline", "reason": "No."},
        shown_on=lambda world, idea, response: _idea_pages(idea.pk),
    ),
    "return_report_question": Form(
        persona="agent",
        fields=("question",),
        prepare=lambda world: world["idea"]("reported"),
        url=lambda world, idea: reverse("grants:agent_return_report", args=[idea.pk]),
        data=lambda world, idea: {"question": "How many?"},
        shown_on=lambda world, idea, response: _idea_pages(idea.pk),
    ),
    "closing_report": Form(
        persona="resident_a",
        fields=(
            "what_happened",
            "what_worked",
            "what_did_not_work",
            "continuation_form",
            "lesson_1",
        ),
        prepare=lambda world: world["idea"]("approved"),
        url=lambda world, idea: reverse("grants:closing_report", args=[idea.pk]),
        data=lambda world, idea: form_data.report_data(),
        after=_close_and_publish,
        shown_on=lambda world, idea, response: [
            *_idea_pages(idea.pk),
            ("anonymous", reverse("reports:pilot", args=[idea.pk])),
            ("agent", reverse("reports:district", args=[world["x"].slug])),
            ("agent", reverse("reports:themes")),
        ],
    ),
    "theme": Form(
        persona="agent",
        fields=("new_theme",),
        prepare=lambda world: world["idea"]("closed").closing_report.lessons.first(),
        url=lambda world, lesson: reverse("reports:themes"),
        data=lambda world, lesson: {"lesson": lesson.pk, "new_theme": "Together"},
        shown_on=lambda world, lesson, response: [("agent", reverse("reports:themes"))],
    ),
    "profile": Form(
        persona="resident_a",
        fields=("full_name", "phone"),
        url=lambda world, prepared: reverse("actors:profile"),
        data=lambda world, prepared: {
            "full_name": "Aino Asukas",
            "phone": "040 1",
            "language": "en",
            "optional_email": "on",
        },
        shown_on=lambda world, prepared, response: [
            ("resident_a", reverse("actors:profile")),
            ("agent", reverse("actors:organisation", args=[world["organisation"].pk])),
        ],
    ),
    "organisation": Form(
        persona="resident_a",
        fields=("name",),
        url=lambda world, prepared: reverse("actors:organisations"),
        data=lambda world, prepared: {"kind": "association", "name": "Seura", "business_id": ""},
        shown_on=lambda world, prepared, response: [
            ("resident_a", reverse("actors:organisations")),
            ("resident_a", response.url if response.status_code == 302 else "/"),
        ],
    ),
    "invitation_email": Form(
        persona="resident_a",
        fields=("email",),
        url=lambda world, prepared: reverse("actors:organisation", args=[world["organisation"].pk]),
        data=lambda world, prepared: {"invite": "1", "email": "friend@example.org"},
    ),
    "login_code_email": Form(
        persona="anonymous",
        fields=("email",),
        url=lambda world, prepared: reverse("account_request_login_code"),
        data=lambda world, prepared: {"email": "someone@example.org"},
    ),
    "payee": Form(
        persona="resident_a",
        fields=("name", "iban"),
        prepare=lambda world: world["idea"]("approved"),
        url=lambda world, idea: reverse("grants:idea_payee", args=[idea.pk]),
        data=lambda world, idea: {"name": "Aino Asukas", "iban": "FI21 1234 5600 0007 85"},
        shown_on=lambda world, idea, response: [
            ("resident_a", reverse("grants:idea", args=[idea.pk])),
            ("agent", reverse("grants:agent_idea", args=[idea.pk])),
        ],
    ),
    "batch_paid_reference": Form(
        persona="agent",
        fields=("reference",),
        prepare=lambda world: _open_batch(world),
        url=lambda world, batch: reverse("grants:batch_paid", args=[batch.pk]),
        data=lambda world, batch: {"paid_on": timezone.localdate().isoformat(), "reference": "A"},
        shown_on=lambda world, batch, response: [
            ("agent", reverse("grants:payment_batch", args=[batch.pk]))
        ],
    ),
    "claim_code": Form(
        persona="resident_a",
        fields=("code",),
        url=lambda world, prepared: reverse("grants:idea_claim"),
        data=lambda world, prepared: {"code": "ABCD-1234"},
    ),
    "grant_payment_reference": Form(
        persona="agent",
        fields=("reference",),
        prepare=lambda world: world["idea"]("approved").grant,
        url=lambda world, grant: reverse("grants:grant_paid", args=[grant.pk]),
        data=lambda world, grant: {"paid_on": "2024-05-02", "reference": "X"},
    ),
    "similar_pilots": Form(
        persona="anonymous",
        fields=("title", "need"),
        url=lambda world, prepared: reverse("grants:similar"),
        data=lambda world, prepared: {"title": "café"},
    ),
    "autosaved_idea": Form(
        persona="resident_a",
        fields=("title", "need"),
        url=lambda world, prepared: reverse("grants:autosave"),
        data=lambda world, prepared: {"title": "café"},
        shown_on=lambda world, prepared, response: [("resident_a", reverse("grants:idea_new"))],
    ),
    "visitor_email": Form(
        persona="anonymous",
        fields=("email",),
        prepare=lambda world: "pending",
        url=lambda world, prepared: reverse("grants:idea_finish"),
        data=lambda world, prepared: {"email": "visitor@example.org"},
    ),
}


def _login(client, world, persona):
    client.logout()
    if persona != "anonymous":
        client.force_login(world["people"][persona])


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return response.content.decode("utf-8", errors="replace")


def _check_page(text: str, marker: str, payload: str, *, where: str) -> None:
    """No < or > of the payload reaches the page raw, also when the app shortened the text:
    the marker and the payload up to its first < (or >) are never followed by it unescaped."""
    for bracket in "<>":
        if bracket in payload:
            before = payload[: payload.index(bracket)]
            for shown in (before, escape(before)):
                assert marker + shown + bracket not in text, f"raw markup from the input on {where}"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_hostile_text_is_refused_or_stored_and_always_escaped(client, world, name):
    form = FORMS[name]
    client.raise_request_exception = False

    @HYPOTHESIS
    @given(field_name=st.sampled_from(form.fields), payload=VALUES)
    def check(field_name, payload):
        serial = next(_serial)
        marker = f"QZ{serial}Q"
        value = f"{marker}{payload}Q{serial}ZQ"
        prepared = form.prepare(world)
        _login(client, world, form.persona)
        if prepared == "pending":  # a visitor has written an idea and is asked for the email
            client.post(reverse("grants:idea_new"), form_data.idea_data(world["x"]))
        data = form.data(world, prepared)
        if form.files is not None:
            data.update(form.files(value))
        else:
            data[field_name] = value
        response = client.post(form.url(world, prepared), data)
        where = f"the answer to the POST of {name}.{field_name}"
        assert response.status_code < 500, f"{where}: {response.status_code}"
        if response.status_code != 302:
            _check_page(_text(response), marker, payload, where=where)
            return
        if form.after is not None:
            form.after(world, prepared, response)
        pages = form.shown_on(world, prepared, response)
        texts = []
        for persona, url in pages:
            _login(client, world, persona)
            page = client.get(url)
            assert page.status_code == 200, f"{url} for {persona}: {page.status_code}"
            texts.append(_text(page))
            _check_page(
                texts[-1], marker, payload, where=f"{url} for {persona} after {name}.{field_name}"
            )
        # Text on one line is shown as it was typed, escaped (at least on one of the pages; its
        # start, as a long text may be shortened).
        plain = not any(character in value for character in "\x00\r\n\t")
        if pages and plain and form.files is None:
            start = escape(value[:40])
            assert any(start in text for text in texts), (
                f"{name}.{field_name}: the escaped text is on none of {[u for _p, u in pages]}"
            )

    check()


def test_the_cases_cover_every_form_class_of_the_app():
    """A new form with free text must get a case here (or a reason to be left out)."""
    import inspect

    from django import forms as django_forms

    import actors.forms
    import grants.forms

    left_out = {
        "EraseForm": "a tick box only",
        "DecisionForm": "its reason: decline_reason",
        "RoundExtendForm": "a date only",
        "PaymentBatchForm": "a date only",
        "StaffDistrictsForm": "tick boxes only",
    }
    covered = {
        "IdeaForm": "idea",
        "AssistedIdeaForm": "assisted_idea",
        "BudgetLineForm": "budget_line",
        "AttachmentForm": "attachment_name",
        "ClaimForm": "claim_code",
        "EmailForm": "visitor_email",
        "MessageForm": "message_from_maker",
        "AnswerForm": "answer",
        "ClosingReportForm": "closing_report",
        "ProfileForm": "profile",
        "OrganisationForm": "organisation",
        "InviteForm": "invitation_email",
        "RoundForm": "round",
        "ReasonForm": "reason",
        "DistrictForm": "district",
        "StaffInviteForm": "staff_invite",
        "RequestLoginCodeForm": "login_code_email",
        "PayeeForm": "payee",
        "BatchPaidForm": "batch_paid_reference",
    }
    found = {
        name
        for module in (grants.forms, actors.forms)
        for name, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, django_forms.BaseForm) and obj.__module__ == module.__name__
    }
    missing = found - set(covered) - set(left_out)
    assert not missing, f"forms without a hostile-input case: {sorted(missing)}"
    assert set(covered.values()) <= set(FORMS)


@pytest.mark.parametrize(
    "name", ["return_report_question", "grant_payment_reference", "theme", "similar_pilots"]
)
def test_a_nul_byte_in_a_field_read_without_a_form_is_no_server_error(client, world, name):
    """These read request.POST directly, without a form; PostgreSQL refuses NUL in text."""
    form = FORMS[name]
    client.raise_request_exception = False
    for payload in ("a\x00b", "\x00", "<script>\x00</script>"):
        prepared = form.prepare(world)
        _login(client, world, form.persona)
        data = form.data(world, prepared) | {form.fields[0]: payload}
        response = client.post(form.url(world, prepared), data)
        assert response.status_code < 500, (name, repr(payload), response.status_code)


def test_a_lesson_or_theme_that_is_not_a_number_is_404_not_500(client, world):
    client.raise_request_exception = False
    lesson = world["idea"]("closed").closing_report.lessons.first()
    client.force_login(world["people"]["agent"])
    for data in ({"lesson": "x'--"}, {"lesson": lesson.pk, "theme": "<b>", "new_theme": "A"}):
        response = client.post(reverse("reports:themes"), data)
        assert response.status_code in (302, 404), (data, response.status_code)
    assert client.post(reverse("reports:themes"), {"lesson": "1e3"}).status_code == 404
