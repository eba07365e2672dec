"""Writing an idea: the form (for visitors too), its preview, saving and sending it, editing it,
a visitor's last step (their email and the login code), and claiming an idea an agent entered."""

from allauth.account.views import RequestLoginCodeView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from actors import services as actor_services
from common.posted import posted

from .. import selectors, services, spam
from ..forms import ClaimForm, EmailForm, IdeaForm, published_pilot
from ..models import AgeGroup, Idea
from ..workflow import EDITABLE_STATUSES, Status, WorkflowError
from . import session_drafts
from .base import add_service_errors, load_idea, with_reader_links


def _hold_reason(request, form) -> str:
    """Why this submission should wait for moderation (empty when it looks fine)."""
    return spam.suspicion(
        honeypot=form.cleaned_data.get("website", ""),
        started_token=form.cleaned_data.get("started", ""),
        ip_address=request.META.get("REMOTE_ADDR"),
        user_id=request.user.pk if request.user.is_authenticated else None,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def idea_create(request):
    """Anyone may write an idea; a visitor is asked for their email at the end, and what they
    typed waits in their session until they have logged in with the code sent to them."""
    if request.method != "POST":
        saved = session_drafts.idea_draft(request.session)
        initial = session_drafts.initial_from(saved) if saved else None
        origin = None if saved else published_pilot(_number(request.GET.get("from")))
        if origin is not None:
            initial = {
                "title": origin.title,
                "need": origin.need,
                "plan": origin.plan,
                "age_groups": origin.age_groups,
                "origin": origin.pk,
            }
        form = IdeaForm(initial=initial, user=request.user)
        return render(
            request,
            "grants/idea_form.html",
            {"form": form, "restored": bool(saved), "origin": origin},
        )
    form = IdeaForm(request.POST, user=request.user)
    if "edit" in request.POST:
        return render(request, "grants/idea_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "grants/idea_form.html", {"form": form}, status=400)
    if "preview" in request.POST:
        return _render_preview(request, form)
    submit = "save_draft" not in request.POST
    hold = _hold_reason(request, form) if submit else ""
    if not request.user.is_authenticated:
        session_drafts.keep_pending_idea(request.session, request.POST, hold=hold)
        return redirect("grants:idea_finish")
    return _create_idea(request, form, submit=submit, hold=hold)


def _number(value) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _render_preview(request, form, idea=None):
    data = form.cleaned_data
    text = " ".join(data[name] for name in ("title", "need", "plan"))
    return render(
        request,
        "grants/idea_preview.html",
        {
            "form": form,
            "idea": idea,
            "data": data,
            "age_groups": [
                str(label) for value, label in AgeGroup.choices if value in data["age_groups"]
            ],
            "similar": with_reader_links(
                request.user,
                selectors.similar_pilots(text=text, exclude_idea_id=idea.pk if idea else None),
            ),
        },
    )


@require_POST
def idea_autosave(request):
    """Keep what is being typed in a new idea, so a closed tab or a lost connection loses
    nothing; the form brings it back."""
    session_drafts.keep(request.session, session_drafts.AUTOSAVED_IDEA, request.POST, IdeaForm)
    return render(request, "grants/partials/autosaved.html", {"saved_at": timezone.now()})


def _content_key(user, data) -> str:
    """A form sent without its token (a script, a cached page) is named by what it says: the
    same idea from the same person, sent again with every field alike, is the idea already
    there."""
    import hashlib

    fields = [data.get(name) for name in Idea.EDITABLE_FIELDS]
    fields += [data.get("applicant"), sorted(p.pk for p in data.get("partners") or [])]
    text = "\x1f".join(str(getattr(value, "pk", value)) for value in [user.pk, *fields])
    return "content-" + hashlib.sha256(text.encode()).hexdigest()[:40]


def _create_idea(request, form, *, submit: bool, hold: str = ""):
    data = form.cleaned_data
    try:
        idea = services.idea_create(
            created_by=request.user,
            applicant=data.get("applicant"),
            partners=list(data.get("partners") or []),
            submission_key=data.get("started") or _content_key(request.user, data),
            origin=data.get("origin"),
            **{name: data[name] for name in Idea.EDITABLE_FIELDS},
        )
        if submit:
            services.idea_submit(idea=idea, by=request.user, hold_reason=hold)
    except services.DuplicateSubmission as duplicate:
        if not selectors.idea_is_owned_by(idea=duplicate.idea, user=request.user):
            raise PermissionDenied from None
        messages.info(request, _("This idea was already sent; here it is."))
        return redirect("grants:idea", duplicate.idea.pk)
    except (ValidationError, WorkflowError) as error:
        add_service_errors(form, error)
        return render(request, "grants/idea_form.html", {"form": form}, status=400)
    session_drafts.forget_idea(request.session)
    if submit:
        messages.success(request, _("Thank you! Your idea was sent to the resident agent."))
    else:
        messages.success(request, _("Your draft is saved."))
    return redirect("grants:idea", idea.pk)


class IdeaFinishView(RequestLoginCodeView):
    """The visitor's last step: their email, then the login code. allauth's own view sends the
    code (with its rate limits); the account is made first, so the code has someone to log in."""

    template_name = "grants/idea_finish.html"

    def dispatch(self, request, *args, **kwargs):
        if not session_drafts.has_pending_idea(request.session):
            return redirect("grants:idea_new")
        if request.user.is_authenticated:
            return redirect("grants:idea_resume")
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["email"] = EmailForm.base_fields["email"]
        return form

    account_email = None

    def post(self, request, *args, **kwargs):
        email = EmailForm(request.POST)
        if email.is_valid():
            self.account_email = actor_services.user_get_or_create_for_email(
                email=email.cleaned_data["email"], language=get_language()
            ).email
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.account_email and "data" in kwargs:
            # The code goes to the address as the account keeps it (in lower case).
            kwargs["data"] = kwargs["data"].copy()
            kwargs["data"]["email"] = self.account_email
        return kwargs

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_success_url(self):
        confirm = reverse("account_confirm_login_code")
        return f"{confirm}?{urlencode({'next': reverse('grants:idea_resume')})}"


idea_finish = IdeaFinishView.as_view()


@login_required
def idea_resume(request):
    """After the login: the idea the visitor wrote is saved and submitted as they asked."""
    raw, hold = session_drafts.pending_idea(request.session)
    if raw is None:
        return redirect("grants:my")
    form = IdeaForm(session_drafts.as_querydict(raw), user=request.user)
    if not form.is_valid():
        return render(request, "grants/idea_form.html", {"form": form}, status=400)
    return _create_idea(request, form, submit="save_draft" not in raw, hold=hold)


@login_required
def idea_edit(request, idea_id: int):
    idea = load_idea(idea_id)
    if not selectors.idea_is_owned_by(idea=idea, user=request.user):
        raise PermissionDenied
    if idea.status not in EDITABLE_STATUSES:
        messages.error(request, _("This idea can no longer be edited."))
        return redirect("grants:idea", idea.pk)
    form = IdeaForm(posted(request), instance=idea, user=request.user)
    if request.method == "POST" and "edit" in request.POST:
        return render(request, "grants/idea_form.html", {"form": form, "idea": idea})
    if request.method == "POST" and "preview" in request.POST and form.is_valid():
        return _render_preview(request, form, idea)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chosen = data.get("applicant")
            if chosen is None and "applicant" in form.fields:
                chosen = actor_services.actor_resident_for_user(user=request.user)
            services.idea_update(
                idea=idea,
                by=request.user,
                applicant=chosen,
                partners=list(data.get("partners") or []),
                **{name: data[name] for name in Idea.EDITABLE_FIELDS},
            )
            if idea.status == Status.DRAFT and "save_draft" not in request.POST:
                services.idea_submit(
                    idea=idea, by=request.user, hold_reason=_hold_reason(request, form)
                )
        except (ValidationError, WorkflowError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("grants:idea", idea.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/idea_form.html", {"form": form, "idea": idea}, status=status)


@login_required
def idea_claim(request):
    """The person an agent helped takes over their idea with the code they were given."""
    form = ClaimForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_claim(code=form.cleaned_data["code"], user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The idea is now yours too."))
            return redirect("grants:idea", idea.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/claim.html", {"form": form}, status=status)
