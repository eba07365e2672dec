"""The idea mill on the agent's idea page: related pilots, suggested partners, introductions,
and ready reasons for declining in the applicant's language."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from actors.models import User
from common import versions
from grants import selectors, services
from grants.models import Introduction, Message, ReasonTemplate
from tests import factories


@pytest.fixture
def parish(db, other_resident, district):
    return factories.ActorFactory(
        name="Iittalan seurakunta", kind="parish", district=district, members=[other_resident]
    )


@pytest.fixture
def past_cafe(make_idea, resident, parish):
    idea = make_idea(
        "approved",
        title="Elämänkaarikahvila",
        need="Ikäihmiset ja koululaiset eivät kohtaa.",
        plan="Kahvila, jossa ikäihmiset ja koululaiset leipovat.",
    )
    idea.partners.add(parish)
    services.closing_report_submit(
        idea=idea,
        by=resident,
        lessons=["Tekeminen yhdessä toimii."],
        **factories.report_fields(what_worked="Leipominen", what_did_not_work=""),
    )
    return idea


def test_partners_who_ran_related_pilots_are_suggested_and_introduced(
    client, agent, make_idea, past_cafe, parish, other_resident, django_capture_on_commit_callbacks
):
    new = make_idea(
        "submitted", title="Kahvila ikäihmisille", need="Ikäihmiset ja koululaiset yhteen"
    )
    assert parish in selectors.suggested_partners(idea=new)

    client.force_login(agent)
    page = client.get(reverse("grants:agent_idea_mill", args=[new.pk])).content.decode()
    assert "Iittalan seurakunta" in page and "Elämänkaarikahvila" in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grants:agent_introduce", args=[new.pk, parish.pk]))
    assert Introduction.objects.filter(idea=new, actor=parish).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [new.created_by.email, other_resident.email]
    )
    assert Message.objects.filter(idea=new, internal=True).exists()
    assert parish not in selectors.suggested_partners(idea=new)  # introduced once

    again = client.post(reverse("grants:agent_introduce", args=[new.pk, parish.pk]), follow=True)
    assert "already been introduced" in again.content.decode()


def test_the_applicants_earlier_pilots_are_shown(client, agent, make_idea, past_cafe):
    new = make_idea("submitted", title="Toinen idea")
    client.force_login(agent)
    page = client.get(reverse("grants:agent_idea_mill", args=[new.pk])).content.decode()
    assert "The applicant&#x27;s earlier ideas" in page or "earlier ideas" in page
    assert past_cafe in selectors.earlier_pilots_of(idea=new)


def test_only_agents_introduce(make_idea, manager, parish):
    from django.core.exceptions import PermissionDenied

    idea = make_idea("submitted")
    with pytest.raises(PermissionDenied):
        services.actor_introduce(idea=idea, actor=parish, by=manager)


def test_a_ready_reason_is_used_in_the_applicants_language(client, agent, make_idea, resident):
    User.objects.filter(pk=resident.pk).update(language="sv")
    template = ReasonTemplate.objects.create(
        title="Budget used",
        text_fi="Tämän haun raha on käytetty.",
        text_sv="Pengarna i den här omgången är slut.",
        text_en="This round's money is used up.",
    )
    idea = make_idea("submitted")
    client.force_login(agent)
    client.post(
        reverse("grants:agent_idea", args=[idea.pk]),
        {"decision": "decline", "template": template.pk, "reason": ""},
    )
    idea.refresh_from_db()
    assert idea.status == "declined"
    assert idea.decision_reason == "Pengarna i den här omgången är slut."


def test_the_mills_findings_are_kept_until_what_it_compares_changes(
    client, agent, make_idea, past_cafe, parish, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grants.models import Lesson

    with django_capture_on_commit_callbacks(execute=True):
        new = make_idea(
            "submitted", title="Kahvila ikäihmisille", need="Ikäihmiset ja koululaiset yhteen"
        )
    client.force_login(agent)
    url = reverse("grants:agent_idea_mill", args=[new.pk])
    versions.bump(versions.idea_own(new.pk))  # what was found when its vector came, ended
    with CaptureQueriesContext(connection) as found:
        first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as kept:
        second = client.get(url).content.decode()
    assert "Iittalan seurakunta" in first and "Elämänkaarikahvila" in first

    def without_tokens(page):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.split("<main", 1)[1])

    assert without_tokens(second) == without_tokens(first) and len(kept) < len(found)

    # A lesson added to the similar pilot is shown at once.
    Lesson.objects.create(
        report=past_cafe.closing_report, text="Pullat loppuivat kesken.", position=5
    )
    assert "Pullat loppuivat kesken." in client.get(url).content.decode()
    # An idea of the same round like this one, once it has its vector.
    with django_capture_on_commit_callbacks(execute=True):
        twin = make_idea(
            "submitted",
            title="Kahvila ikäihmisille ja koululaisille",
            need="Ikäihmiset ja koululaiset eivät kohtaa.",
        )
    page = client.get(url).content.decode()
    assert "Similar ideas in this round" in page and twin.title in page
    # The partner once introduced is no longer suggested.
    introduce = reverse("grants:agent_introduce", args=[new.pk, parish.pk])
    assert introduce in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(introduce)
    assert introduce not in client.get(url).content.decode()


def test_an_idea_sent_in_the_round_ends_only_the_rounds_part_of_the_mills_findings(
    client, agent, make_idea, past_cafe, parish, resident, django_capture_on_commit_callbacks
):
    """During a round opening ideas arrive all the time: each ends what the mill found among
    the round's ideas, not what it found among the past pilots; a new past pilot ends that."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        new = make_idea(
            "submitted", title="Kahvila ikäihmisille", need="Ikäihmiset ja koululaiset yhteen"
        )
    client.force_login(agent)
    url = reverse("grants:agent_idea_mill", args=[new.pk])

    def read():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        return page, len(queries)

    versions.bump(versions.idea_own(new.pk))  # what was found when its vector came, ended
    _page, found = read()
    _page, kept = read()
    with django_capture_on_commit_callbacks(execute=True):
        twin = make_idea(
            "submitted",
            title="Kahvila ikäihmisille ja koululaisille",
            need="Ikäihmiset ja koululaiset eivät kohtaa.",
        )
    page, round_anew = read()
    assert twin.title in page and "Elämänkaarikahvila" in page
    assert kept < round_anew < found
    assert read()[1] == kept
    # A pilot reported now is a past pilot to learn from: the past pilots' part is found anew.
    with django_capture_on_commit_callbacks(execute=True):
        reported = make_idea(
            "approved",
            title="Leipomokerho ikäihmisille ja koululaisille",
            need="Ikäihmiset ja koululaiset leipovat yhdessä.",
        )
        services.closing_report_submit(
            idea=reported,
            by=resident,
            lessons=["Taikina kannattaa tehdä valmiiksi."],
            **factories.report_fields(what_worked="Leipominen", what_did_not_work=""),
        )
    assert reported.title in client.get(url).content.decode()


