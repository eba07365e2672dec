"""The acceptance test of the lifecycle, in a real browser.

A resident proposes a pilot on a phone, the resident agent approves 500 € on the dashboard, the
resident sends the closing report, and a city manager reads the lesson in the district report.
Each person has their own browser context (their own cookies), as on their own devices.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from grants.models import ClosingReport, Grant, Idea, StatusChange
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.needs_browser

TITLE = "Elämänkaarikahvila"
LESSON = "Children and the elderly bake better together than apart."


@pytest.fixture
def no_spam_timer(settings):
    """A browser fills the form in a second, which the spam check rightly finds too fast for a
    person; the lifecycle is the subject here, so the timer is off and the hourly counts reset."""
    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    cache.clear()


def subjects_to(user) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [user.email]]


def test_idea_from_proposal_to_district_lesson(
    live_server, new_page, login, open_round, district, resident, agent, manager, no_spam_timer
):
    from playwright.sync_api import expect  # here, so a missing package skips instead of erring

    url = live_server.url
    today = timezone.localdate()
    mail.outbox.clear()

    # The resident proposes the pilot, on a phone.
    applicant = login(new_page(viewport=PHONE), resident)
    applicant.goto(f"{url}/en/ideas/new/")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Propose a pilot")
    applicant.get_by_label("Title").fill(TITLE)
    applicant.get_by_label("The need").fill("The elderly and schoolchildren rarely meet.")
    applicant.get_by_label("What will be done").fill("A monthly café where they bake together.")
    applicant.get_by_label("Children (under 13)").check()
    applicant.get_by_label("Elderly people").check()
    applicant.get_by_label("District").select_option(label="Iittala")
    applicant.fill("input[name=starts_on]", today.isoformat())
    applicant.fill("input[name=ends_on]", (today + timedelta(days=60)).isoformat())
    expect(applicant.locator("input[name=amount]")).to_have_value(re.compile(r"^500(\.0+)?$"))
    applicant.get_by_role("button", name="Submit the idea").click()

    expect(applicant).to_have_url(re.compile(r"/en/ideas/\d+/$"))
    expect(applicant.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(applicant.locator(".status-badge")).to_have_text("Submitted")
    expect(applicant.get_by_role("status")).to_contain_text("sent to the resident agent")
    idea = Idea.objects.get(title=TITLE)
    assert idea.created_by == resident
    assert idea.status == "submitted"
    assert idea.held_reason == ""
    assert idea.amount == Decimal("500")
    assert sorted(idea.age_groups) == ["children", "elderly"]

    # The agent is told by email, in the agent's language, with a link to the idea.
    to_agent = [message for message in mail.outbox if message.to == [agent.email]]
    assert [message.subject for message in to_agent] == [f"New idea to review: {TITLE}"]
    assert f"/en/agent/ideas/{idea.pk}/" in to_agent[0].body
    told_resident = len(subjects_to(resident))

    # The resident agent approves the usual grant from the dashboard.
    desk = login(new_page(), agent)
    desk.goto(f"{url}/en/agent/")
    queue = desk.get_by_role("region", name="Waiting for a decision")
    queue.get_by_role("link", name=TITLE).click()
    expect(desk).to_have_url(f"{url}/en/agent/ideas/{idea.pk}/")
    desk.get_by_role("button", name="Approve 500 €").click()
    expect(desk).to_have_url(f"{url}/en/agent/")
    expect(desk.get_by_role("status")).to_contain_text("The decision is saved")
    follow_up = desk.get_by_role("region", name="Pilots to follow up")
    expect(follow_up.get_by_role("link", name=TITLE)).to_be_visible()
    idea.refresh_from_db()
    assert idea.status == "approved"
    assert subjects_to(resident)[told_resident:] == [f"Your idea got a grant: {TITLE}"]

    # The resident runs the pilot and sends the closing report.
    applicant.goto(f"{url}/en/my/")
    applicant.get_by_role("link", name=TITLE).click()
    expect(applicant.locator(".status-badge")).to_have_text("Approved")
    applicant.get_by_role("link", name="Send the closing report").click()
    expect(applicant).to_have_url(f"{url}/en/ideas/{idea.pk}/report/")
    form = applicant.locator("form").filter(has=applicant.locator("textarea[name=what_happened]"))
    form.locator("textarea[name=what_happened]").fill("Four cafés with sixty visitors.")
    form.locator("input[name=participants_children]").fill("30")
    form.locator("input[name=participants_youth]").fill("0")
    form.locator("input[name=participants_adults]").fill("5")
    form.locator("input[name=participants_elderly]").fill("25")
    form.locator("input[name=actual_cost]").fill("430")
    form.locator("textarea[name=what_worked]").fill("Baking together.")
    form.locator("textarea[name=what_did_not_work]").fill("Mornings: the children were at school.")
    form.locator("input[name=lesson_1]").fill(LESSON)
    form.locator("input[name=lesson_2]").fill("Afternoons suit everybody.")
    form.locator("input[name=novelty][value='4']").check()
    form.locator("input[name=change][value='3']").check()
    form.locator("input[name=usefulness][value='5']").check()
    form.get_by_label("We continue it ourselves").check()
    form.locator("input[name=publish]").check()
    form.get_by_role("button", name="Send the closing report").click()

    expect(applicant).to_have_url(f"{url}/en/ideas/{idea.pk}/")
    expect(applicant.get_by_role("status")).to_contain_text("closing report was sent")
    expect(applicant.locator(".status-badge")).to_have_text("Reported")
    expect(applicant.locator("li.lesson").first).to_have_text(LESSON)

    # The city manager reads what the district learned.
    city = login(new_page(), manager)
    city.goto(f"{url}/en/reports/{district.slug}/")
    expect(city.get_by_role("heading", level=1)).to_have_text("What Iittala learned")
    lessons = city.get_by_role("region", name="Lessons learned")
    expect(lessons).to_contain_text(LESSON)
    expect(lessons).to_contain_text("Afternoons suit everybody.")

    # What the database keeps of it.
    idea.refresh_from_db()
    assert idea.status == "reported"
    grant = Grant.objects.get(idea=idea)
    assert grant.amount == Decimal("500.00")
    assert grant.decided_by == agent
    report = ClosingReport.objects.get(idea=idea)
    assert report.publish is True
    assert (report.novelty, report.change, report.usefulness) == (4, 3, 5)
    assert report.continuation == ClosingReport.Continuation.WE_CONTINUE
    assert report.actual_cost == Decimal("430.00")
    assert [lesson.text for lesson in report.lessons.order_by("position")] == [
        LESSON,
        "Afternoons suit everybody.",
    ]
    changes = list(
        StatusChange.objects.filter(idea=idea)
        .order_by("created_at", "pk")
        .values_list("from_status", "to_status", "by")
    )
    assert changes == [
        ("", "draft", resident.pk),
        ("draft", "submitted", resident.pk),
        ("submitted", "approved", agent.pk),
        ("approved", "reported", resident.pk),
    ]
    assert subjects_to(agent) == [
        f"New idea to review: {TITLE}",
        f"Closing report received: {TITLE}",
    ]
