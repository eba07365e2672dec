"""A HEAD request (a link checker, a browser's prefetch) gets the idea form's headers, not a
400 as if it were an empty submission; a method the form does not take is refused with 405."""

from django.urls import reverse


def test_head_of_the_idea_form_answers_like_get(client, db, open_round):
    assert client.head(reverse("grants:idea_new")).status_code == 200


def test_another_method_is_not_allowed(client, db):
    assert client.put(reverse("grants:idea_new")).status_code == 405
