"""The audit log in words a reader understands: who acted (a staff member by name and role, a
resident as "a resident"), and each detail with a translated label and a readable value."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The role groups' names, as stored by the roles (actors.roles), in the reader's language.
ROLE_NAMES = {
    "Resident agents": gettext_lazy("Resident agents"),
    "City managers": gettext_lazy("City managers"),
}
DETAIL_LABELS = {
    "amount": gettext_lazy("Amount"),
    "amount_asked": gettext_lazy("Amount asked"),
    "bulk": gettext_lazy("Bulk approval"),
    "district": gettext_lazy("District"),
    "round": gettext_lazy("Round"),
    "kind": gettext_lazy("Contents"),
    "export": gettext_lazy("Export"),
    "grant": gettext_lazy("Grant"),
    "idea": gettext_lazy("Idea"),
    "paid_on": gettext_lazy("Paid on"),
    "reference": gettext_lazy("Payment reference"),
    "drafts_deleted": gettext_lazy("Drafts deleted"),
    "ideas_kept": gettext_lazy("Ideas kept"),
    "notice_sent": gettext_lazy("Notice sent"),
    "untouched_since": gettext_lazy("Untouched since"),
}
KIND_NAMES = {
    "payments_csv": gettext_lazy("the grants as a spreadsheet"),
    "district_csv": gettext_lazy("a district's pilots as a spreadsheet"),
    "district_pdf": gettext_lazy("a district report as a PDF"),
    "district_export_task": gettext_lazy("a district's full export"),
}
MONEY = {"amount", "amount_asked"}
OBJECT_NAMES = {
    "idea": gettext_lazy("idea"),
    "grant": gettext_lazy("grant"),
    "district": gettext_lazy("district"),
    "user": gettext_lazy("person"),
    "export": gettext_lazy("export"),
}


def who(event) -> str:
    """A staff member by name and role; anyone else without a name."""
    actor = event.actor
    if actor is None:
        return _("an erased person") if event.actor_label != "system" else _("the system")
    roles = [str(ROLE_NAMES.get(group.name, group.name)) for group in actor.groups.all()]
    if actor.is_staff:
        roles.append(_("administrator"))
    if not roles:
        return _("a resident")
    name = actor.full_name or actor.email
    return f"{name} ({', '.join(roles)})"


def _value(key: str, value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in MONEY:
        try:
            return f"{number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)} €"
        except InvalidOperation:
            return str(value)
    if key == "kind":
        return str(KIND_NAMES.get(value, value))
    return str(value)


def details(event) -> list[tuple[str, str]]:
    return [
        (str(DETAIL_LABELS.get(key, key)), _value(key, value))
        for key, value in (event.details or {}).items()
    ]


def record_name(event) -> str:
    if not event.object_type:
        return ""
    return f"{OBJECT_NAMES.get(event.object_type, event.object_type)} #{event.object_id}"
