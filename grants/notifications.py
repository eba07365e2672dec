"""Emails about ideas, each in its recipient's language, with a link to where they can act."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from actors.models import User

from .models import Grant, Idea, Introduction, Message
from .selectors import resident_agents


def _send(*, to: User, template: str, context: dict) -> None:
    with translation.override(to.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to.email])
    message.attach_alternative(html, "text/html")
    message.send()


def _url(name: str, idea: Idea, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, args=[idea.pk])


def send_submission_to_agents(*, idea_id: int) -> int:
    idea = Idea.objects.select_related("district", "applicant").get(pk=idea_id)
    sent = 0
    for agent in resident_agents():
        url = _url("grants:agent_idea", idea, agent.language)
        _send(to=agent, template="idea_submitted", context={"idea": idea, "url": url})
        sent += 1
    return sent


def send_receipt_to_applicant(*, idea_id: int) -> int:
    idea = Idea.objects.select_related("created_by", "round").get(pk=idea_id)
    applicant = idea.created_by
    url = _url("grants:idea", idea, applicant.language)
    _send(to=applicant, template="idea_received", context={"idea": idea, "url": url})
    return 1


def send_decision_to_applicant(*, idea_id: int) -> int:
    idea = Idea.objects.select_related("created_by", "grant").get(pk=idea_id)
    applicant = idea.created_by
    url = _url("grants:idea", idea, applicant.language)
    _send(to=applicant, template="idea_decided", context={"idea": idea, "url": url})
    return 1


def send_closing_report_to_agents(*, idea_id: int) -> int:
    idea = Idea.objects.select_related("district").get(pk=idea_id)
    sent = 0
    for agent in resident_agents():
        url = _url("grants:agent_idea", idea, agent.language)
        _send(to=agent, template="closing_report_received", context={"idea": idea, "url": url})
        sent += 1
    return sent


def send_message(*, message_id: int) -> int:
    """A message from the makers goes to the agents; an agent's message goes to the maker."""
    message = Message.objects.select_related("idea__created_by", "author").get(pk=message_id)
    if message.internal:
        return 0
    idea = message.idea
    if message.from_agent:
        recipients, page = [idea.created_by], "grants:idea"
    else:
        recipients, page = list(resident_agents()), "grants:agent_idea"
    for recipient in recipients:
        url = _url(page, idea, recipient.language)
        _send(
            to=recipient, template="message", context={"message": message, "idea": idea, "url": url}
        )
    return len(recipients)


def send_introduction(*, introduction_id: int) -> int:
    """Both sides learn of each other: the makers of the idea and the actor's members."""
    introduction = Introduction.objects.select_related(
        "idea__created_by", "idea__district", "actor"
    ).get(pk=introduction_id)
    idea, actor = introduction.idea, introduction.actor
    maker = idea.created_by
    context = {"idea": idea, "actor": actor, "agent": introduction.introduced_by}
    _send(
        to=maker,
        template="introduction_to_maker",
        context={**context, "url": _url("grants:idea", idea, maker.language)},
    )
    members = list(actor.members.filter(is_active=True))
    for member in members:
        _send(to=member, template="introduction_to_partner", context=context)
    return 1 + len(members)


def send_payment_to_applicant(*, grant_id: int) -> int:
    grant = Grant.objects.select_related("idea__created_by").get(pk=grant_id)
    idea, applicant = grant.idea, grant.idea.created_by
    url = _url("grants:idea", idea, applicant.language)
    _send(to=applicant, template="grant_paid", context={"grant": grant, "idea": idea, "url": url})
    return 1
