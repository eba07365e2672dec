"""What a person has typed but not yet sent, kept in their session: the idea a visitor wrote
before logging in, the idea being typed (autosaved), and each closing report being written.
Nothing here is in the database until the person saves or sends it."""

from django.http import QueryDict

PENDING_IDEA = "pending_idea"
PENDING_HOLD = "pending_idea_hold"
AUTOSAVED_IDEA = "autosaved_idea"
REPORT_DRAFT = "report_draft:{}"
MULTI_VALUED = ("age_groups", "partners")
MAX_VALUE_LENGTH = 5000


def report_key(idea_id: int) -> str:
    return REPORT_DRAFT.format(idea_id)


def raw_form_data(data) -> dict[str, list[str]]:
    return {key: data.getlist(key) for key in data if key != "csrfmiddlewaretoken"}


def as_querydict(raw: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in raw.items():
        data.setlist(key, values)
    return data


def initial_from(raw: dict[str, list[str]]) -> dict:
    """A kept draft as a form's initial values (the spam-check fields are never restored)."""
    return {
        key: values if key in MULTI_VALUED else (values[0] if values else "")
        for key, values in raw.items()
        if key not in {"started", "website"}
    }


def keep(session, key: str, data, form_class) -> None:
    """Keep the posted fields of a form, each value at most 5,000 characters."""
    session[key] = {
        name: [value[:MAX_VALUE_LENGTH] for value in values]
        for name, values in raw_form_data(data).items()
        if name in form_class.base_fields
    }


def idea_draft(session) -> dict[str, list[str]] | None:
    """The idea waiting for its visitor's login, else the one being typed, else nothing."""
    return session.get(PENDING_IDEA) or session.get(AUTOSAVED_IDEA)


def keep_pending_idea(session, data, *, hold: str) -> None:
    """A visitor's idea, kept whole until they have logged in with the code sent to them."""
    session[PENDING_IDEA] = raw_form_data(data)
    session[PENDING_HOLD] = hold


def pending_idea(session) -> tuple[dict[str, list[str]] | None, str]:
    return session.get(PENDING_IDEA), session.get(PENDING_HOLD, "")


def has_pending_idea(session) -> bool:
    return PENDING_IDEA in session


def forget_idea(session) -> None:
    for key in (PENDING_IDEA, PENDING_HOLD, AUTOSAVED_IDEA):
        session.pop(key, None)
