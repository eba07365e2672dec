"""What the pages kept for many readers (common/fragments) show of people: who holds a staff
role, their names and addresses, and the agents' districts (common/versions.STAFF). Any of
these changing draws those pages again; a login, which writes only the person's last login,
does not."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from common import versions


def _person_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    versions.bump(versions.STAFF)


def _changed(sender, action=None, **kwargs):
    if action is None or action.startswith("post_"):
        versions.bump(versions.STAFF)


def connect() -> None:
    User = get_user_model()
    uid = "actors.page_versions."
    post_save.connect(_person_saved, sender=User, dispatch_uid=uid + "person_saved")
    post_delete.connect(_changed, sender=User, dispatch_uid=uid + "person_removed")
    m2m_changed.connect(_changed, sender=User.groups.through, dispatch_uid=uid + "roles")
    m2m_changed.connect(
        _changed, sender=User.agent_districts.through, dispatch_uid=uid + "districts"
    )
