from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_business_id


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the login; no user name."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # A resident agent limited to some districts sees and decides only those; empty means all.
    agent_districts = models.ManyToManyField(
        "District",
        blank=True,
        related_name="agents",
        verbose_name=_("districts of a resident agent"),
        help_text=_("Leave empty for an agent of every district."),
    )
    optional_email = models.BooleanField(
        _("send me also non-essential emails"),
        default=True,
        help_text=_(
            "Reminders and decisions always come; receipts, introductions and digests only "
            "when this is on."
        ),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class District(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        permissions = [("view_district_report", _("Can read district learning reports"))]

    def __str__(self) -> str:
        return self.name


class Actor(models.Model):
    """Who proposes and runs pilots: a resident or an organisation with members."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        ASSOCIATION = "association", _("Association or NGO")
        COMPANY = "company", _("Company")
        PARISH = "parish", _("Parish")
        CITY_UNIT = "city_unit", _("City unit")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actors",
    )
    business_id = models.CharField(
        _("business ID"),
        max_length=9,
        blank=True,
        validators=[validate_business_id],
        help_text=_("Finnish business ID (Y-tunnus) of an association or company, e.g. 0112038-9."),
    )
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="actors",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        indexes = [
            # The newest organisations first: the partners offered on the idea form.
            models.Index(
                fields=["-created_at"],
                condition=~models.Q(kind="resident"),
                name="actor_organisations_newest",
            )
        ]

    def __str__(self) -> str:
        return self.name

    # What an erased person's name is replaced with (actors.services.user_erase).
    ERASED_NAME = "[erased]"

    @property
    def display_name(self) -> str:
        """The name, or "[erased]" in the reader's language for an erased person."""
        if self.name == self.ERASED_NAME:
            return str(_("[erased]"))
        return self.name

    @property
    def public_name(self) -> str:
        """The name reports may show: an organisation's, never a private person's."""
        return "" if self.kind == self.Kind.RESIDENT else self.name

    @property
    def public_label(self) -> str:
        """ "Iittalan kyläyhdistys (Association or NGO)" for an organisation, "Resident" for a
        person: what reports, exports and the showcase say of an applicant."""
        kind = self.get_kind_display()
        return f"{self.name} ({kind})" if self.public_name else str(kind)


class Membership(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["actor", "user"], name="membership_unique_actor_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.actor}"


class Invitation(models.Model):
    """A member invites another person by email to act for the organisation."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("actor")
    )
    email = models.EmailField(_("email address"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="sent_invitations",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.actor}"
