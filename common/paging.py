"""What the paged lists share: the address of another page keeps the list's other parameters."""

from django.http import QueryDict


def query_without_page(params: QueryDict) -> str:
    """The list's parameters (its filters) as a query string, without the page number."""
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()
