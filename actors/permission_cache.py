"""A person's permissions read once, kept in the shared cache, dropped when their roles change.

Django's ModelBackend reads a person's permissions with two queries (their own and their
groups') on every request that asks `has_perm`, which is every logged-in page (the navigation
asks). `CachedPermissionsBackend` keeps the set in the default cache (Redis in production) under
the person's id; any change that could alter it drops it: the person's groups or own permissions,
a group's permissions, the person's `is_active` or `is_superuser`, a group removed. An agent's
districts and a person's organisations are kept the same way (`actors.roles.district_ids_in_scope`,
`actor_ids_of`), dropped when they or the person change. A change the cache did not hear of
(Redis down when it happened) lasts at most `TIMEOUT`.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

TIMEOUT = 300
_KEY = "permissions:{}"
_SCOPE_KEY = "district-scope:{}"
_ACTORS_KEY = "actors-of:{}"


def key_of(user_id: int) -> str:
    return _KEY.format(user_id)


def scope_key_of(user_id: int) -> str:
    """Where the districts an agent's work is limited to are kept (actors/roles.py)."""
    return _SCOPE_KEY.format(user_id)


def actors_key_of(user_id: int) -> str:
    """Where the ids of the organisations a person is a member of are kept."""
    return _ACTORS_KEY.format(user_id)


def actor_ids_of(user) -> list[int]:
    """The organisations (actors) the person is a member of, from the cache or read and kept."""
    from .models import Membership

    key = actors_key_of(user.pk)
    ids = cache.get(key)
    if ids is None:
        ids = list(Membership.objects.filter(user=user).values_list("actor_id", flat=True))
        cache.set(key, ids, TIMEOUT)
    return ids


def forget(user_ids) -> None:
    """Drop the kept permissions, districts and organisations of these people (ids)."""
    keys = [key(user_id) for user_id in user_ids for key in (key_of, scope_key_of, actors_key_of)]
    if keys:
        cache.delete_many(keys)


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = key_of(user_obj.pk)
            permissions = cache.get(key)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, permissions, TIMEOUT)
            user_obj._perm_cache = set(permissions)
        return user_obj._perm_cache


def _members_of(group_ids) -> list[int]:
    User = get_user_model()
    return list(User.objects.filter(groups__in=group_ids).values_list("pk", flat=True).distinct())


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """person.groups.add(...) (instance a person) or group.user_set.add(...) (a group)."""
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if isinstance(instance, Group):
        forget(pk_set or _members_of([instance.pk]))
    else:
        forget([instance.pk])


def _own_permissions_changed(sender, instance, action, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    User = get_user_model()
    if isinstance(instance, User):
        forget([instance.pk])
    else:  # permission.user_set.add(...)
        forget(pk_set or [])


def _group_permissions_changed(sender, instance, action, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Group):
        forget(_members_of([instance.pk]))
    else:  # permission.group_set.add(...)
        forget(_members_of(list(pk_set or [])))


def _districts_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """person.agent_districts.add(...) (a person) or district.agents.add(...) (a district)."""
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        forget([instance.pk])
    elif pk_set:
        forget(pk_set)
    else:  # a district's agents cleared: who they were is read before the clear
        forget(list(instance.agents.values_list("pk", flat=True)))


def _membership_changed(sender, instance, raw=False, **kwargs):
    forget([instance.user_id])


def _group_removed(sender, instance, **kwargs):
    forget(_members_of([instance.pk]))


def _person_saved(sender, instance, **kwargs):
    # A new person too: an id used again (a database restored, a test rolled back) must not
    # find the permissions of the one before.
    forget([instance.pk])


def connect() -> None:
    User = get_user_model()
    uid = "actors.permission_cache."
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid=uid + "groups")
    m2m_changed.connect(
        _own_permissions_changed,
        sender=User.user_permissions.through,
        dispatch_uid=uid + "own",
    )
    m2m_changed.connect(
        _group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid=uid + "group_permissions",
    )
    m2m_changed.connect(
        _districts_changed, sender=User.agent_districts.through, dispatch_uid=uid + "districts"
    )
    from .models import Membership

    post_save.connect(_membership_changed, sender=Membership, dispatch_uid=uid + "member")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid=uid + "no_member")
    pre_delete.connect(_group_removed, sender=Group, dispatch_uid=uid + "group_removed")
    post_save.connect(_person_saved, sender=User, dispatch_uid=uid + "person_saved")
