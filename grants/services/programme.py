"""The programme administrator's writes: rounds (create, edit, open, close, extend) and the
ready-made decline reasons. The rules hold here, so they hold for every way in: a budget never
below what is granted (the database's constraint `round_granted_within_budget` guards it too,
under concurrent approvals), no two rounds for one district at the same time, no round closed
while ideas wait for a decision, and an edit made on an old copy of a round is refused rather
than silently overwriting the other administrator's change (`Round.version`)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actors import roles
from actors.models import District, User
from audit.models import AuditEvent
from audit.services import record as audit_record

from ..models import Idea, ReasonTemplate, Round
from ..workflow import AWAITING_DECISION, Status

# What an administrator edits on a round; names and rules in each language.
ROUND_TEXT_FIELDS = ("name_fi", "name_sv", "name_en", "rules_fi", "rules_sv", "rules_en")
ROUND_FIELDS = (
    *ROUND_TEXT_FIELDS,
    "budget",
    "default_grant",
    "max_grant",
    "opens_on",
    "closes_on",
    "decision_target_days",
)
REASON_FIELDS = ("title_fi", "title_sv", "title_en", "text_fi", "text_sv", "text_en", "active")
WAITING_STATUSES = (*AWAITING_DECISION, Status.NEEDS_INFO)
MAX_DECISION_TARGET_DAYS = 365


class RoundConflict(ValidationError):
    """The round was changed by someone else after this person opened it."""


def _require_administrator(user: User) -> None:
    if not roles.can_manage_programme(user):
        raise PermissionDenied


def _overlapping(*, round_id, opens_on: date, closes_on: date | None, district_ids) -> list:
    """Other rounds of these districts whose dates meet this round's dates."""
    others = Round.objects.exclude(pk=round_id).filter(districts__in=district_ids)
    others = others.filter(Q(closes_on__isnull=True) | Q(closes_on__gte=opens_on))
    if closes_on is not None:
        others = others.filter(opens_on__lte=closes_on)
    return list(others.distinct().order_by("opens_on"))


