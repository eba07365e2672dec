"""The programme administrator's pages (`/manage/`): the start page, rounds and the ready-made
decline reasons. Districts and staff are the actors app's (actors/views.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors import roles
from actors.decorators import role_required
from common import fragments, versions

from .. import selectors, services
from ..forms import ReasonForm, RoundExtendForm, RoundForm
from ..models import ReasonTemplate, Round
from .base import add_service_errors, error_text


@role_required(roles.can_manage_programme)
def manage_home(request):
    """What an administrator looks after: the rounds first, then the lists behind them."""
    today = timezone.localdate()
    # The same for every administrator: drawn once a day until a round, its money or districts,
    # or an idea anywhere (the ideas waiting for a decision) changes.
    key = fragments.key(
        request,
        "manage-home",
        today.isoformat(),
        names=[versions.PUBLIC, versions.MONEY, versions.IDEAS_ANYWHERE],
    )
    body, _status = fragments.kept(
        key,
        request,
        "grants/manage/home_body.html",
        lambda: ({"rounds": selectors.rounds_for_administrator(), "today": today}, 200),
    )
    return render(request, "grants/manage/home.html", {"body": body})


def _round_values(form) -> tuple[dict, list]:
    data = dict(form.cleaned_data)
    districts = list(data.pop("districts"))
    data.pop("version", None)
    return data, districts


@role_required(roles.can_manage_programme)
def round_new(request):
    form = RoundForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values, districts = _round_values(form)
            try:
                round_ = services.round_create(by=request.user, values=values, districts=districts)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The round “%(name)s” is saved.") % {"name": round_})
                return redirect("grants:manage_round", round_id=round_.pk)
        status = 400
    return render(request, "grants/manage/round_form.html", {"form": form}, status=status)


@role_required(roles.can_manage_programme)
def round_edit(request, round_id: int):
    if request.method != "POST":
        return _round_page(request, round_id)
    round_ = get_object_or_404(selectors.round_for_administrator(), pk=round_id)
    form = RoundForm(request.POST or None, round_=round_)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values, districts = _round_values(form)
            try:
                round_ = services.round_update(
                    round_=round_,
                    by=request.user,
                    values=values,
                    districts=districts,
                    version=form.cleaned_data["version"],
                )
            except services.RoundConflict as conflict:
                # Not saved: the other administrator's change stands. This person's values stay
                # in the form, made from the round as it is now, with what differs beside it;
                # sending it again saves them over the other change, knowingly.
                round_.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(round_.version)
                form = RoundForm(data, round_=round_)
                form.is_valid()
                form.add_error(None, error_text(conflict))
                return render(
                    request,
                    "grants/manage/round_form.html",
                    {
                        "form": form,
                        "round": round_,
                        "differences": form.differences_from(round_),
                        "extend_form": RoundExtendForm(),
                        "today": _today(),
                    },
                    status=409,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The round “%(name)s” is saved.") % {"name": round_})
                return redirect("grants:manage_round", round_id=round_.pk)
        status = 400
    return render(
        request,
        "grants/manage/round_form.html",
        {
            "form": form,
            "round": round_,
            "extend_form": RoundExtendForm(),
            "today": _today(),
        },
        status=status,
    )


def _round_page(request, round_id: int):
    """A round's page with its forms, the same for every administrator: drawn once a day until
    the round, its districts or its money change."""
    name = Round.objects.filter(pk=round_id).values_list("name", flat=True).first()
    if name is None:
        raise Http404
    today = _today()
    key = fragments.key(
        request,
        "manage-round",
        round_id,
        today.isoformat(),
        names=[versions.PUBLIC, versions.MONEY],
    )

    def build():
        round_ = selectors.round_for_administrator().get(pk=round_id)
        context = {"form": RoundForm(round_=round_), "round": round_, "today": today}
        return {**context, "extend_form": RoundExtendForm()}, 200

    body, _status = fragments.kept_with_forms(
        key, request, "grants/manage/round_form_body.html", build
    )
    return render(request, "grants/manage/round_form.html", {"body": body, "round": {"name": name}})


def _today():
    return timezone.localdate()


def _round_verb(request, round_id: int, verb, success: str, **arguments):
    round_ = get_object_or_404(Round, pk=round_id)
    try:
        verb(round_=round_, by=request.user, **arguments)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("grants:manage_round", round_id=round_.pk)
    messages.success(request, success % {"name": round_})
    return redirect("grants:manage_round", round_id=round_.pk)


@role_required(roles.can_manage_programme)
@require_POST
def round_open(request, round_id: int):
    return _round_verb(request, round_id, services.round_open, _("“%(name)s” is open."))


@role_required(roles.can_manage_programme)
@require_POST
def round_close(request, round_id: int):
    return _round_verb(request, round_id, services.round_close, _("“%(name)s” is closed."))


@role_required(roles.can_manage_programme)
@require_POST
def round_extend(request, round_id: int):
    form = RoundExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("closes_on", [])))
        return redirect("grants:manage_round", round_id=round_id)
    return _round_verb(
        request,
        round_id,
        services.round_extend,
        _("“%(name)s” now closes later."),
        closes_on=form.cleaned_data["closes_on"],
    )


@role_required(roles.can_manage_programme)
def reason_list(request):
    return render(
        request,
        "grants/manage/reasons.html",
        {"reasons": ReasonTemplate.objects.order_by("-active", "title_fi")},
    )


@role_required(roles.can_manage_programme)
def reason_edit(request, reason_id: int | None = None):
    reason = get_object_or_404(ReasonTemplate, pk=reason_id) if reason_id else None
    form = ReasonForm(request.POST or None, reason=reason)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reason_save(by=request.user, values=form.cleaned_data, reason=reason)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The reason is saved."))
                return redirect("grants:manage_reasons")
        status = 400
    return render(
        request, "grants/manage/reason_form.html", {"form": form, "reason": reason}, status=status
    )
