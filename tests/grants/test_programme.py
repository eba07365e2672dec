"""The programme administrator runs the rounds and the ready-made reasons from the browser: every
verb is a service with its audit row, the budget never goes below what is granted (the service
says so, the database guarantees it), one district has one round at a time, a round with ideas
waiting is not closed, and an edit made on an old copy of a round is refused with a conflict."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from audit.models import AuditEvent
from grants import services
from grants.models import ReasonTemplate, Round
from tests import factories


@pytest.fixture
def administrator(db):
    return factories.AdministratorFactory(email="admin@example.org")


def values(**overrides):
    today = timezone.localdate()
    fields = {
        "name_fi": "Kesä kylässä",
        "name_sv": "Sommar i byn",
        "name_en": "Summer in the village",
        "rules_fi": "Rahoitamme kesän kokeiluja.",
        "rules_sv": "Vi finansierar sommarens försök.",
        "rules_en": "",
        "budget": Decimal("20000.00"),
        "default_grant": Decimal("500.00"),
        "max_grant": Decimal("1000.00"),
        "opens_on": today,
        "closes_on": today + timedelta(days=60),
        "decision_target_days": 10,
    }
    fields.update(overrides)
    return fields


def form_data(round_values, districts, version=None):
    data = {
        key: (value.isoformat() if isinstance(value, date) else str(value))
        for key, value in round_values.items()
        if value is not None
    }
    data["districts"] = [district.pk for district in districts]
    if version is not None:
        data["version"] = str(version)
    return data


@pytest.fixture
def other_district(db):
    return factories.DistrictFactory(name="Jukola", slug="jukola")


def test_an_administrator_creates_a_round_in_three_languages_and_it_is_audited(
    administrator, other_district
):
    round_ = services.round_create(by=administrator, values=values(), districts=[other_district])
    assert round_.slug == "kesa-kylassa"
    with translation.override("sv"):
        assert round_.name == "Sommar i byn"
        assert round_.rules == "Vi finansierar sommarens försök."
    with translation.override("en"):
        # No English rules: the Finnish ones stand in.
        assert round_.rules == "Rahoitamme kesän kokeiluja."
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROUND_CHANGED)
    assert event.object_id == str(round_.pk) and event.details["change"] == "created"


def test_only_an_administrator_runs_rounds(agent, manager, other_district):
    for person in (agent, manager):
        with pytest.raises(PermissionDenied):
            services.round_create(by=person, values=values(), districts=[other_district])
    assert not Round.objects.exists()


def test_the_budget_never_goes_below_what_is_granted(administrator, make_idea, open_round):
    make_idea("approved")  # a grant of 500 €
    open_round.refresh_from_db()
    assert open_round.granted_total == Decimal("500.00")
    change = values(budget=Decimal("400.00"), opens_on=open_round.opens_on, closes_on=None)
    with pytest.raises(ValidationError) as error:
        services.round_update(
            round_=open_round,
            by=administrator,
            values=change,
            districts=list(open_round.districts.all()),
            version=open_round.version,
        )
    assert "budget" in error.value.error_dict
    open_round.refresh_from_db()
    assert open_round.budget == Decimal("60000.00") and open_round.version == 1
    # The database holds the same rule for any other way in.
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=open_round.pk).update(budget=Decimal("400.00"))


def test_one_district_has_one_round_at_a_time(administrator, open_round, district):
    with pytest.raises(ValidationError) as error:
        services.round_create(by=administrator, values=values(), districts=[district])
    assert "one round at a time" in " ".join(error.value.error_dict["districts"][0].messages)
    # After the open round closes, a later round for the district is fine.
    services.round_close(round_=open_round, by=administrator)
    later = values(opens_on=timezone.localdate() + timedelta(days=1))
    services.round_create(by=administrator, values=later, districts=[district])


def test_a_round_with_ideas_waiting_is_not_closed(administrator, make_idea, open_round):
    make_idea("submitted")
    with pytest.raises(ValidationError) as error:
        services.round_close(round_=open_round, by=administrator)
    assert "wait for a decision" in error.value.messages[0]
    open_round.refresh_from_db()
    assert open_round.closes_on is None


def test_open_close_and_extend_a_round(administrator, other_district):
    today = timezone.localdate()
    coming = values(opens_on=today + timedelta(days=10), closes_on=today + timedelta(days=40))
    round_ = services.round_create(by=administrator, values=coming, districts=[other_district])
    assert not round_.is_open_on(today)
    round_ = services.round_open(round_=round_, by=administrator)
    assert round_.opens_on == today and round_.is_open_on(today)
    round_ = services.round_close(round_=round_, by=administrator)
    assert not round_.is_open_on(today)
    with pytest.raises(ValidationError):
        services.round_extend(round_=round_, by=administrator, closes_on=today - timedelta(days=3))
    round_ = services.round_extend(
        round_=round_, by=administrator, closes_on=today + timedelta(days=30)
    )
    assert round_.is_open_on(today) and round_.closes_on == today + timedelta(days=30)
    changes = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.ROUND_CHANGED)
        .order_by("id")
        .values_list("details__change", flat=True)
    )
    assert changes == ["created", "opened", "closed", "extended"]


def test_the_second_of_two_administrators_editing_at_once_gets_a_conflict(
    client, administrator, other_district
):
    round_ = services.round_create(by=administrator, values=values(), districts=[other_district])
    second = factories.AdministratorFactory(email="second@example.org")
    url = reverse("grants:manage_round", args=[round_.pk])
    # Both open the page at version 1; the first saves a new budget.
    first_post = form_data(values(budget=Decimal("25000.00")), [other_district], version=1)
    client.force_login(administrator)
    assert client.post(url, first_post).status_code == 302
    client.force_login(second)
    second_post = form_data(
        values(name_fi="Syksy kylässä", budget=Decimal("15000.00")), [other_district], version=1
    )
    response = client.post(url, second_post)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this round" in page
    # What the second administrator typed is still in the form, beside what changed.
    assert 'value="Syksy kylässä"' in page and "Budget (€): 25,000.00" in page
    round_.refresh_from_db()
    assert round_.budget == Decimal("25000.00") and round_.name_fi == "Kesä kylässä"
    # Sending it again, knowingly, saves it.
    second_post["version"] = str(round_.version)
    assert client.post(url, second_post).status_code == 302
    round_.refresh_from_db()
    assert round_.name_fi == "Syksy kylässä"


def test_the_round_pages_work_and_refuse_bad_input_with_reasons(
    client, administrator, other_district
):
    client.force_login(administrator)
    assert client.get(reverse("grants:manage")).status_code == 200
    new = reverse("grants:manage_round_new")
    assert client.get(new).status_code == 200
    bad = form_data(values(budget="lots", max_grant=Decimal("100")), [other_district])
    response = client.post(new, bad)
    assert response.status_code == 400
    assert "Enter a number." in response.content.decode()
    response = client.post(new, form_data(values(max_grant=Decimal("100")), [other_district]))
    assert response.status_code == 400
    assert "cannot be lower than the default grant" in response.content.decode()
    response = client.post(new, form_data(values(), [other_district]))
    round_ = Round.objects.get(name_fi="Kesä kylässä")
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("grants:manage_round", args=[round_.pk])
    )
    close = client.post(reverse("grants:manage_round_close", args=[round_.pk]), follow=True)
    assert "is closed" in close.content.decode()
    extend = client.post(
        reverse("grants:manage_round_extend", args=[round_.pk]), {"closes_on": "not a date"}
    )
    assert extend.status_code == 302
    round_.refresh_from_db()
    assert round_.closes_on < timezone.localdate()


def test_the_public_round_page_shows_rules_deadline_districts_and_money_left(
    client, open_round, make_idea
):
    Round.objects.filter(pk=open_round.pk).update(
        rules_fi="Rahoitamme pieniä kokeiluja.", rules_sv="Vi finansierar små försök."
    )
    make_idea("approved")
    with translation.override("sv"):
        url = reverse("grants:round", args=[open_round.pk])
    assert url.startswith("/sv/")
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vi finansierar små försök." in page and "Iittala" in page
    assert "59" in page and "500,00" in page  # still available of the budget
    home = client.get(reverse("home")).content.decode()
    assert reverse("grants:round", args=[open_round.pk]) in home
    assert client.get(reverse("grants:round", args=[99999])).status_code == 404


def test_the_public_round_page_is_drawn_once_and_follows_its_money_and_districts(
    client, open_round, make_idea, agent, django_assert_max_num_queries
):
    idea = make_idea("submitted")
    url = reverse("grants:round", args=[open_round.pk])
    assert "Iittala" in client.get(url).content.decode()
    with django_assert_max_num_queries(0):  # kept whole
        assert client.get(url).status_code == 200
    # A grant: the round's money is written in place, beside the grant's row.
    services.idea_approve(idea=idea, by=agent)
    left = formats.localize(open_round.budget - idea.grant.amount, use_l10n=True)
    assert f"{left} € /" in client.get(url).content.decode()
    jukola = factories.DistrictFactory(name="Jukola", slug="jukola")
    open_round.districts.add(jukola)
    assert "Iittala, Jukola" in client.get(url).content.decode()
    jukola.name = "Jukola-Kauriala"
    jukola.save()
    assert "Iittala, Jukola-Kauriala" in client.get(url).content.decode()
    open_round.districts.remove(jukola)
    assert "Jukola" not in client.get(url).content.decode()
    assert client.get(reverse("grants:round", args=[open_round.pk + 100])).status_code == 404


def test_ready_made_reasons_in_three_languages(client, administrator, agent):
    client.force_login(administrator)
    url = reverse("grants:manage_reason_new")
    response = client.post(url, {"title_fi": "", "text_fi": ""})
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "title_fi": "Jo käynnissä",
            "title_sv": "Pågår redan",
            "text_fi": "Toiminta on jo käynnissä, joten se ei ole kokeilu.",
            "text_sv": "Verksamheten pågår redan, så det är inget försök.",
            "active": "on",
        },
    )
    assert response.status_code == 302
    reason = ReasonTemplate.objects.get()
    assert reason.text_in("sv").startswith("Verksamheten")
    assert reason.text_in("en").startswith("Toiminta")  # the Finnish text stands in
    with translation.override("sv"):
        assert reason.title == "Pågår redan"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REASON_CHANGED).count() == 1
    client.force_login(agent)
    assert client.get(reverse("grants:manage_reasons")).status_code == 403


def test_an_experiment_without_money_goes_through_the_same_light_review(
    client,
    resident,
    agent,
    manager,
    district,
    open_round,
    settings,
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    from grants.models import Grant, Idea
    from tests.security import form_data

    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    client.force_login(resident)
    data = form_data.idea_data(
        district,
        title="Lautapeli-ilta kirjastossa",
        needs_grant="False",
        amount="",
        help_needed="Kirjaston kokoushuone torstai-iltaisin",
        submit="1",
    )
    response = client.post(reverse("grants:idea_new"), data)
    assert response.status_code == 302
    idea = Idea.objects.get(title="Lautapeli-ilta kirjastossa")
    assert idea.needs_grant is False and idea.amount == Decimal("0")
    assert idea.help_needed == "Kirjaston kokoushuone torstai-iltaisin"

    client.force_login(agent)
    page = client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    assert "Approve without a grant" in page and "Kirjaston kokoushuone" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grants:agent_idea", args=[idea.pk]), {"decision": "approve"})
    idea.refresh_from_db()
    open_round.refresh_from_db()
    assert idea.status == "approved"
    assert not Grant.objects.filter(idea=idea).exists()
    assert open_round.granted_total == Decimal("0.00")
    assert [message.subject for message in mail.outbox if message.to == [resident.email]] == [
        "Your experiment may go ahead: Lautapeli-ilta kirjastossa"
    ]
    # The district report counts it beside the granted pilots.
    client.force_login(manager)
    report = client.get(reverse("reports:district", args=[district.slug]))
    funnel = {key: count for key, _label, count in report.context["report"]["funnel"]}
    assert funnel["without_grant"] == 1 and funnel["granted"] == 0


def test_an_idea_asking_for_money_must_say_how_much(client, resident, district, open_round):
    from tests.security import form_data

    client.force_login(resident)
    data = form_data.idea_data(district, amount="", needs_grant="True", save_draft="1")
    response = client.post(reverse("grants:idea_new"), data)
    assert response.status_code == 400
    assert "Give the amount, or choose that the pilot needs no money." in response.content.decode()


def test_the_django_admin_shows_each_language_of_rounds_districts_and_reasons(client, db):
    superuser = factories.StaffFactory(is_superuser=True)
    client.force_login(superuser)
    for name in (
        "admin:grants_round_add",
        "admin:actors_district_add",
        "admin:grants_reasontemplate_add",
    ):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert "_sv" in page.content.decode(), name
    # The admin's own widgets (dates, the password's summary) render too.
    assert client.get(reverse("admin:actors_user_change", args=[superuser.pk])).status_code == 200


def test_the_administrators_rounds_are_drawn_once_and_follow_ideas_money_and_changes(
    administrator, agent, make_idea, open_round, django_assert_max_num_queries
):
    from django.test import Client

    from common import fragments

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(administrator)
    rounds = reverse("grants:manage")
    page = reverse("grants:manage_round", args=[open_round.pk])
    assert open_round.name in first.get(rounds).content.decode()
    assert first.get(page).status_code == 200
    with django_assert_max_num_queries(2):
        assert first.get(rounds).status_code == 200
    with django_assert_max_num_queries(3):  # and the round's name for the page's title
        assert first.get(page).status_code == 200
    # An idea waiting, a grant: the next request shows them.
    idea = make_idea("submitted")
    cells = first.get(rounds).content.decode().split('<td class="text-end">')
    assert cells[-1].startswith("1</td>")  # one idea waiting for a decision
    services.idea_approve(idea=idea, by=agent)
    assert "Granted 500.00 €" in first.get(page).content.decode()
    assert "500.00 €" in first.get(rounds).content.decode()
    # Another administrator saves the round from the kept form with their own token.
    second.force_login(factories.AdministratorFactory(email="second@example.org"))
    form_page = second.get(page).content.decode()
    assert fragments.CSRF_MARK not in form_page
    token = form_page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = form_data(values(name_en="Autumn in the village"), list(open_round.districts.all()), 1)
    open_round.refresh_from_db()
    data.update(version=str(open_round.version), csrfmiddlewaretoken=token)
    assert second.post(page, data).status_code == 302
    assert "Autumn in the village" in second.get(page).content.decode()
    assert "Autumn in the village" in first.get(rounds).content.decode()
    # A round that is not there is a 404.
    assert first.get(reverse("grants:manage_round", args=[open_round.pk + 100])).status_code == 404
