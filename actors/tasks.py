import smtplib

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=8,
)
def send_invitation(invitation_id: int) -> None:
    services.invitation_send(invitation_id=invitation_id)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=8,
)
def send_staff_invitation(user_id: int, role: str) -> None:
    services.staff_invitation_send(user_id=user_id, role=role)
