"""The resident agent's dashboard: filters, scope, bulk approval, payments and the finance CSV."""

import csv
import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from common import fragments
from grants import services
from grants.models import Grant, Idea, Round, StatusChange
from tests import factories


def queue_titles(client, query: str = "") -> list[str]:
    response = client.get(reverse("grants:agent") + query)
    assert response.status_code == 200
    return [idea.title for idea in response.context["page"].object_list]


@pytest.fixture
def jukola(db, open_round):
    district = factories.DistrictFactory(name="Jukola", slug="jukola")
    open_round.districts.add(district)
    return district


def test_each_filter_narrows_the_queue(client, agent, make_idea, resident, jukola):
    association = factories.ActorFactory(members=[resident])
    cafe = make_idea("submitted", title="Café", age_groups=["elderly"])
    walks = make_idea("submitted", title="Walks", district=jukola, age_groups=["youth"])
    club = make_idea("submitted", title="Club", applicant=association, age_groups=["children"])
    asked = make_idea("submitted", title="Asked")
    services.idea_ask_info(idea=asked, by=agent, question="When?")
    Idea.objects.filter(pk=cafe.pk).update(
        decision_due_at=timezone.now() - timedelta(days=1),
        decision_half_at=timezone.now() - timedelta(days=4),
    )
    client.force_login(agent)

    assert set(queue_titles(client)) == {"Café", "Walks", "Club", "Asked"}
    assert queue_titles(client, "?status=needs_info") == ["Asked"]
    assert queue_titles(client, "?district=jukola") == ["Walks"]
    assert queue_titles(client, "?kind=association") == ["Club"]
    assert queue_titles(client, "?age_group=youth") == ["Walks"]
    assert queue_titles(client, "?waiting=overdue") == ["Café"]
    assert queue_titles(client, "?q=walk") == ["Walks"]
    assert queue_titles(
        client, f"?round={cafe.round.slug}&district=iittala&age_group=elderly&waiting=overdue"
    ) == ["Café"]
    page = client.get(reverse("grants:agent")).content.decode()
    assert "Overdue" in page
    assert walks and club


