"""Nothing typed is lost: autosave, preview before sending, and back to editing."""

from django.urls import reverse

from grants.models import Idea
from tests.grants.test_views import _form_data


def test_autosave_brings_back_what_was_typed(client, open_round, district):
    saved = client.post(reverse("grants:autosave"), {"title": "Half-written", "need": "Sa"})
    assert saved.status_code == 200
    assert "Saved" in saved.content.decode()

    page = client.get(reverse("grants:idea_new")).content.decode()
    assert 'value="Half-written"' in page
    assert "We brought back what you wrote earlier." in page
    assert "This field is required." not in page  # restored, not judged yet


def test_autosave_keeps_only_the_forms_own_fields(client, db):
    client.post(reverse("grants:autosave"), {"title": "x" * 9000, "is_staff": "1"})
    saved = client.session["autosaved_idea"]
    assert set(saved) == {"title"}
    assert len(saved["title"][0]) == 5000


def test_preview_shows_the_idea_and_sends_nothing(client, resident, open_round, district):
    client.force_login(resident)
    data = _form_data(district, title="Lukupiiri", preview="1")
    response = client.post(reverse("grants:idea_new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview of your idea" in page and "Lukupiiri" in page
    assert 'type="hidden" name="need"' in page
    assert Idea.objects.count() == 0

    back = client.post(
        reverse("grants:idea_new"), {**_form_data(district, title="Lukupiiri"), "edit": "1"}
    )
    assert back.status_code == 200
    assert 'value="Lukupiiri"' in back.content.decode()

    sent = client.post(
        reverse("grants:idea_new"), {**_form_data(district, title="Lukupiiri"), "submit": "1"}
    )
    assert sent.status_code == 302
    assert Idea.objects.get().status == "submitted"
    assert "autosaved_idea" not in client.session


def test_a_preview_with_errors_shows_the_form(client, resident, open_round, district):
    client.force_login(resident)
    response = client.post(reverse("grants:idea_new"), _form_data(district, title="", preview="1"))
    assert response.status_code == 400
    assert "title" in response.context["form"].errors


def test_a_double_click_submits_once(client, resident, open_round, district):
    client.force_login(resident)
    data = _form_data(district, title="Kaksoisklikkaus")
    first = client.post(reverse("grants:idea_new"), data)
    second = client.post(reverse("grants:idea_new"), data)
    idea = Idea.objects.get()
    assert first.url == second.url == reverse("grants:idea", args=[idea.pk])
    assert idea.status == "submitted"


def test_two_people_opening_the_form_at_once_get_different_keys():
    from grants import spam

    assert spam.form_started_token() != spam.form_started_token()
