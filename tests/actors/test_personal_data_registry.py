"""One registry says what every app holds about a person (actors/personal_data.py). Every model
with a relation to a person or a text field must be declared there as exported, erased or
statistics, so a new model cannot be forgotten by the download or the erasure."""

import json

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from actors import personal_data
from grants import services
from grants.models import Attachment, BudgetLine, CityDecision
from tests import factories

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _holds_something(model) -> bool:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for field in model._meta.get_fields():
        if field.is_relation and field.related_model is user_model and field.concrete:
            return True
        if field.concrete and isinstance(field, TEXT_FIELDS):
            return True
    return model is user_model


def test_every_model_that_could_hold_personal_data_is_declared():
    declared = personal_data.declared()
    forgotten = [
        model._meta.label
        for model in apps.get_models()
        if _holds_something(model) and model._meta.label not in declared
    ]
    assert forgotten == [], f"declare these in an app's personal data handler: {forgotten}"


def test_the_registry_names_only_models_that_exist():
    installed = {model._meta.label for model in apps.get_models()}
    optional = {label for label in personal_data.declared() if label.startswith("socialaccount.")}
    assert set(personal_data.declared()) - installed - optional == set()


def test_a_model_left_out_fails_the_walk(monkeypatch):
    """The walk really looks: take one declaration away and it is reported."""
    handlers = {
        app: personal_data.Handler(
            app=h.app,
            export=h.export,
            erase=h.erase,
            summary=h.summary,
            holds={k: v for k, v in h.holds.items() if k != "grants.BudgetLine"},
        )
        for app, h in personal_data._handlers.items()
    }
    monkeypatch.setattr(personal_data, "_handlers", handlers)
    assert "grants.BudgetLine" not in personal_data.declared()
    assert _holds_something(BudgetLine)


def test_an_unknown_disposition_is_refused():
    import pytest

    with pytest.raises(ValueError):
        personal_data.register("nowhere", holds={"grants.Idea": {"kept somewhere"}})


def test_the_download_holds_every_exported_kind_of_a_whole_pilot(
    client, resident, agent, district, open_round, django_capture_on_commit_callbacks
):
    """A pilot from idea to the city's decision: every model declared as exported that holds
    something of this person is in the download."""
    with django_capture_on_commit_callbacks(execute=True):
        pilot = factories.idea_in_status(
            "closed", created_by=resident, agent=agent, district=district, title="Lukukoira"
        )
    services.grant_mark_paid(grant=pilot.grant, by=agent, paid_on=timezone.localdate())
    BudgetLine.objects.create(idea=pilot, description="Koiran herkut", amount="40.00")
    Attachment.objects.create(
        idea=pilot,
        file=SimpleUploadedFile("kuva.pdf", b"%PDF-1.4 kuva"),
        original_name="kuva.pdf",
        content_type="application/pdf",
        size=13,
        uploaded_by=resident,
    )
    CityDecision.objects.create(
        idea=pilot, outcome="another_round", reason="Hyvä kokeilu", decided_by=agent
    )
    services.message_post(idea=pilot, by=resident, body="Kiitos tuesta")
    factories.give_totp(resident)
    EmailAddress.objects.create(user=resident, email=resident.email, verified=True, primary=True)

    client.force_login(resident)
    data = json.loads(client.get(reverse("actors:data_export")).content)

    [idea] = data["ideas"]
    assert idea["title"] == "Lukukoira"
    assert idea["grant"]["amount"] == "500.00" and idea["grant"]["paid_on"]
    assert idea["city_decision"]["outcome"] == "another_round"
    assert idea["closing_report"]["what_worked"] == pilot.closing_report.what_worked
    assert [line["what"] for line in data["budget_lines"]] == ["Koiran herkut"]
    assert [file["name"] for file in data["attachments"]] == ["kuva.pdf"]
    assert [lesson["text"] for lesson in data["lessons"]] == list(
        pilot.closing_report.lessons.values_list("text", flat=True)
    )
    assert data["lessons"]
    assert {change["to"] for change in data["history"]} >= {"submitted", "approved", "closed"}
    assert [message["body"] for message in data["messages"]] == ["Kiitos tuesta"]
    assert data["notifications"]
    assert [address["email"] for address in data["email_addresses"]] == [resident.email]
    assert [authenticator["type"] for authenticator in data["authenticators"]] == ["totp"]
    assert "secret" not in json.dumps(data["authenticators"])
    assert data["actors"]
    assert "exports_requested" in data and "audit_events" in data