def test_an_unknown_filter_value_is_a_clear_400(client, agent):
    client.force_login(agent)
    response = client.get(reverse("grants:agent") + "?district=atlantis")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_htmx_gets_only_the_queue(client, agent, make_idea):
    make_idea("submitted", title="Café")
    client.force_login(agent)
    response = client.get(reverse("grants:agent"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert '<div id="queue">' in page and "<html" not in page and "Café" in page


def test_the_dashboard_is_drawn_once_for_its_districts_and_follows_every_change(
    agent, make_idea, jukola, django_assert_max_num_queries
):
    from django.test import Client

    make_idea("submitted", title="Café")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(agent)
    url = reverse("grants:agent")
    assert "Café" in first.get(url).content.decode()
    with django_assert_max_num_queries(2):  # the person; the rest was kept
        assert first.get(url).status_code == 200
    # What the agent's districts' ideas do shows at the next request.
    walks = make_idea("submitted", title="Walks in Jukola", district=jukola)
    assert "Walks in Jukola" in first.get(url).content.decode()
    services.idea_approve(idea=walks, by=agent)
    assert "Walks in Jukola" not in first.get(url).content.decode()
    jukola.name = "Jukola-Kauriala"
    jukola.save()
    assert (
        "Jukola-Kauriala" in first.get(url + "?status=submitted&district=jukola").content.decode()
    )
    # Another agent of the same districts reads the kept page with their own token, and it posts.
    colleague = factories.AgentFactory(email="colleague@example.org")
    second.force_login(colleague)
    page = second.get(url).content.decode()
    assert fragments.CSRF_MARK not in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    cafe = Idea.objects.get(title="Café")
    response = second.post(
        reverse("grants:agent_bulk_approve"), {"ideas": [cafe.pk], "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    cafe.refresh_from_db()
    assert cafe.status == "approved"
    assert "No ideas are waiting" in second.get(url).content.decode()


def test_the_follow_up_is_drawn_once_for_its_districts_and_follows_ideas_and_failed_messages(
    agent, make_idea, jukola, django_assert_max_num_queries
):
    from django.test import Client

    from grants.models import Notification
    from grants.services import notifications

    make_idea("approved", title="Lantern walk")
    reader = Client()
    reader.force_login(agent)
    url = reverse("grants:agent_follow_up")
    assert "Lantern walk" in reader.get(url, headers={"HX-Request": "true"}).content.decode()
    with django_assert_max_num_queries(2):  # the person; the rest was kept
        assert reader.get(url, headers={"HX-Request": "true"}).status_code == 200
    # An idea granted in the agent's districts, a title changed, a message that failed.
    make_idea("approved", title="Book swap", district=jukola)
    walk = Idea.objects.get(title="Lantern walk")
    walk.title = "Lantern walk by the lake"
    walk.save()
    page = reader.get(url).content.decode()  # as a page of its own, without htmx
    assert "Book swap" in page and "Lantern walk by the lake" in page
    assert "Messages that could not be sent" not in page
    message = Notification.objects.filter(idea=walk).first()
    notifications.mark_failed(notification_id=message.pk, error=OSError("mailbox full"))
    assert "mailbox full" in reader.get(url).content.decode()
    # An agent of another district does not get this district's part.
    other = factories.AgentFactory(email="jukola-only@example.org")
    other.agent_districts.set([jukola])
    reader.force_login(other)
    page = reader.get(url).content.decode()
    assert "Book swap" in page and "Lantern walk" not in page


def test_the_money_is_drawn_once_and_follows_grants_and_payments(
    agent, make_idea, django_assert_max_num_queries
):
    from django.test import Client

    idea = make_idea("approved", title="Lantern walk")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(agent)
    url = reverse("grants:agent_money")
    page = first.get(url).content.decode()
    assert "Lantern walk" in page and "500.00 €" in page
    with django_assert_max_num_queries(3):
        assert first.get(url, headers={"HX-Request": "true"}).status_code == 200
    make_idea("approved", title="Book swap")
    page = first.get(url).content.decode()
    assert "Book swap" in page and "1,000.00 €" in page
    # Another agent gets the kept part with their own token, and records a payment with it.
    colleague = factories.AgentFactory(email="colleague@example.org")
    second.force_login(colleague)
    page = second.get(url).content.decode()
    assert fragments.CSRF_MARK not in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post(
        reverse("grants:grant_paid", args=[idea.grant.pk]),
        {"paid_on": timezone.localdate().isoformat(), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    page = second.get(url).content.decode()
    assert "Lantern walk" not in page  # paid: no longer to pay
    # A reader without the right to pay gets the part without the payment forms.
    manager = factories.ManagerFactory(email="manager@example.org")
    second.force_login(manager)
    page = second.get(url).content.decode()
    assert "Book swap" in page and "Mark as paid" not in page


def test_a_district_agent_sees_and_decides_only_their_districts(client, make_idea, jukola):
    jukola_agent = factories.AgentFactory(email="jukola-agent@example.org")
    jukola_agent.agent_districts.set([jukola])
    iittala_idea = make_idea("submitted", title="Iittala idea")
    make_idea("submitted", title="Jukola idea", district=jukola)
    client.force_login(jukola_agent)

    assert queue_titles(client) == ["Jukola idea"]
    response = client.post(
        reverse("grants:agent_idea", args=[iittala_idea.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    iittala_idea.refresh_from_db()
    assert iittala_idea.status == "submitted"


def test_bulk_approval_approves_all_and_tells_everyone(
    client, agent, make_idea, django_capture_on_commit_callbacks
):
    ideas = [make_idea("submitted") for _ in range(3)]
    client.force_login(agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grants:agent_bulk_approve"), {"ideas": [i.pk for i in ideas]})
    assert Grant.objects.count() == 3
    assert StatusChange.objects.filter(action="approve").count() == 3
    assert len(mail.outbox) == 3


def test_bulk_approval_is_all_or_nothing(client, agent, make_idea, open_round):
    Round.objects.filter(pk=open_round.pk).update(budget=Decimal("1000.00"))
    ideas = [make_idea("submitted") for _ in range(3)]  # 3 x 500 € > 1000 €
    client.force_login(agent)
    response = client.post(
        reverse("grants:agent_bulk_approve"), {"ideas": [i.pk for i in ideas]}, follow=True
    )
    assert "Nothing was approved" in response.content.decode()
    assert Grant.objects.count() == 0
    open_round.refresh_from_db()
    assert open_round.granted_total == 0
    assert set(Idea.objects.values_list("status", flat=True)) == {"submitted"}


def test_approving_a_withdrawn_idea_changes_nothing(client, agent, make_idea):
    idea = make_idea("withdrawn")
    client.force_login(agent)
    response = client.post(reverse("grants:agent_idea", args=[idea.pk]), {"decision": "approve"})
    assert response.status_code == 409
    assert not Grant.objects.exists()


def test_payment_is_marked_once_with_date_and_reference(
    client, agent, resident, make_idea, django_capture_on_commit_callbacks
):
    idea = make_idea("approved")
    grant = idea.grant
    client.force_login(agent)
    url = reverse("grants:grant_paid", args=[grant.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"paid_on": "2026-11-20", "reference": "TX-1"})
    assert [message.to for message in mail.outbox] == [[resident.email]]
    assert "TX-1" in mail.outbox[0].body
    grant.refresh_from_db()
    assert (grant.payment_state, str(grant.paid_on), grant.payment_reference, grant.paid_by) == (
        "paid",
        "2026-11-20",
        "TX-1",
        agent,
    )
    again = client.post(url, {"paid_on": "2026-11-21"}, follow=True)
    assert "already marked as paid" in again.content.decode()
    bad = client.post(reverse("grants:grant_paid", args=[grant.pk]), {"paid_on": "yesterday"})
    assert bad.status_code == 302


def test_money_shows_granted_paid_and_remaining(client, agent, manager, make_idea):
    idea = make_idea("approved")
    services.grant_mark_paid(grant=idea.grant, by=agent, paid_on=timezone.localdate())
    make_idea("approved")
    client.force_login(manager)
    page = client.get(reverse("grants:agent_money")).content.decode()
    assert "1,000.00 €" in page  # granted
    assert "500.00 €" in page  # paid
    assert "59,000.00 €" in page  # remaining of 60000


def test_the_finance_csv_cannot_run_formulas(client, agent, resident, district, open_round):
    idea = factories.idea_in_status(
        "approved", created_by=resident, agent=agent, district=district, title="=HYPERLINK(1)"
    )
    client.force_login(agent)
    response = client.get(reverse("grants:payments_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Grant"
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][5] == "500.00"
    assert idea


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_many_racing_approvals_never_exceed_the_budget(district, resident, agent):
    """Eight agents' approvals race on a round with room for three: exactly three win."""
    round_ = factories.RoundFactory(districts=[district], budget=Decimal("1500.00"))
    ideas = [
        factories.idea_in_status("submitted", created_by=resident, agent=agent, district=district)
        for _ in range(8)
    ]
    barrier = threading.Barrier(len(ideas))
    outcomes: list[str] = []

    def approve(idea):
        try:
            barrier.wait()
            services.idea_approve(idea=idea, by=agent)
            outcomes.append("approved")
        except services.BudgetExceeded:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(idea,)) for idea in ideas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    round_.refresh_from_db()
    assert sorted(outcomes) == ["approved"] * 3 + ["refused"] * 5
    assert round_.granted_total == Decimal("1500.00")
    assert Grant.objects.count() == 3
    assert Idea.objects.filter(status="approved").count() == 3
    assert Grant.objects.filter(round=round_).count() == 3


def test_the_follow_up_and_the_money_load_after_the_queue_and_work_without_javascript(
    client, agent, make_idea
):
    make_idea("running", title="Running café")
    make_idea("approved", title="Granted walks")
    client.force_login(agent)
    dashboard = client.get(reverse("grants:agent")).content.decode()
    follow_up, money = reverse("grants:agent_follow_up"), reverse("grants:agent_money")
    # The dashboard names both parts: htmx loads them, a plain link opens them.
    for url in (follow_up, money):
        assert f'data-hx-get="{url}"' in dashboard and f'href="{url}"' in dashboard
    assert "Running café" not in dashboard

    part = client.get(follow_up, headers={"HX-Request": "true"}).content.decode()
    assert '<div id="follow-up">' in part and "<html" not in part
    assert "Running café" in part and "Granted walks" in part
    page = client.get(follow_up).content.decode()
    assert "<html" in page and "Running café" in page and "Back to the dashboard" in page

    response = client.get(money, headers={"HX-Request": "true"})
    part = response.content.decode()
    assert '<div id="money">' in part and "<html" not in part and "Granted walks" in part
    # One address, two answers: a cache must not give the part for the page.
    assert "HX-Request" in response["Vary"]


def test_the_filters_offer_the_agents_districts_and_the_rounds_in_play(
    client, agent, open_round, district, jukola
):
    today = timezone.localdate()
    settled = factories.RoundFactory(
        slug="settled",
        opens_on=today - timedelta(days=900),
        closes_on=today - timedelta(days=400),
    )
    client.force_login(agent)
    form = client.get(reverse("grants:agent")).context["queue"].form
    assert set(form.fields["round"].queryset) == {open_round}
    assert set(form.fields["district"].queryset) == {district, jukola}
    # A settled round is not a choice: the queue holds none of its ideas.
    assert client.get(reverse("grants:agent") + f"?round={settled.slug}").status_code == 400

    jukola_agent = factories.AgentFactory(email="jukola-agent@example.org")
    jukola_agent.agent_districts.set([jukola])
    client.force_login(jukola_agent)
    form = client.get(reverse("grants:agent")).context["queue"].form
    assert list(form.fields["district"].queryset) == [jukola]
    page = client.get(reverse("grants:agent") + "?district=iittala")
    assert page.status_code == 400
    assert 'aria-invalid="true"' in page.content.decode()


def test_a_payment_adds_to_its_rounds_paid_total_and_the_database_keeps_it_within_granted(
    agent, make_idea, open_round
):
    idea = make_idea("approved")
    services.grant_mark_paid(grant=idea.grant, by=agent, paid_on=timezone.localdate())
    open_round.refresh_from_db()
    assert open_round.paid_total == idea.grant.amount == open_round.granted_total
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=open_round.pk).update(paid_total=open_round.granted_total + 1)


def test_the_queues_pages_keep_its_filters(client, agent, make_idea, monkeypatch):
    from grants.views import agent as views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 1)
    make_idea("submitted", title="Café")
    make_idea("submitted", title="Walks")
    client.force_login(agent)
    first = client.get(reverse("grants:agent") + "?status=submitted").content.decode()
    assert 'href="?status=submitted&amp;page=2"' in first
    second = client.get(reverse("grants:agent") + "?status=submitted&page=2").content.decode()
    assert 'href="?status=submitted&amp;page=1"' in second and "1 / 2" not in second


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_single_and_bulk_approvals_racing_on_the_same_ideas_never_deadlock(
    district, resident, agent
):
    """Bulk approvals of overlapping sets and single approvals of their ideas, at once: no
    deadlock, no server error, no overspend; every idea is approved at most once."""
    from django.db import OperationalError

    round_ = factories.RoundFactory(districts=[district], budget=Decimal("1000000.00"))
    outcomes: list[str] = []
    approved = 0
    for _attempt in range(5):
        ideas = [
            factories.idea_in_status(
                "submitted", created_by=resident, agent=agent, district=district
            )
            for _ in range(12)
        ]
        # Overlapping bulk sets, and single approvals of their ideas in the opposite order.
        jobs = [("bulk", ideas[start : start + 6]) for start in range(0, 12, 2)]
        jobs += [("single", [idea]) for idea in reversed(ideas)]
        barrier = threading.Barrier(len(jobs))

        def run(kind, chosen, barrier=barrier):
            try:
                barrier.wait()
                if kind == "bulk":
                    services.ideas_approve_bulk(ideas=chosen, by=agent)
                else:
                    services.idea_approve(idea=chosen[0], by=agent)
                outcomes.append("approved")
            except OperationalError as error:  # a deadlock lands here
                outcomes.append(f"deadlock: {error}")
            except Exception:  # an idea another job approved first: refused by the workflow
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        approved += 12

    assert not [outcome for outcome in outcomes if outcome.startswith("deadlock")], outcomes
    round_.refresh_from_db()
    assert Idea.objects.filter(status="approved").count() == approved
    assert Grant.objects.filter(round=round_).count() == approved
    assert round_.granted_total == Decimal("500.00") * approved


def test_a_decision_lost_to_a_race_twice_is_told_and_changes_nothing(db):
    """The retry once: a transaction rolled back for a deadlock runs again; a second loss is
    a message for the person, never a server error; other database errors are not retried."""
    import psycopg.errors
    from django.db import OperationalError

    def failing(times: int, cause):
        calls: list[int] = []

        def call():
            calls.append(1)
            if len(calls) <= times:
                try:
                    raise cause("lost")
                except cause as error:
                    raise OperationalError("lost") from error
            return "done"

        return call, calls

    call, calls = failing(2, psycopg.errors.DeadlockDetected)
    with pytest.raises(services.RaceLost):
        services.once_more_if_raced(call)
    assert len(calls) == 2
    call, calls = failing(1, psycopg.errors.SerializationFailure)
    assert services.once_more_if_raced(call) == "done" and len(calls) == 2
    call, calls = failing(1, psycopg.errors.DiskFull)
    with pytest.raises(OperationalError):
        services.once_more_if_raced(call)
    assert len(calls) == 1


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_single_and_bulk_approvals_over_http(district, resident, agent):
    """Forty agents' requests at once, single approvals and bulk approvals of overlapping sets,
    on a round with room for ten grants: no server error, no race told to a person, and the
    money granted never more than the budget, every euro of it a grant."""
    from django.test import Client

    race_message = "Another decision was saved at the same moment"
    round_ = factories.RoundFactory(districts=[district], budget=Decimal("5000.00"))
    ideas = [
        factories.idea_in_status("submitted", created_by=resident, agent=agent, district=district)
        for _ in range(24)
    ]
    jobs = [
        (reverse("grants:agent_idea", args=[idea.pk]), {"decision": "approve"}) for idea in ideas
    ]
    # Sixteen bulk approvals of three ideas each, every idea in two of them.
    jobs += [
        (
            reverse("grants:agent_bulk_approve"),
            {"ideas": [str(ideas[(start * 3 + step * 8) % 24].pk) for step in range(3)]},
        )
        for start in range(16)
    ]
    assert len(jobs) == 40
    barrier = threading.Barrier(len(jobs))
    answers: list[tuple[int, bool]] = []

    def post(url, data):
        browser = Client(raise_request_exception=False)
        browser.force_login(agent)
        try:
            barrier.wait()
            response = browser.post(url, data, follow=True)
            codes = [status for _, status in response.redirect_chain] + [response.status_code]
            answers.append((max(codes), race_message in response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 40
    assert [code for code, _ in answers if code >= 500] == []
    assert [told for _, told in answers if told] == []
    round_.refresh_from_db()
    grants = Grant.objects.filter(round=round_)
    assert round_.granted_total <= round_.budget
    assert round_.granted_total == sum(grant.amount for grant in grants)
    assert grants.count() == Idea.objects.filter(status="approved").count() == 10