def test_the_mill_of_an_idea_is_found_when_its_vector_comes_before_an_agent_opens_it(
    client, agent, make_idea, past_cafe, parish, django_capture_on_commit_callbacks
):
    """The task that stores an idea's vector finds what the mill shows of it, so the first agent
    to open the idea reads what was kept, as the second does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        new = make_idea(
            "submitted", title="Kahvila ikäihmisille", need="Ikäihmiset ja koululaiset yhteen"
        )
    client.force_login(agent)
    url = reverse("grants:agent_idea_mill", args=[new.pk])
    client.get(reverse("grants:agent"))  # the session's own first queries, not the mill's
    with CaptureQueriesContext(connection) as first:
        page = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert "Elämänkaarikahvila" in page and "Iittalan seurakunta" in page
    # The first reads the rows of what was found, and finds nothing anew (no words, no
    # vectors); the second reads the part as the first drew it.
    finding = ("grants_ideaterm", "grants_ideaembedding", "grants_termstat")
    assert not any(table in q["sql"] for q in first.captured_queries for table in finding)
    assert len(second) < len(first)


def test_the_drawn_mill_follows_the_applicants_earlier_ideas_and_the_readers_districts(
    client, agent, make_idea, past_cafe, django_assert_max_num_queries
):
    new = make_idea("submitted", title="Toinen idea")
    client.force_login(agent)
    url = reverse("grants:agent_idea_mill", args=[new.pk])
    assert "Elämänkaarikahvila" in client.get(url).content.decode()
    with django_assert_max_num_queries(3):  # the person, the idea, its earlier ideas' ids
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    # An earlier idea of the same applicant, in no round the mill compares, declined.
    earlier = make_idea("submitted", title="Kolmas idea")
    assert "Kolmas idea" in client.get(url).content.decode()
    services.idea_decline(idea=earlier, by=agent, reason="Liian iso.")
    assert "Declined" in client.get(url).content.decode()
    # An agent of another district may not read it at all.
    other = factories.AgentFactory(email="muualla@example.org")
    other.agent_districts.set([factories.DistrictFactory(name="Jukola", slug="jukola")])
    client.force_login(other)
    assert client.get(url).status_code == 403
