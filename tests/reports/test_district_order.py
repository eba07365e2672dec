"""Districts are listed in the order of the names the reader sees: in Swedish, a district
without a Swedish name goes by its Finnish one (which is what is shown), not last in no order."""

import re

import pytest
from django.utils import translation

from reports.selectors import districts_by_name
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts():
    # Made in an order that is none of the orders expected, so the database's own order of rows
    # cannot pass for a sorted one.
    with translation.override("fi"):  # `name` is the Finnish one
        return [
            factories.DistrictFactory(name="Iittala", slug="iittala"),
            factories.DistrictFactory(name="Hauho", slug="hauho"),
            factories.DistrictFactory(name="Keskusta", name_sv="Centrum", slug="keskusta"),
            factories.DistrictFactory(name="Aulanko", name_sv="Öster", slug="aulanko"),
        ]


def _slugs(queryset):
    return [district.slug for district in queryset]


def test_the_order_follows_the_names_shown_in_each_language(districts):
    with translation.override("fi"):
        assert _slugs(districts_by_name()) == ["aulanko", "hauho", "iittala", "keskusta"]
    with translation.override("sv"):
        assert _slugs(districts_by_name()) == ["keskusta", "hauho", "iittala", "aulanko"]
    with translation.override("en"):  # no English names: the Finnish ones
        assert _slugs(districts_by_name()) == ["aulanko", "hauho", "iittala", "keskusta"]


def test_the_comparison_and_the_showcase_list_them_so_in_swedish(client, manager, districts):
    client.force_login(manager)
    compare = client.get("/sv/reports/compare/").content.decode()
    boxes = re.findall(r'name="district" value="([a-z]+)"', compare)
    assert boxes == ["keskusta", "hauho", "iittala", "aulanko"]

    showcase = client.get("/sv/pilots/").content.decode()
    options = re.findall(r'<option value="(keskusta|hauho|iittala|aulanko)"', showcase)
    assert options == ["keskusta", "hauho", "iittala", "aulanko"]
