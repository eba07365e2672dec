from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, District

from .workflow import GRANTED_STATUSES, Action, Status


class AgeGroup(models.TextChoices):
    CHILDREN = "children", _("Children (under 13)")
    YOUTH = "youth", _("Young people (13–17)")
    ADULTS = "adults", _("Adults")
    ELDERLY = "elderly", _("Elderly people")


class Round(models.Model):
    """A call for ideas with a budget. The database keeps the granted total within it."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    budget = models.DecimalField(_("budget (€)"), max_digits=12, decimal_places=2)
    granted_total = models.DecimalField(
        _("granted so far (€)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    # Kept by the payment service beside the grants, so that the money view reads one row.
    paid_total = models.DecimalField(
        _("paid so far (€)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    default_grant = models.DecimalField(
        _("default grant (€)"), max_digits=8, decimal_places=2, default=Decimal("500.00")
    )
    max_grant = models.DecimalField(
        _("maximum grant (€)"), max_digits=8, decimal_places=2, default=Decimal("1000.00")
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(
        _("closes on"), null=True, blank=True, help_text=_("Empty: rolling")
    )
    decision_target_days = models.PositiveSmallIntegerField(_("decision target (days)"), default=7)
    # Reminders to makers, counted from the pilot's end date.
    remind_days_before_end = models.PositiveSmallIntegerField(
        _("reminder before the end (days)"), default=3
    )
    report_reminder_days = models.JSONField(
        _("closing report reminders (days after the end)"), default=list
    )
    report_escalation_days = models.PositiveSmallIntegerField(
        _("tell the agent when the report is this late (days)"), default=21
    )
    districts = models.ManyToManyField(District, related_name="rounds", verbose_name=_("districts"))
    # The public description of the rules: what is funded, what not, the deadline.
    rules = models.TextField(_("rules"), max_length=4000, blank=True)
    # Raised at every administrator's change, so that an edit made on an old copy is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opens_on"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        permissions = [("manage_programme", _("Can run the programme: rounds, districts, staff"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_total__lte=F("budget")), name="round_granted_within_budget"
            ),
            models.CheckConstraint(
                condition=Q(granted_total__gte=0), name="round_granted_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(paid_total__gte=0) & Q(paid_total__lte=F("granted_total")),
                name="round_paid_within_granted",
            ),
            models.CheckConstraint(
                condition=Q(default_grant__gt=0) & Q(default_grant__lte=F("max_grant")),
                name="round_default_grant_within_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.granted_total

    @property
    def report_reminders(self) -> list[int]:
        return sorted(int(day) for day in (self.report_reminder_days or [7, 14]))

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day and (self.closes_on is None or day <= self.closes_on)


class Idea(models.Model):
    """A minipilot: first an application, then, once granted, the pilot itself."""

    # What the applicant writes, and may change until the decision.
    EDITABLE_FIELDS = (
        "title",
        "need",
        "plan",
        "age_groups",
        "district",
        "starts_on",
        "ends_on",
        "amount",
        "needs_grant",
        "help_needed",
        "partners_text",
    )

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("round")
    )
    applicant = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("applicant")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="created_ideas",
        verbose_name=_("created by"),
    )
    title = models.CharField(_("title"), max_length=120)
    need = models.TextField(_("the need"), max_length=2000)
    plan = models.TextField(_("what will be done"), max_length=4000)
    age_groups = models.JSONField(_("who benefits"), default=list)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("district")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    amount = models.DecimalField(
        _("amount asked (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # An experiment may need no money at all, only the go-ahead, some help or premises: it goes
    # through the same light review and closing report, without a grant (amount 0).
    needs_grant = models.BooleanField(_("needs a grant"), default=True)
    help_needed = models.CharField(_("help or premises needed"), max_length=300, blank=True)
    partners = models.ManyToManyField(
        Actor, blank=True, related_name="partner_ideas", verbose_name=_("partners")
    )
    partners_text = models.CharField(_("other partners"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    info_request = models.TextField(_("question from the resident agent"), blank=True)
    info_answer = models.TextField(_("answer"), blank=True)
    # The form filling that created the idea: a double click finds the idea already made.
    submission_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    # Entered by an agent for someone who phoned or came by; they claim it with this code.
    assisted = models.BooleanField(_("entered by a resident agent"), default=False)
    claim_code = models.CharField(_("claim code"), max_length=12, blank=True, db_index=True)
    # Set when a submission looks like spam: it waits in the moderation list, not the queue.
    held_reason = models.CharField(_("reason held for moderation"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # When the decision is due by the round's target, and when half of that time has passed:
    # fixed at submission so the queue can filter and sort on them by index.
    decision_due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    decision_half_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # When the maker was told that this untouched draft will be deleted (grants/retention.py);
    # editing the draft clears it.
    retention_notice_at = models.DateTimeField(_("deletion notice sent"), null=True, blank=True)
    # The pilot this idea repeats in another place ("start a similar pilot in my district"):
    # how far a good idea travels.
    origin = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("started from"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        permissions = [
            ("decide_idea", _("Can decide on ideas (resident agent)")),
            ("view_agent_dashboard", _("Can read the resident agent's dashboard")),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="idea_status_submitted"),
            models.Index(fields=["status", "decision_due_at"], name="idea_status_due"),
            models.Index(fields=["district", "status"], name="idea_district_status"),
            models.Index(fields=["status", "ends_on"], name="idea_status_ends"),
            models.Index(fields=["status", "starts_on"], name="idea_status_starts"),
            models.Index(fields=["status", "updated_at"], name="idea_status_updated"),
            models.Index(fields=["status", "retention_notice_at"], name="idea_status_notice"),
            # A district's granted pilots, newest first (the district report's pages).
            models.Index(
                fields=["district", "-starts_on", "-id"],
                condition=Q(status__in=sorted(status.value for status in GRANTED_STATUSES)),
                name="idea_district_granted",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="idea_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(needs_grant=True, amount__gt=0) | Q(needs_grant=False, amount=0),
                name="idea_amount_matches_need",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        idea = super().from_db(db, field_names, values)
        # The applicant as read, so that a change of applicant also tells its former members'
        # lists (grants/changes.owners_changed).
        idea.loaded_applicant_id = idea.__dict__.get("applicant_id")
        return idea

    @property
    def held_reason_text(self) -> str:
        """Why the idea is held for moderation, in the reader's language."""
        from .spam import reason_text

        return reason_text(self.held_reason)

    @property
    def fast_track_amount(self) -> Decimal:
        """The one-click grant: the round's default, or less if less was asked."""
        return min(self.amount, self.round.default_grant)

    def get_age_groups_display(self) -> list[str]:
        labels = dict(AgeGroup.choices)
        return [str(labels.get(value, value)) for value in self.age_groups]


