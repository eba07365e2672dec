"""The open data described for a national portal: a DCAT catalogue (DCAT-AP in JSON-LD) of the
pilots (JSON and CSV) and of the grants in the 360Giving standard, with their licence,
publisher and formats, in Finnish, Swedish and English."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .giving360 import LICENCE_URL

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
LANGUAGES = ("fi", "sv", "en")


def _in_each_language(text) -> list[dict]:
    values = []
    for language in LANGUAGES:
        with translation.override(language):
            values.append({"@language": language, "@value": text()})
    return values


def attribution() -> str:
    return f"Source: {settings.CITY_PAYER_NAME}, Minipilot"


def catalog(absolute) -> dict:
    """`absolute(path)` makes an address absolute."""
    publisher = {"@type": "foaf:Organization", "foaf:name": settings.CITY_PAYER_NAME}

    def distribution(name, media_type, title):
        return {
            "@type": "dcat:Distribution",
            "dcat:accessURL": {"@id": absolute(reverse(name))},
            "dcat:downloadURL": {"@id": absolute(reverse(name))},
            "dcat:mediaType": media_type,
            "dct:title": _in_each_language(title),
            "dct:license": {"@id": LICENCE_URL},
        }

    return {
        "@context": CONTEXT,
        "@type": "dcat:Catalog",
        "@id": absolute(reverse("reports:open_data")),
        "dct:title": _in_each_language(lambda: _("Minipilot open data")),
        "dct:publisher": publisher,
        "dct:license": {"@id": LICENCE_URL},
        "dcat:dataset": [
            {
                "@type": "dcat:Dataset",
                "dct:identifier": "minipilot-pilots",
                "dct:title": _in_each_language(lambda: _("Minipilots of the city")),
                "dct:description": _in_each_language(
                    lambda: _(
                        "Every pilot that got a grant: district, round, dates, money, "
                        "participants, the makers' assessment and, where they agreed, the "
                        "title and lessons. No personal data."
                    )
                ),
                "dct:publisher": publisher,
                "dct:license": {"@id": LICENCE_URL},
                "dct:rightsHolder": attribution(),
                "dct:modified": timezone.localdate().isoformat(),
                "dct:conformsTo": {"@id": absolute(reverse("reports:open_data_schema"))},
                "dcat:keyword": ["minipilot", "osallistuminen", "avustukset", "kokeilut"],
                "dcat:distribution": [
                    distribution(
                        "reports:open_data_json", "application/json", lambda: _("Pilots as JSON")
                    ),
                    distribution("reports:open_data_csv", "text/csv", lambda: _("Pilots as CSV")),
                ],
            },
            {
                "@type": "dcat:Dataset",
                "dct:identifier": "minipilot-grants-360giving",
                "dct:title": _in_each_language(
                    lambda: _("Minipilot grants in the 360Giving Data Standard")
                ),
                "dct:publisher": publisher,
                "dct:license": {"@id": LICENCE_URL},
                "dct:rightsHolder": attribution(),
                "dct:conformsTo": {"@id": "https://standard.threesixtygiving.org/en/latest/"},
                "dcat:distribution": [
                    distribution(
                        "reports:open_data_360giving",
                        "application/json",
                        lambda: _("Grants as a 360Giving package"),
                    )
                ],
            },
        ],
    }