def _check_round(round_: Round, districts: list[District]) -> None:
    """Every rule of a round's values, as one error per field."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not (round_.name_fi or "").strip():
        add("name_fi", _("Give the round a name in Finnish."))
    if round_.budget is None or round_.budget <= 0:
        add("budget", _("Give the budget in euros."))
    elif round_.budget < round_.granted_total:
        add(
            "budget",
            _("The budget cannot be lower than what is already granted: %(granted)s €.")
            % {"granted": round_.granted_total},
        )
    if round_.default_grant is None or round_.default_grant <= 0:
        add("default_grant", _("Give the default grant in euros."))
    if round_.max_grant is None or round_.max_grant <= 0:
        add("max_grant", _("Give the maximum grant in euros."))
    elif round_.default_grant and round_.default_grant > round_.max_grant:
        add("max_grant", _("The maximum grant cannot be lower than the default grant."))
    elif round_.budget and round_.max_grant > round_.budget:
        add("max_grant", _("The maximum grant cannot be more than the budget."))
    if round_.opens_on is None:
        add("opens_on", _("Give the day the round opens."))
    elif round_.closes_on is not None and round_.closes_on < round_.opens_on:
        add("closes_on", _("The round cannot close before it opens."))
    target = round_.decision_target_days
    if target is None or not 1 <= target <= MAX_DECISION_TARGET_DAYS:
        add(
            "decision_target_days",
            _("Give the decision target as 1 to %(most)s days.")
            % {"most": MAX_DECISION_TARGET_DAYS},
        )
    if not districts:
        add("districts", _("Choose at least one district."))
    elif round_.opens_on is not None:
        clashes = _overlapping(
            round_id=round_.pk,
            opens_on=round_.opens_on,
            closes_on=round_.closes_on,
            district_ids=[district.pk for district in districts],
        )
        if clashes:
            add(
                "districts",
                _(
                    "A district can have one round at a time: “%(other)s” covers the same "
                    "district on these dates."
                )
                % {"other": clashes[0].name},
            )
    if errors:
        raise ValidationError(errors)


def _changed(before: dict, round_: Round) -> list[str]:
    return sorted(field for field in before if before[field] != getattr(round_, field))


def _snapshot(round_: Round) -> dict:
    return {field: getattr(round_, field) for field in ROUND_FIELDS}


def _apply(round_: Round, values: dict) -> None:
    for field, value in values.items():
        if field not in ROUND_FIELDS:
            raise ValueError(f"{field} is not a round field")
        if field in ROUND_TEXT_FIELDS:
            value = (value or "").strip()
        setattr(round_, field, value)


def _unique_slug(name: str) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:80] or "round"
    slug, number = base, 2
    while Round.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def round_create(*, by: User, values: dict, districts: list[District]) -> Round:
    """A new round, with its names and rules in Finnish (and Swedish and English where given)."""
    _require_administrator(by)
    round_ = Round(report_reminder_days=[7, 14])
    _apply(round_, values)
    _check_round(round_, districts)
    round_.slug = _unique_slug(round_.name_fi)
    with translation.override("fi"):  # the original columns keep the Finnish texts
        round_.save()
    round_.districts.set(districts)
    audit_record(
        by,
        AuditEvent.Action.ROUND_CHANGED,
        round_,
        change="created",
        budget=round_.budget,
        districts=[district.pk for district in districts],
    )
    return round_


def _locked(round_: Round, version: int | None) -> Round:
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if version is not None and locked.version != version:
        raise RoundConflict(
            _(
                "Someone else changed this round while you were editing it. Here it is as "
                "they left it; make your change again."
            ),
            code="conflict",
        )
    return locked


def _save(locked: Round, *, by: User, change: str, before: dict, districts=None) -> Round:
    fields = _changed(before, locked)
    locked.version = F("version") + 1
    with translation.override("fi"):  # the original columns keep the Finnish texts
        locked.save()
    locked.refresh_from_db()
    if districts is not None:
        before_districts = set(locked.districts.values_list("pk", flat=True))
        locked.districts.set(districts)
        if before_districts != {district.pk for district in districts}:
            fields.append("districts")
    audit_record(
        by,
        AuditEvent.Action.ROUND_CHANGED,
        locked,
        change=change,
        fields=fields,
        budget=locked.budget,
        closes_on=locked.closes_on,
    )
    return locked


@transaction.atomic
def round_update(
    *, round_: Round, by: User, values: dict, districts: list[District], version: int | None
) -> Round:
    """Change a round. `version` is the one the administrator's form was made from: if the round
    changed since, nothing is saved (RoundConflict)."""
    _require_administrator(by)
    locked = _locked(round_, version)
    before = _snapshot(locked)
    _apply(locked, values)
    _check_round(locked, districts)
    return _save(locked, by=by, change="edited", before=before, districts=districts)


def _waiting(round_: Round) -> int:
    return Idea.objects.filter(round=round_, status__in=WAITING_STATUSES).count()


@transaction.atomic
def round_open(*, round_: Round, by: User, today: date | None = None) -> Round:
    """Open a round from today: one that has not opened yet, or one that closed (then it stays
    open until closed again, or until its new end date is set by extending it)."""
    _require_administrator(by)
    today = today or timezone.localdate()
    locked = _locked(round_, None)
    if locked.is_open_on(today):
        raise ValidationError(_("The round is open already."))
    before = _snapshot(locked)
    if locked.opens_on > today:
        locked.opens_on = today
    else:
        locked.closes_on = None
    _check_round(locked, list(locked.districts.all()))
    return _save(locked, by=by, change="opened", before=before)


@transaction.atomic
def round_close(*, round_: Round, by: User, today: date | None = None) -> Round:
    """Close an open round now: no new ideas from today. Refused while ideas wait for a decision
    (decide them first: a resident whose idea waits is owed an answer)."""
    _require_administrator(by)
    today = today or timezone.localdate()
    locked = _locked(round_, None)
    if not locked.is_open_on(today):
        raise ValidationError(_("The round is not open."))
    waiting = _waiting(locked)
    if waiting:
        raise ValidationError(
            _(
                "%(count)s ideas of this round wait for a decision. Decide them before "
                "closing the round."
            )
            % {"count": waiting}
        )
    before = _snapshot(locked)
    yesterday = today - timedelta(days=1)
    # The last day a round takes ideas is its closing day: it closed yesterday. A round opened
    # today closes as though it had lasted only yesterday.
    locked.closes_on = yesterday
    locked.opens_on = min(locked.opens_on, yesterday)
    return _save(locked, by=by, change="closed", before=before)


@transaction.atomic
def round_extend(
    *, round_: Round, by: User, closes_on: date | None, today: date | None = None
) -> Round:
    """Move a round's closing day later (or make it rolling, `closes_on` None)."""
    _require_administrator(by)
    today = today or timezone.localdate()
    locked = _locked(round_, None)
    if closes_on is not None and closes_on < today:
        raise ValidationError({"closes_on": _("The new closing day cannot be in the past.")})
    if locked.closes_on is None:
        raise ValidationError(_("The round is rolling: it has no closing day to move."))
    if closes_on is not None and closes_on <= locked.closes_on:
        raise ValidationError(
            {"closes_on": _("To extend the round, give a closing day later than the current one.")}
        )
    before = _snapshot(locked)
    locked.closes_on = closes_on
    _check_round(locked, list(locked.districts.all()))
    return _save(locked, by=by, change="extended", before=before)


def _apply_reason(reason: ReasonTemplate, values: dict) -> None:
    errors = {}
    for field, value in values.items():
        if field not in REASON_FIELDS:
            raise ValueError(f"{field} is not a reason field")
        setattr(reason, field, value.strip() if isinstance(value, str) else value)
    if not reason.title_fi:
        errors["title_fi"] = _("Give the reason a title in Finnish.")
    if not reason.text_fi:
        errors["text_fi"] = _("Write the reason in Finnish.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reason_save(*, by: User, values: dict, reason: ReasonTemplate | None = None) -> ReasonTemplate:
    """A new ready-made decline reason, or a change to one (its title and text in three
    languages, and whether agents are offered it)."""
    _require_administrator(by)
    created = reason is None
    reason = (
        ReasonTemplate()
        if created
        else ReasonTemplate.objects.select_for_update().get(pk=reason.pk)
    )
    _apply_reason(reason, values)
    with translation.override("fi"):  # the original columns keep the Finnish texts
        reason.save()
    audit_record(
        by,
        AuditEvent.Action.REASON_CHANGED,
        reason,
        change="created" if created else "edited",
        active=reason.active,
    )
    return reason
