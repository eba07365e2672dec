from django.db.models import QuerySet

from .models import Actor, User


def actors_of_user(*, user: User) -> QuerySet[Actor]:
    """The actors a person may act for: themselves as a resident and their organisations."""
    return Actor.objects.filter(memberships__user=user).order_by("kind", "name")


def organisations() -> QuerySet[Actor]:
    """Every actor but individual residents: the possible partners of a pilot."""
    return Actor.objects.exclude(kind=Actor.Kind.RESIDENT).select_related("district")
