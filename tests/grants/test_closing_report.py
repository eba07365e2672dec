"""The closing report: submit, return with a question, resubmit, accept; drafts kept; only the
pilot's makers and the agents; the continuation and lessons stored as data."""

from django.core import mail
from django.urls import reverse

from grants import services
from grants.models import ClosingReport, Lesson, Notification


def report_form(**overrides) -> dict:
    data = {
        "what_happened": "Four cafés.",
        "participants_children": "30",
        "participants_youth": "0",
        "participants_adults": "4",
        "participants_elderly": "20",
        "actual_cost": "430.50",
        "what_worked": "Baking.",
        "what_did_not_work": "Mornings.",
        "lesson_1": "Do it together.",
        "lesson_2": "Afternoons work.",
        "novelty": "4",
        "change": "3",
        "usefulness": "5",
        "continuation": "with_city",
        "continuation_form": "A monthly café in the school's hall.",
        "publish": "on",
    }
    data.update(overrides)
    return data


def test_submit_return_resubmit_accept(
    client, resident, agent, make_idea, django_capture_on_commit_callbacks
):
    idea = make_idea("report_due")
    client.force_login(resident)
    client.post(reverse("grants:closing_report", args=[idea.pk]), report_form())
    idea.refresh_from_db()
    assert idea.status == "reported"
    report = ClosingReport.objects.get(idea=idea)
    assert report.continuation == ClosingReport.Continuation.WITH_CITY
    assert list(report.lessons.values_list("text", flat=True)) == [
        "Do it together.",
        "Afternoons work.",
    ]

    client.force_login(agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("grants:agent_return_report", args=[idea.pk]),
            {"question": "How many parents came?"},
        )
    idea.refresh_from_db()
    assert idea.status == "report_due"
    assert [message.to for message in mail.outbox] == [[resident.email]]

    client.force_login(resident)
    page = client.get(reverse("grants:closing_report", args=[idea.pk])).content.decode()
    assert "Four cafés." in page and 'value="Do it together."' in page  # the report comes back
    client.post(
        reverse("grants:closing_report", args=[idea.pk]),
        report_form(participants_adults="12", lesson_2="", lesson_3="Parents came in the end."),
    )
    report.refresh_from_db()
    assert report.participants_adults == 12
    assert list(Lesson.objects.filter(report=report).values_list("text", flat=True)) == [
        "Do it together.",
        "Parents came in the end.",
    ]

    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grants:agent_close", args=[idea.pk]))
    idea.refresh_from_db()
    assert idea.status == "closed"
    assert Notification.objects.filter(kind="report_accepted", idea=idea).exists()


def test_only_the_makers_write_the_report_and_only_agents_return_it(
    client, resident, other_resident, manager, make_idea
):
    idea = make_idea("report_due")
    client.force_login(other_resident)
    url = reverse("grants:closing_report", args=[idea.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, report_form()).status_code == 403
    services.closing_report_submit(
        idea=idea,
        by=resident,
        lessons=["x"],
        **{
            "what_happened": "x",
            "actual_cost": 1,
            "what_worked": "x",
            "novelty": 1,
            "change": 1,
            "usefulness": 1,
            "continuation": "ended",
        },
    )
    for person in (resident, manager):
        client.force_login(person)
        response = client.post(
            reverse("grants:agent_return_report", args=[idea.pk]), {"question": "?"}
        )
        assert response.status_code == 403


def test_a_returned_report_needs_a_question(client, agent, make_idea):
    idea = make_idea("reported")
    client.force_login(agent)
    client.post(reverse("grants:agent_return_report", args=[idea.pk]), {"question": " "})
    idea.refresh_from_db()
    assert idea.status == "reported"


def test_the_report_draft_is_kept(client, resident, make_idea):
    idea = make_idea("running")
    client.force_login(resident)
    saved = client.post(
        reverse("grants:closing_report_autosave", args=[idea.pk]),
        {"what_happened": "We met on Thursdays", "lesson_1": "Half-written lesson"},
    )
    assert saved.status_code == 200
    page = client.get(reverse("grants:closing_report", args=[idea.pk])).content.decode()
    assert "We met on Thursdays" in page and 'value="Half-written lesson"' in page
    client.post(reverse("grants:closing_report", args=[idea.pk]), report_form())
    assert f"report_draft:{idea.pk}" not in client.session


def test_a_photo_comes_with_the_report(client, resident, make_idea):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.grants.test_budget_and_files import png_bytes

    idea = make_idea("report_due")
    client.force_login(resident)
    photo = SimpleUploadedFile("cafe.png", png_bytes())
    response = client.post(
        reverse("grants:closing_report", args=[idea.pk]), {**report_form(), "photo": photo}
    )
    assert response.status_code == 302
    assert idea.attachments.get().original_name == "cafe.png"

    other = make_idea("report_due")
    bad = client.post(
        reverse("grants:closing_report", args=[other.pk]),
        {**report_form(), "photo": SimpleUploadedFile("x.png", b"not an image")},
    )
    assert bad.status_code == 400
    other.refresh_from_db()
    assert other.status == "report_due"  # nothing sent, nothing lost
    assert "Three" not in bad.content.decode() and "Four cafés." in bad.content.decode()