class Payee(models.Model):
    """Where the city pays an actor's grants: the legal payee (the person, or the organisation
    with its business ID) and the bank account, given by the maker after an approval and kept
    for the actor's later grants. Personal data: only the actor's members, the resident agents
    and the finance office see it; never in reports, logs or open data."""

    actor = models.OneToOneField(
        Actor, on_delete=models.CASCADE, related_name="payee", verbose_name=_("actor")
    )
    # A SEPA credit transfer carries at most 70 characters of the payee's name.
    name = models.CharField(_("payee"), max_length=70)
    business_id = models.CharField(_("business ID"), max_length=9, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("payee")
        verbose_name_plural = _("payees")

    def __str__(self) -> str:
        return self.name

    @property
    def iban_grouped(self) -> str:
        """The IBAN as printed on bank papers, in groups of four."""
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


class PaymentBatch(models.Model):
    """Grants paid together: one SEPA credit transfer file (ISO 20022 pain.001) for the bank and
    a spreadsheet for the finance office; marked paid once, which records each grant's payment.
    A grant is in at most one batch (its `batch`), so it is never paid twice."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the bank")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    created_at = models.DateTimeField(_("made"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
    # The message's id in the bank file: at most 35 characters, unique for the bank.
    message_id = models.CharField(_("message id"), max_length=35, unique=True)
    execution_date = models.DateField(_("payment date asked of the bank"))
    total = models.DecimalField(_("total (€)"), max_digits=12, decimal_places=2)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payment marked by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        permissions = [("pay_grants", _("Can make payment batches and record payments"))]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="batch_positive")]

    def __str__(self) -> str:
        return self.message_id


class Grant(models.Model):
    class Payment(models.TextChoices):
        TO_PAY = "to_pay", _("To be paid")
        PAID = "paid", _("Paid")

    idea = models.OneToOneField(
        Idea, on_delete=models.PROTECT, related_name="grant", verbose_name=_("idea")
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="grants", verbose_name=_("round")
    )
    amount = models.DecimalField(_("amount (€)"), max_digits=8, decimal_places=2)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="decided_grants",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paid_grants",
        verbose_name=_("payment marked by"),
    )
    paid_marked_at = models.DateTimeField(_("payment marked at"), null=True, blank=True)
    payment_state = models.CharField(
        _("payment"), max_length=10, choices=Payment.choices, default=Payment.TO_PAY
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("payment batch"),
    )

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grant_positive")]
        indexes = [
            # The few grants still to pay, oldest decision first, among all ever paid.
            models.Index(
                fields=["decided_at", "id"],
                condition=Q(payment_state="to_pay"),
                name="grant_to_pay",
            )
        ]

    def __str__(self) -> str:
        return f"{self.idea} – {self.amount} €"


class ClosingReport(models.Model):
    class Continuation(models.TextChoices):
        ENDED = "ended", _("It has ended")
        WE_CONTINUE = "we_continue", _("We continue it ourselves")
        WITH_CITY = "with_city", _("It continues with the city's support")
        PERMANENT = "permanent", _("It should become a permanent service")

    rating_validators = [MinValueValidator(1), MaxValueValidator(5)]

    idea = models.OneToOneField(
        Idea, on_delete=models.PROTECT, related_name="closing_report", verbose_name=_("idea")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="closing_reports",
        verbose_name=_("sent by"),
    )
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)
    what_happened = models.TextField(_("what happened"), max_length=4000)
    participants_children = models.PositiveIntegerField(_("children taking part"), default=0)
    participants_youth = models.PositiveIntegerField(_("young people taking part"), default=0)
    participants_adults = models.PositiveIntegerField(_("adults taking part"), default=0)
    participants_elderly = models.PositiveIntegerField(_("elderly people taking part"), default=0)
    actual_cost = models.DecimalField(
        _("actual cost (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    what_worked = models.TextField(_("what worked"), max_length=4000)
    what_did_not_work = models.TextField(_("what did not work"), max_length=4000, blank=True)
    novelty = models.PositiveSmallIntegerField(_("novelty (1–5)"), validators=rating_validators)
    change = models.PositiveSmallIntegerField(_("change (1–5)"), validators=rating_validators)
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness (1–5)"), validators=rating_validators
    )
    continuation = models.CharField(
        _("should the activity continue?"), max_length=20, choices=Continuation.choices
    )
    continuation_form = models.CharField(_("in what form"), max_length=500, blank=True)
    publish = models.BooleanField(_("may be published in the public showcase"), default=False)
    # The photo the makers sent with the report (one of the idea's files), shown in the public
    # showcase only where they say so and the story is published.
    photo = models.ForeignKey(
        "Attachment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    photo_public = models.BooleanField(
        _("the photo may be shown in the public showcase"), default=False
    )
    photo_description = models.CharField(_("what the photo shows"), max_length=200, blank=True)
    # The pilot's district, copied here so that a district's reports come in order from one
    # index (the district report's lists, at any number of pilots). Set on save.
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="closing_reports",
        verbose_name=_("district"),
    )

    class Meta:
        verbose_name = _("closing report")
        verbose_name_plural = _("closing reports")
        indexes = [
            models.Index(fields=["district", "-submitted_at"], name="report_district_time"),
            models.Index(
                fields=["district", "-usefulness", "-submitted_at"], name="report_district_useful"
            ),
            models.Index(fields=["publish", "-submitted_at"], name="report_publish_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(novelty__gte=1, novelty__lte=5)
                & Q(change__gte=1, change__lte=5)
                & Q(usefulness__gte=1, usefulness__lte=5),
                name="closing_report_ratings_1_to_5",
            ),
            models.CheckConstraint(condition=Q(actual_cost__gte=0), name="closing_report_cost"),
        ]

    def __str__(self) -> str:
        return str(self.idea)

    def save(self, *args, **kwargs):
        if self.district_id is None and self.idea_id is not None:
            self.district_id = Idea.objects.values_list("district_id", flat=True).get(
                pk=self.idea_id
            )
        super().save(*args, **kwargs)

    @property
    def spending_difference(self) -> Decimal:
        """What was spent beyond the grant (above zero) or left of it (below zero)."""
        grant = getattr(self.idea, "grant", None)
        if grant is None or self.actual_cost is None:
            return Decimal("0.00")
        return self.actual_cost - grant.amount

    @property
    def spending_difference_abs(self) -> Decimal:
        return abs(self.spending_difference)

    @property
    def participants_total(self) -> int:
        return (
            self.participants_children
            + self.participants_youth
            + self.participants_adults
            + self.participants_elderly
        )


class Theme(models.Model):
    """A theme that groups lessons across pilots and districts, so a report reads as themes.
    Named in Finnish (`name`), Swedish and English; a retired theme keeps its lessons but is
    no longer offered."""

    name = models.CharField(_("name in Finnish"), max_length=100, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    # What lessons belong here, in a sentence: it helps the agents agree, and the proposals read
    # it (a lesson is proposed the theme whose lessons and description are closest in meaning).
    description = models.CharField(_("what it covers"), max_length=300, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language, the Finnish one where none is given."""
        from django.utils.translation import get_language

        language = (get_language() or "fi")[:2]
        return {"sv": self.name_sv, "en": self.name_en}.get(language) or self.name


class Lesson(models.Model):
    """One short statement of what was learned."""

    report = models.ForeignKey(
        ClosingReport, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("report")
    )
    text = models.CharField(_("lesson"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="lessons", verbose_name=_("themes")
    )

    class Meta:
        ordering = ["report", "position"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.text


class StatusChange(models.Model):
    """The audit record of every status change: who, when, from, to and why."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("idea")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_changes",
        verbose_name=_("changed by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["idea", "created_at"], name="statuschange_idea_time")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"


class Embedding(models.Model):
    """A text's meaning as a vector (common.embeddings), computed by Celery after the text is
    saved, with the model version it was made with and a digest of the text it was made from."""

    vector = models.BinaryField()
    model_version = models.CharField(max_length=60)
    text_hash = models.CharField(max_length=64)
    computed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True


class IdeaEmbedding(Embedding):
    """The meaning of an idea's title, need and plan."""

    idea = models.OneToOneField(
        Idea, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    # The text's language (fi, sv, en): vectors are compared after their language's centre is
    # taken away, so that a Swedish idea finds a Finnish pilot (grants/meaning.py).
    language = models.CharField(max_length=2, default="fi")
    # The same text embedded as a question (the model's "query: " side), so that the agent's idea
    # mill asks with the idea without running the model while the agent waits. Empty in rows
    # stored before it existed: then the text is embedded as a question when asked.
    question = models.BinaryField(null=True, blank=True)

    class Meta:
        verbose_name = _("idea embedding")
        verbose_name_plural = _("idea embeddings")

    def __str__(self) -> str:
        return f"{self.idea_id} ({self.model_version})"


class LessonEmbedding(Embedding):
    """The meaning of one lesson, for placing lessons under themes."""

    lesson = models.OneToOneField(
        Lesson, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )

    class Meta:
        verbose_name = _("lesson embedding")
        verbose_name_plural = _("lesson embeddings")

    def __str__(self) -> str:
        return f"{self.lesson_id} ({self.model_version})"


class ThemeProposal(models.Model):
    """A proposed theme for an untagged lesson, made by Celery from the lessons' meaning: an
    existing theme that is close, or a new group (`group`) with a proposed name in three
    languages. An agent or manager accepts, renames or ignores it."""

    lesson = models.OneToOneField(
        Lesson, on_delete=models.CASCADE, primary_key=True, related_name="theme_proposal"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="proposals"
    )
    group = models.PositiveIntegerField(default=0, db_index=True)
    name = models.CharField(max_length=100, blank=True)
    name_sv = models.CharField(max_length=100, blank=True)
    name_en = models.CharField(max_length=100, blank=True)
    score = models.FloatField(default=0)
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "-score"]
        verbose_name = _("theme proposal")
        verbose_name_plural = _("theme proposals")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.theme_id:
            return self.theme.label
        from django.utils.translation import get_language

        language = (get_language() or "fi")[:2]
        return {"sv": self.name_sv, "en": self.name_en}.get(language) or self.name


class IdeaTerm(models.Model):
    """One search term of an idea, for finding similar pilots (see grants/similarity.py)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [
            models.UniqueConstraint(fields=["term", "idea"], name="ideaterm_unique_term_idea")
        ]

    def __str__(self) -> str:
        return self.term


class TermStat(models.Model):
    """How many past pilots use a search term, refreshed by Celery (grants/similarity.py).

    The row with the empty term holds the number of past pilots. Similar-pilot lookups read the
    rarity of a text's terms here instead of counting them among every past pilot.
    """

    term = models.CharField(max_length=40, unique=True, blank=True)
    pilots = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("search term frequency")
        verbose_name_plural = _("search term frequencies")

    def __str__(self) -> str:
        return f"{self.term}: {self.pilots}"


class CountedTerms(models.Model):
    """The terms of one past pilot as TermStat counts them now: what an incremental refresh
    takes away before it adds the pilot's terms of today (grants/services/search.py)."""

    idea_id = models.BigIntegerField(primary_key=True)
    terms = models.JSONField(default=list)

    class Meta:
        verbose_name = _("counted search terms")
        verbose_name_plural = _("counted search terms")

    def __str__(self) -> str:
        return str(self.idea_id)


class IdeaChange(models.Model):
    """A note that an idea, or something counted with it, changed: the figures of its district
    and its search terms' counts are brought up to date from these notes by the next refresh,
    which then removes the notes it has read. Each reader of the notes has its own rows
    (`reader`), so one reader's progress never hides a change from the other. Plain numbers,
    not foreign keys: the note of a removed idea must outlive it."""

    class Reader(models.TextChoices):
        FIGURES = "figures", _("Report figures")
        TERMS = "terms", _("Search terms")

    reader = models.CharField(max_length=10, choices=Reader.choices)
    idea_id = models.BigIntegerField(null=True, blank=True)
    district_id = models.BigIntegerField(null=True, blank=True)
    noted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["reader", "id"], name="ideachange_reader")]
        verbose_name = _("idea change")
        verbose_name_plural = _("idea changes")

    def __str__(self) -> str:
        return f"{self.reader}: {self.idea_id or self.district_id}"


class Message(models.Model):
    """The thread between an idea's makers and the resident agents. Internal notes are the
    agents' own and never shown to the makers."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="messages", verbose_name=_("idea")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="idea_messages",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=4000)
    internal = models.BooleanField(_("internal note"), default=False)
    from_agent = models.BooleanField(_("from a resident agent"), default=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    # Names one filling of the message form, so the same message sent twice (a double click,
    # a resent request) is kept once.
    sending_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["idea", "created_at"], name="message_idea_time")]

    def __str__(self) -> str:
        return self.body[:50]


class BudgetLine(models.Model):
    """What the money is for: an optional breakdown of the amount asked."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("idea")
    )
    description = models.CharField(_("what"), max_length=200)
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_positive")
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} €"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never comes from the uploader: it could be anything.
    import secrets

    return f"attachments/{instance.idea_id}/{secrets.token_hex(16)}.{instance.extension}"


