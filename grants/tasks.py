"""Celery tasks: load by id, call a service. Mail errors that pass retry with backoff."""

import smtplib

from celery import shared_task
from django.utils import timezone

from . import notifications

TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY)
def notify_agents_of_submission(idea_id: int) -> int:
    return notifications.send_submission_to_agents(idea_id=idea_id)


@shared_task(**RETRY)
def notify_applicant_of_receipt(idea_id: int) -> int:
    return notifications.send_receipt_to_applicant(idea_id=idea_id)


@shared_task(**RETRY)
def notify_applicant_of_decision(idea_id: int) -> int:
    return notifications.send_decision_to_applicant(idea_id=idea_id)


@shared_task(**RETRY)
def notify_agents_of_closing_report(idea_id: int) -> int:
    return notifications.send_closing_report_to_agents(idea_id=idea_id)


@shared_task(**RETRY)
def notify_of_message(message_id: int) -> int:
    return notifications.send_message(message_id=message_id)


@shared_task(**RETRY)
def notify_applicant_of_payment(grant_id: int) -> int:
    return notifications.send_payment_to_applicant(grant_id=grant_id)


@shared_task(**RETRY)
def notify_of_introduction(introduction_id: int) -> int:
    return notifications.send_introduction(introduction_id=introduction_id)


@shared_task
def advance_pilots_by_date() -> dict[str, int]:
    from .services import advance_pilots_by_date as advance

    return advance(today=timezone.localdate())
