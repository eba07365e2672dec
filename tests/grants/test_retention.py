"""Old unsent drafts: one notice at DRAFT_RETENTION_DAYS without a change, deletion
DRAFT_RETENTION_NOTICE_DAYS after it unless the draft was changed; sent ideas never touched."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from grants import services, tasks
from grants.models import Idea
from grants.services import retention

DAY = timedelta(days=1)


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(at):
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            return tasks.sweep_draft_retention()

    return run


@pytest.fixture
def draft(make_idea, start):
    with time_machine.travel(start, tick=False):
        return make_idea("draft", title="Unohtunut luonnos")


def test_the_periods_come_from_the_settings(settings):
    assert settings.DRAFT_RETENTION_DAYS == 365
    assert settings.DRAFT_RETENTION_NOTICE_DAYS == 30


def test_no_notice_before_the_period(draft, start, sweep):
    assert sweep(start + 364 * DAY) == {"noticed": 0, "deleted": 0}
    assert mail.outbox == []
    assert Idea.objects.get(pk=draft.pk).retention_notice_at is None


def test_one_notice_at_the_period_in_the_makers_language_not_repeated(
    draft, start, sweep, resident
):
    resident.language = "fi"
    resident.save()
    at = start + 365 * DAY
    assert sweep(at) == {"noticed": 1, "deleted": 0}
    assert sweep(at + DAY) == {"noticed": 0, "deleted": 0}
    [email] = mail.outbox
    assert email.to == [resident.email]
    assert "Unohtunut luonnos" in email.subject
    assert f"/ideas/{draft.pk}/" in email.body
    assert Idea.objects.get(pk=draft.pk).retention_notice_at == at


def test_deleted_after_the_notice_period_with_its_files_not_before(
    draft, start, sweep, resident, django_capture_on_commit_callbacks
):
    with time_machine.travel(start, tick=False):
        attachment = services.attachment_add(
            idea=draft, by=resident, uploaded=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 x")
        )
    noticed = start + 365 * DAY
    sweep(noticed)
    assert sweep(noticed + 29 * DAY) == {"noticed": 0, "deleted": 0}
    assert Idea.objects.filter(pk=draft.pk).exists()

    assert sweep(noticed + 30 * DAY) == {"noticed": 0, "deleted": 1}
    assert not Idea.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(attachment.file.name)
    [event] = AuditEvent.objects.filter(action="drafts_deleted_by_retention")
    assert event.object_id == str(draft.pk) and event.actor is None
    assert event.actor_label == "system"


def test_an_edited_draft_survives(draft, start, sweep, resident):
    noticed = start + 365 * DAY
    sweep(noticed)
    with time_machine.travel(noticed + 10 * DAY, tick=False):
        services.idea_update(idea=draft, by=resident, title="Vielä ajankohtainen")
    assert Idea.objects.get(pk=draft.pk).retention_notice_at is None
    assert sweep(noticed + 30 * DAY) == {"noticed": 0, "deleted": 0}
    assert sweep(noticed + 60 * DAY) == {"noticed": 0, "deleted": 0}
    assert Idea.objects.filter(pk=draft.pk).exists()
    # A year after the edit, the rule starts over with a new notice.
    assert sweep(noticed + 10 * DAY + 365 * DAY)["noticed"] == 1


def test_sent_ideas_are_never_touched(make_idea, start, sweep):
    with time_machine.travel(start, tick=False):
        sent = [make_idea(status) for status in ("submitted", "declined", "approved", "withdrawn")]
    sweep(start + 365 * DAY)
    assert sweep(start + 800 * DAY) == {"noticed": 0, "deleted": 0}
    assert Idea.objects.filter(pk__in=[idea.pk for idea in sent]).count() == 4
    assert mail.outbox == []


def test_the_sweep_reads_only_due_drafts(make_idea, start, django_assert_num_queries):
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            make_idea("draft")
    with django_assert_num_queries(2):  # nothing due: one query for notices, one for deletions
        retention.sweep(now=start + 100 * DAY)
