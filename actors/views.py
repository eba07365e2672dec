from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from common import fragments, versions

from . import roles, selectors, services
from .decorators import role_required
from .forms import (
    STAFF_ROLE_CHOICES,
    DistrictForm,
    EraseForm,
    InviteForm,
    OrganisationForm,
    ProfileForm,
    StaffDistrictsForm,
    StaffInviteForm,
)
from .models import Actor, District


@login_required
def profile(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_update_profile(
            user=request.user,
            full_name=data["full_name"],
            phone=data["phone"],
            language=data["language"],
            optional_email=data["optional_email"],
        )
        messages.success(request, _("Your details are saved."))
        with translation.override(user.language):
            return redirect(reverse("actors:profile"))
    status = 400 if request.method == "POST" else 200
    return render(request, "actors/profile.html", {"form": form}, status=status)


@require_POST
def set_language(request):
    """Switch the language of the pages; for a logged-in person, remember it as their choice."""
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    # The page to return to is read in its own language, so that it can be translated.
    next_path = urlsplit(request.POST.get("next") or "/").path
    page_language = translation.get_language_from_path(next_path) or settings.LANGUAGE_CODE
    with translation.override(page_language):
        return django_set_language(request)


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
def organisations(request):
    """My organisations, and a form to register a new one."""
    form = OrganisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        actor = services.organisation_create(created_by=request.user, **form.cleaned_data)
        messages.success(request, _("The organisation is registered."))
        return redirect("actors:organisation", actor.pk)
    mine = selectors.actors_of_user(user=request.user).exclude(kind=Actor.Kind.RESIDENT)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "actors/organisations.html", {"organisations": mine, "form": form}, status=status
    )


@login_required
def organisation(request, actor_id: int):
    """An organisation's profile: its members see and edit it and invite others; agents read it."""
    try:
        actor = selectors.organisation_detail(actor_id=actor_id)
    except Actor.DoesNotExist as error:
        raise Http404 from error
    member = selectors.is_member(actor=actor, user=request.user)
    if not (member or roles.can_view_dashboard(request.user)):
        raise PermissionDenied
    form = OrganisationForm(instance=actor)
    invite_form = InviteForm()
    status = 200
    if request.method == "POST":
        if not member:
            raise PermissionDenied
        try:
            if "invite" in request.POST:
                invite_form = InviteForm(request.POST)
                if invite_form.is_valid():
                    services.invitation_create(
                        actor=actor, by=request.user, email=invite_form.cleaned_data["email"]
                    )
                    messages.success(request, _("The invitation is on its way."))
                    return redirect("actors:organisation", actor.pk)
            else:
                form = OrganisationForm(request.POST, instance=actor)
                if form.is_valid():
                    services.organisation_update(actor=actor, by=request.user, **form.cleaned_data)
                    messages.success(request, _("The organisation's details are saved."))
                    return redirect("actors:organisation", actor.pk)
        except ValidationError as error:
            invite_form.add_error("email", error.messages)
        status = 400
    return render(
        request,
        "actors/organisation.html",
        {"actor": actor, "member": member, "form": form, "invite_form": invite_form},
        status=status,
    )


@login_required
def invitation(request, token: str):
    """The invited person joins the organisation (after logging in with the invited email)."""
    if request.method == "POST":
        try:
            actor = services.invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return render(request, "actors/invitation.html", {"invalid": True}, status=404)
        messages.success(request, _("You are now a member of %(name)s.") % {"name": actor.name})
        return redirect("actors:organisation", actor.pk)
    valid = selectors.pending_invitation(token=token)
    if valid is None:
        return render(request, "actors/invitation.html", {"invalid": True}, status=404)
    return render(request, "actors/invitation.html", {"invitation": valid})


@login_required
def data_export(request):
    """A person's own data as JSON, to keep or to take elsewhere."""
    from django.http import JsonResponse

    from audit import services as audit_services

    data = selectors.personal_data(user=request.user)
    audit_services.personal_data_exported(user=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="minipilot-my-data.json"'
    return response


@login_required
def data_delete(request):
    """Erase my account: what goes, what stays and why, then a confirmation. GET never erases."""
    from django.contrib.auth import logout

    privileged = roles.is_privileged(request.user)
    form = EraseForm(_posted(request))
    if request.method == "POST":
        if privileged:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.user_erase(request.user, by=request.user)
            except services.ErasureRefused as refusal:
                messages.error(request, str(refusal))
                return redirect("actors:data_delete")
            logout(request)
            messages.success(
                request,
                _(
                    "Your account is erased. What you sent stays without your name or "
                    "contact details."
                ),
            )
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "actors/data_delete.html",
        {
            "form": form,
            "privileged": privileged,
            "summary": selectors.erasure_summary(user=request.user),
        },
        status=status,
    )


