"""The closing report: its continuation question starts with no answer chosen and no dashes;
it is offered once the pilot has started; the agent sees spending above or below the grant.
Empty choices of selects say what they mean instead of "---------"."""

import re
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from grants.models import Idea


def test_the_continuation_question_has_no_empty_or_chosen_answer(client, resident, make_idea):
    idea = make_idea("approved")
    client.force_login(resident)
    page = client.get(reverse("grants:closing_report", args=[idea.pk])).content.decode()
    assert "---------" not in page
    continuation = re.findall(r'<input[^>]*name="continuation"[^>]*>', page)
    assert len(continuation) == 4
    assert not any("checked" in radio for radio in continuation)


def test_the_report_is_offered_once_the_pilot_has_started(client, resident, make_idea):
    idea = make_idea("approved")
    client.force_login(resident)
    report_url = reverse("grants:closing_report", args=[idea.pk])
    assert idea.starts_on > timezone.localdate()
    assert report_url not in client.get(reverse("grants:idea", args=[idea.pk])).content.decode()
    Idea.objects.filter(pk=idea.pk).update(starts_on=timezone.localdate() - timedelta(days=1))
    assert report_url in client.get(reverse("grants:idea", args=[idea.pk])).content.decode()


def test_no_select_offers_dashes(client, resident, agent, make_idea, open_round):
    client.force_login(resident)
    assert "---------" not in client.get(reverse("grants:idea_new")).content.decode()
    client.force_login(agent)
    assert "---------" not in client.get(reverse("grants:agent")).content.decode()
    idea = make_idea("submitted")
    page = client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    assert "---------" not in page
    assert re.search(r"<label[^>]*>\s*Decision", page)


def test_the_agent_sees_spending_above_or_below_the_grant(client, agent, make_idea):
    idea = make_idea("reported")
    report = idea.closing_report
    report.actual_cost = idea.grant.amount + Decimal("120.00")
    report.save()
    client.force_login(agent)
    page = client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    assert "120.00\N{NO-BREAK SPACE}€ more than the grant" in page
    report.actual_cost = idea.grant.amount - Decimal("70.00")
    report.save()
    page = client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    assert "70.00\N{NO-BREAK SPACE}€ less than the grant" in page
