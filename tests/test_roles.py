"""Each page for anonymous, resident, agent and manager gives the expected status: anonymous
visitors go to the login page, a logged-in person without the role gets 403."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants import services

LOGIN = "LOGIN"  # redirect to the login page

# page name -> expected result for anonymous, resident (owner), other resident, agent, manager
MATRIX = {
    "home": (200, 200, 200, 200, 200),
    "idea_new": (200, 200, 200, 200, 200),
    # Steps of a visitor's submission: with nothing pending they send the person on.
    "idea_finish": (302, 302, 302, 302, 302),
    "idea_resume": (LOGIN, 302, 302, 302, 302),
    "my": (LOGIN, 200, 200, 200, 200),
    "notifications": (LOGIN, 200, 200, 200, 200),
    "idea": (LOGIN, 200, 403, 200, 200),
    "idea_edit": (LOGIN, 200, 403, 403, 403),
    "closing_report": (LOGIN, 200, 403, 403, 403),
    "agent": (LOGIN, 403, 403, 200, 200),
    "agent_idea": (LOGIN, 403, 403, 200, 200),
    "agent_idea_new": (LOGIN, 403, 403, 200, 403),
    "payments_csv": (LOGIN, 403, 403, 200, 200),
    "idea_claim": (LOGIN, 200, 200, 200, 200),
    "reports": (LOGIN, 403, 403, 200, 200),
    "district_report": (LOGIN, 403, 403, 200, 200),
    "profile": (LOGIN, 200, 200, 200, 200),
    "data_export": (LOGIN, 200, 200, 200, 200),
    # Agents and managers see why they cannot erase themselves; their POST is refused (403).
    "data_delete": (LOGIN, 200, 200, 200, 200),
    "organisations": (LOGIN, 200, 200, 200, 200),
    "organisation": (LOGIN, 200, 403, 200, 200),
    "invitation": (LOGIN, 404, 404, 404, 404),  # an unknown token
    "attachment": (LOGIN, 200, 403, 200, 200),
    "pilots": (200, 200, 200, 200, 200),
    "pilot": (200, 200, 200, 200, 200),
    "district_csv": (LOGIN, 403, 403, 200, 200),
    "compare": (LOGIN, 403, 403, 200, 200),
    "themes": (LOGIN, 403, 403, 200, 200),
    "open_data_json": (200, 200, 200, 200, 200),
    "open_data_csv": (200, 200, 200, 200, 200),
}
ROLES = ("anonymous", "resident", "other_resident", "agent", "manager")


@pytest.fixture
def pages(make_idea, district, resident):
    from tests.factories import ActorFactory

    organisation = ActorFactory(members=[resident])
    draft = make_idea("draft")
    approved = make_idea("approved")
    attachment = services.attachment_add(
        idea=approved, by=resident, uploaded=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")
    )
    return {
        "home": reverse("home"),
        "idea_new": reverse("grants:idea_new"),
        "idea_finish": reverse("grants:idea_finish"),
        "idea_resume": reverse("grants:idea_resume"),
        "my": reverse("grants:my"),
        "notifications": reverse("grants:notifications"),
        "idea": reverse("grants:idea", args=[approved.pk]),
        "idea_edit": reverse("grants:idea_edit", args=[draft.pk]),
        "closing_report": reverse("grants:closing_report", args=[approved.pk]),
        "agent": reverse("grants:agent"),
        "agent_idea": reverse("grants:agent_idea", args=[approved.pk]),
        "agent_idea_new": reverse("grants:agent_idea_new"),
        "payments_csv": reverse("grants:payments_csv"),
        "idea_claim": reverse("grants:idea_claim"),
        "reports": reverse("reports:index"),
        "district_report": reverse("reports:district", args=[district.slug]),
        "profile": reverse("actors:profile"),
        "data_export": reverse("actors:data_export"),
        "data_delete": reverse("actors:data_delete"),
        "organisations": reverse("actors:organisations"),
        "organisation": reverse("actors:organisation", args=[organisation.pk]),
        "invitation": reverse("actors:invitation", args=["no-such-token"]),
        "attachment": reverse("grants:attachment", args=[approved.pk, attachment.pk]),
        "pilots": reverse("reports:pilots"),
        "pilot": reverse("reports:pilot", args=[make_idea("closed").pk]),
        "district_csv": reverse("reports:district_csv", args=[district.slug]),
        "compare": reverse("reports:compare"),
        "themes": reverse("reports:themes"),
        "open_data_json": reverse("reports:open_data_json"),
        "open_data_csv": reverse("reports:open_data_csv"),
    }


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize("page", MATRIX)
def test_page_answers_each_role_as_expected(client, request, pages, page, role_index):
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    expected = MATRIX[page][role_index]

    response = client.get(pages[page])

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


def test_every_named_page_of_the_app_is_in_the_matrix():
    from actors.urls import urlpatterns as actor_urls
    from grants.urls import urlpatterns as grant_urls
    from reports.urls import urlpatterns as report_urls

    post_only = {
        "idea_action",
        "agent_close",
        "agent_release",
        "idea_messages",
        "similar",
        "autosave",
        "budget_line_add",
        "budget_line_remove",
        "attachment_add",
        "attachment_remove",
        "agent_bulk_approve",
        "grant_paid",
        "agent_introduce",
        "agent_return_report",
        "closing_report_autosave",
        "district_pdf",  # tested with its roles in tests/reports/test_pdf.py (needs Pango)
        "district_export",
        "export",  # one person's own export: tests/reports/test_exports.py
    }
    names = {pattern.name for pattern in [*grant_urls, *report_urls, *actor_urls]} - post_only
    aliases = {"index": "reports", "district": "district_report", "agent": "agent"}
    assert {aliases.get(name, name) for name in names} <= set(MATRIX)


def test_a_manager_can_read_but_not_decide(client, manager, make_idea):
    idea = make_idea("submitted")
    client.force_login(manager)
    page = client.get(reverse("grants:agent_idea", args=[idea.pk]))
    assert page.status_code == 200
    assert b'name="decision"' not in page.content

    response = client.post(reverse("grants:agent_idea", args=[idea.pk]), {"decision": "approve"})

    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.status == "submitted"


def test_a_resident_cannot_act_on_someone_elses_idea(client, other_resident, make_idea):
    idea = make_idea("draft")
    client.force_login(other_resident)
    response = client.post(reverse("grants:idea_action", args=[idea.pk, "submit"]))
    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.status == "draft"