class Attachment(models.Model):
    """An image or a PDF added to an idea; served only to those who may see the idea."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("idea")
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    EXTENSIONS = {
        "application/pdf": "pdf",
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/webp": "webp",
    }

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "bin")

    @property
    def download_name(self) -> str:
        """The name the file is saved under: its own, ending as its real type does (a PDF
        named evil.html is saved as evil.html.pdf, never opened as a page)."""
        stem = self.original_name or "file"
        suffix = f".{self.extension}"
        if stem.lower().endswith(suffix) or (
            self.extension == "jpg" and stem.lower().endswith(".jpeg")
        ):
            return stem
        return stem + suffix


class Introduction(models.Model):
    """The agent put an idea's makers in touch with an actor who ran related pilots."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="introductions", verbose_name=_("idea")
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="introductions", verbose_name=_("actor")
    )
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("introduced"), default=timezone.now)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        constraints = [
            models.UniqueConstraint(fields=["idea", "actor"], name="introduction_once_per_actor")
        ]

    def __str__(self) -> str:
        return f"{self.idea} ↔ {self.actor}"


class ReasonTemplate(models.Model):
    """A ready reason for declining, with its title and text in every language (the Finnish one
    where another is missing); the programme administrator writes them."""

    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), max_length=2000)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("reason template")
        verbose_name_plural = _("reason templates")

    def __str__(self) -> str:
        return self.title

    def text_in(self, language: str) -> str:
        return getattr(self, f"text_{language}", "") or self.text_fi or self.text


