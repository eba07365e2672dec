import time
from datetime import timedelta
from decimal import Decimal

import factory
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.utils import timezone

from actors.models import Actor, District, Membership, User
from actors.roles import (
    ADMINISTRATOR_GROUP,
    AGENT_GROUP,
    FINANCE_GROUP,
    MANAGER_GROUP,
    ensure_roles,
)
from grants import services
from grants.models import ClosingReport, Idea, Round


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fi_FI")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


# The authenticator app secret (base32) of every privileged test user: totp_code() computes the
# code such an app would show now.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_totp(user: User, secret: str = TOTP_SECRET) -> None:
    """Activate an authenticator app for the user, as allauth does after its setup page."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


# A code read this close to the end of its period may expire before a slow browser sends it
# (a person would wait for the next one too).
TOTP_MARGIN_SECONDS = 4


def totp_code(secret: str = TOTP_SECRET, *, at: float | None = None) -> str:
    if at is None:
        left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
        if left < TOTP_MARGIN_SECONDS:
            time.sleep(left + 0.1)
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


class _PrivilegedFactory(UserFactory):
    """Agents, managers and staff must have an authenticator app (actors.mfa); pass mfa=False
    for one who has not set it up yet."""

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create and extracted is not False:
            give_totp(self)


class AgentFactory(_PrivilegedFactory):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            ensure_roles()
            self.groups.add(Group.objects.get(name=AGENT_GROUP))


class ManagerFactory(_PrivilegedFactory):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            ensure_roles()
            self.groups.add(Group.objects.get(name=MANAGER_GROUP))


class AdministratorFactory(_PrivilegedFactory):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            ensure_roles()
            self.groups.add(Group.objects.get(name=ADMINISTRATOR_GROUP))


class FinanceFactory(_PrivilegedFactory):
    """The city's finance office: pays the grants, reads nothing else."""

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            ensure_roles()
            self.groups.add(Group.objects.get(name=FINANCE_GROUP))


class StaffFactory(_PrivilegedFactory):
    is_staff = True


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"District {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        skip_postgeneration_save = True

    kind = Actor.Kind.ASSOCIATION
    name = factory.Sequence(lambda n: f"Association {n}")
    district = factory.SubFactory(DistrictFactory)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        for user in extracted or []:
            Membership.objects.create(actor=self, user=user)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        skip_postgeneration_save = True

    name = "Kylä kaupungissa"
    slug = factory.Sequence(lambda n: f"round-{n}")
    budget = Decimal("60000.00")
    default_grant = Decimal("500.00")
    max_grant = Decimal("1000.00")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    closes_on = None

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)


def idea_fields(**overrides) -> dict:
    today = timezone.localdate()
    fields = {
        "title": "Elämänkaarikahvila",
        "need": "The elderly and schoolchildren rarely meet.",
        "plan": "A monthly café where they bake and play together.",
        "age_groups": ["children", "elderly"],
        "starts_on": today + timedelta(days=7),
        "ends_on": today + timedelta(days=60),
        "amount": Decimal("500.00"),
    }
    fields.update(overrides)
    return fields


def report_fields(**overrides) -> dict:
    fields = {
        "what_happened": "Four cafés with sixty visitors.",
        "participants_children": 30,
        "participants_youth": 0,
        "participants_adults": 5,
        "participants_elderly": 25,
        "actual_cost": Decimal("430.00"),
        "what_worked": "Baking together.",
        "what_did_not_work": "Mornings: the children were at school.",
        "novelty": 4,
        "change": 3,
        "usefulness": 5,
        "continuation": ClosingReport.Continuation.WE_CONTINUE,
        "continuation_form": "Monthly, run by the village association.",
        "publish": True,
    }
    fields.update(overrides)
    return fields


# How an idea reaches each status, by the services a person would use.
PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "needs_info": ["submit", "ask_info"],
    "approved": ["submit", "approve"],
    "declined": ["submit", "decline"],
    "withdrawn": ["withdraw"],
    "running": ["submit", "approve", "start"],
    "report_due": ["submit", "approve", "start", "request_report"],
    "reported": ["submit", "approve", "report"],
    "closed": ["submit", "approve", "report", "close"],
    "discarded": ["submit", "discard"],
}


def _discard(idea, *, agent: User):
    """Only a held submission may be discarded: the moderation check is what holds it."""
    Idea.objects.filter(pk=idea.pk).update(held_reason="honeypot")
    services.idea_discard_spam(idea=idea, by=agent)


def take_action(action: str, idea, *, applicant: User, agent: User):
    """Call the service for one workflow action, as the role that may take it."""
    calls = {
        "submit": lambda: services.idea_submit(idea=idea, by=applicant),
        "ask_info": lambda: services.idea_ask_info(idea=idea, by=agent, question="Where?"),
        "answer": lambda: services.idea_answer(idea=idea, by=applicant, answer="At the school."),
        "approve": lambda: services.idea_approve(idea=idea, by=agent),
        "decline": lambda: services.idea_decline(idea=idea, by=agent, reason="Out of scope."),
        "withdraw": lambda: services.idea_withdraw(idea=idea, by=applicant),
        "start": lambda: services.idea_start(idea=idea),
        "request_report": lambda: services.idea_request_report(idea=idea),
        "report": lambda: services.closing_report_submit(
            idea=idea, by=applicant, lessons=["Do it together."], **report_fields()
        ),
        "close": lambda: services.idea_close(idea=idea, by=agent),
        "discard": lambda: _discard(idea, agent=agent),
        "return_report": lambda: services.closing_report_return(
            idea=idea, by=agent, question="How many came?"
        ),
    }
    calls[action]()
    idea.refresh_from_db()
    return idea


def idea_in_status(status: str, *, created_by: User, agent: User, district: District, **overrides):
    idea = services.idea_create(
        created_by=created_by, district=district, **idea_fields(**overrides)
    )
    for action in PATHS[status]:
        take_action(action, idea, applicant=created_by, agent=agent)
    assert idea.status == status
    embed(idea)
    return idea


def embed(idea):
    """What Celery does after the commit (tests run inside a transaction that never commits):
    the idea's and its lessons' meaning, where the model serves this process."""
    from common import embeddings

    if embeddings.available():
        services.idea_embed(idea_id=idea.pk)
    return idea