# The programme administrator's pages on districts and staff (the rest of /manage/ is the
# grants app's).


def _role_of_group(name: str) -> str:
    return {group: role for role, group in roles.STAFF_ROLES.items()}.get(name, "")


@role_required(roles.can_manage_programme)
def manage_districts(request):
    form = DistrictForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                district = services.district_save(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, _("The district %(name)s is saved.") % {"name": district})
                return redirect("actors:manage_districts")
        status = 400
    context = {"form": form}
    if status == 200:
        # The same for every administrator: drawn once until a district changes.
        key = fragments.key(request, "manage-districts", names=[versions.PUBLIC])
        context["body"], _status = fragments.kept_with_forms(
            key,
            request,
            "actors/manage/districts_body.html",
            lambda: ({**context, "districts": District.objects.order_by("slug")}, 200),
        )
    else:
        context["districts"] = District.objects.order_by("slug")
    return render(request, "actors/manage/districts.html", context, status=status)


@role_required(roles.can_manage_programme)
def manage_district(request, district_id: int):
    district = get_object_or_404(District, pk=district_id)
    form = DistrictForm(request.POST or None, district=district)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.district_save(by=request.user, district=district, **form.cleaned_data)
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, _("The district is saved."))
                return redirect("actors:manage_districts")
        status = 400
    return render(
        request,
        "actors/manage/district.html",
        {"district": district, "form": form},
        status=status,
    )


def _service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@role_required(roles.can_manage_programme)
def manage_staff(request):
    form = StaffInviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.staff_invite(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(email)s has the role now and is told by email.") % {"email": user.email},
                )
                return redirect("actors:manage_staff")
        status = 400
    context = {"form": form, "role_labels": dict(STAFF_ROLE_CHOICES)}
    if status == 200:
        # The same for every administrator: drawn once until a role, a person or a name changes.
        key = fragments.key(request, "manage-staff", names=[versions.STAFF, versions.PUBLIC])
        context["body"], _status = fragments.kept_with_forms(
            key,
            request,
            "actors/manage/staff_body.html",
            lambda: ({**context, "members": _staff_rows()}, 200),
        )
    else:
        context["members"] = _staff_rows()
    return render(request, "actors/manage/staff.html", context, status=status)


def _staff_rows() -> list[dict]:
    labels = dict(STAFF_ROLE_CHOICES)
    members = []
    for member in selectors.staff_members():
        held = [_role_of_group(group.name) for group in member.groups.all()]
        members.append(
            {
                "person": member,
                "roles": ", ".join(str(labels[role]) for role in held if role in labels),
                "districts": ", ".join(d.name for d in member.agent_districts.all()),
                "agent": "agent" in held,
            }
        )
    return members


@role_required(roles.can_manage_programme)
def manage_staff_member(request, user_id: int):
    member = get_object_or_404(selectors.staff_members(), pk=user_id)
    member_roles = [_role_of_group(group.name) for group in member.groups.all()]
    form = StaffDistrictsForm(
        request.POST or None, initial={"districts": list(member.agent_districts.all())}
    )
    status = 200
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                services.staff_role_remove(
                    by=request.user, user=member, role=request.POST.get("remove", "")
                )
                messages.success(request, _("The role is taken away."))
                return redirect("actors:manage_staff")
            if form.is_valid():
                services.staff_districts_set(
                    by=request.user, user=member, districts=list(form.cleaned_data["districts"])
                )
                messages.success(request, _("The districts are saved."))
                return redirect("actors:manage_staff_member", user_id=member.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        status = 400
    return render(
        request,
        "actors/manage/staff_member.html",
        {
            "member": member,
            "member_roles": member_roles,
            "role_labels": dict(STAFF_ROLE_CHOICES),
            "form": form,
        },
        status=status,
    )