class Notification(models.Model):
    """Every message the app sends, recorded before it is sent.

    The delivery task claims the row (pending → sending) with a conditional update before it
    sends, so a retry, a second worker or a restarted one never sends it twice; the deduplication
    key makes a sweep that runs again create nothing new.
    """

    class Kind(models.TextChoices):
        IDEA_SUBMITTED = "idea_submitted", _("A new idea to review")
        IDEA_RECEIVED = "idea_received", _("Your idea was received")
        IDEA_DECIDED = "idea_decided", _("A decision or a question on your idea")
        MESSAGE_TO_MAKER = "message_to_maker", _("A message from the resident agent")
        MESSAGE_TO_AGENT = "message_to_agent", _("A message from the makers")
        INTRODUCTION_TO_MAKER = "introduction_to_maker", _("An introduction to a partner")
        INTRODUCTION_TO_PARTNER = "introduction_to_partner", _("A new pilot near you")
        GRANT_PAID = "grant_paid", _("The grant is paid")
        CLOSING_REPORT_RECEIVED = "closing_report_received", _("A closing report arrived")
        PILOT_ENDING_SOON = "pilot_ending_soon", _("Your pilot ends soon")
        REPORT_REQUEST = "report_request", _("Please send the closing report")
        REPORT_REMINDER = "report_reminder", _("Reminder of the closing report")
        REPORT_OVERDUE = "report_overdue", _("A closing report is overdue")
        REPORT_RETURNED = "report_returned", _("A question about your closing report")
        REPORT_ACCEPTED = "report_accepted", _("Your closing report was accepted")
        AGENT_DIGEST = "agent_digest", _("Ideas waiting for a decision")
        DRAFT_RETENTION = "draft_retention", _("Your unsent draft will be deleted")
        DECISION_FOLLOW_UP = "decision_follow_up", _("Time to look again at a decision")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent: switched off by the person")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    idea = models.ForeignKey(
        Idea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("idea"),
    )
    context = models.JSONField(default=dict, blank=True)
    dedup_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["state", "created_at"], name="notification_state_time"),
            models.Index(fields=["recipient", "created_at"], name="notification_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class CityDecision(models.Model):
    """What the city decided about a pilot after its closing report: whether the activity is
    needed in future and in what form, who owns it, what it costs and when to look again. One
    per pilot, changed in place; every change is in the audit log."""

    class Outcome(models.TextChoices):
        PERMANENT = "permanent", _("Make it a permanent service")
        ANOTHER_ROUND = "another_round", _("Continue it for another round")
        SPREAD = "spread", _("Spread it to other districts")
        MAKERS = "makers", _("Leave it to the makers or an association")
        STOP = "stop", _("Stop it")

    idea = models.OneToOneField(
        Idea, on_delete=models.CASCADE, related_name="city_decision", verbose_name=_("pilot")
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_decisions",
        verbose_name=_("responsible person"),
    )
    yearly_cost = models.DecimalField(
        _("yearly cost estimate (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    funding_line = models.CharField(_("funding line"), max_length=200, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True, db_index=True)
    spread_to = models.ManyToManyField(
        District, blank=True, related_name="spread_pilots", verbose_name=_("spread to")
    )
    # The follow-up date the owner was last reminded of (the sweep reminds once per date).
    reminded_for = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("city's decision")
        verbose_name_plural = _("city's decisions")
        permissions = [("record_city_decision", _("Can record the city's decision on a pilot"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(yearly_cost__isnull=True) | models.Q(yearly_cost__gte=0),
                name="city_decision_cost_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.get_outcome_display()}"
