"""The granted pilots as a 360Giving Data Standard package (schema 1.4.x): the open standard for
grants data, so a grants tool reads the city's grants without a hand-made mapping.

Identifiers are strings under the city's registered 360Giving prefix (`OPEN_DATA_GRANT_PREFIX`).
An organisation is named by its business ID as an org-id (`FI-PRO-<Y-tunnus>`, the Finnish
Patent and Registration Office's list); a resident is an anonymised individual ("Individual
Recipient", an id that names the grant, not the person), as the standard's guidance for grants
to individuals says. Only a pilot whose makers agreed to publish carries its own title and
description; the others get a title and description made of the district and the round. No
name, email, phone or bank detail of a resident is ever in it.
"""

import json
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

from actors.models import Actor
from grants.selectors import story_is_public

VERSION = "1.4"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def _funder() -> dict:
    return {"id": settings.CITY_ORG_ID, "name": settings.CITY_PAYER_NAME}


def _recipient(idea) -> dict:
    prefix = settings.OPEN_DATA_GRANT_PREFIX
    actor = idea.applicant
    if actor.kind == Actor.Kind.RESIDENT:
        return {
            "recipientIndividual": {
                "id": f"{prefix}-IND-{idea.grant.pk}",
                "name": "Individual Recipient",
            }
        }
    identifier = f"FI-PRO-{actor.business_id}" if actor.business_id else f"{prefix}-ORG-{actor.pk}"
    return {"recipientOrganization": [{"id": identifier, "name": actor.name}]}


def grant(idea, *, source: str) -> dict:
    """One granted pilot as a 360Giving grant."""
    award = idea.grant
    district, round_ = idea.district, idea.round
    published = story_is_public(idea)
    title = idea.title if published else f"Minipilot, {district.name_fi} ({round_.name_fi})"
    description = (
        f"{idea.need}\n\n{idea.plan}".strip()
        if published
        else f"A minipilot experiment in {district.name_fi}, round {round_.name_fi}: a small "
        "grant for residents, associations and other local makers."
    )
    record = {
        "id": f"{settings.OPEN_DATA_GRANT_PREFIX}-{award.pk}",
        "title": title[:140],
        "description": description,
        "currency": "EUR",
        "amountAwarded": float(award.amount),
        "awardDate": award.decided_at.date().isoformat(),
        "plannedDates": [
            {"startDate": idea.starts_on.isoformat(), "endDate": idea.ends_on.isoformat()}
        ],
        "fundingOrganization": [_funder()],
        **_recipient(idea),
        "beneficiaryLocation": [
            {
                "id": f"{settings.OPEN_DATA_GRANT_PREFIX}-LOC-{district.slug}",
                "name": district.name_fi,
                "countryCode": "FI",
            }
        ],
        "grantProgramme": [{"code": round_.slug, "title": round_.name_fi}],
        "classifications": [
            {"vocabulary": "minipilot-age-group", "code": group, "title": group}
            for group in idea.age_groups
        ],
        "dataSource": source,
        "dateModified": idea.updated_at.isoformat(),
    }
    return record


def package_chunks(ideas, *, source: str) -> Iterator[str]:
    """The package as JSON text, piece by piece: the grants are read in chunks and never held
    all at once."""
    head = {
        "version": VERSION,
        "title": f"{settings.CITY_PAYER_NAME}: minipilot grants",
        "description": "Every minipilot grant of the city, in the 360Giving Data Standard.",
        "issued": timezone.localdate().isoformat(),
        "publisher": {"identifier": settings.CITY_ORG_ID, "name": settings.CITY_PAYER_NAME},
        "license": LICENCE_URL,
        "accessURL": source,
    }
    text = json.dumps(head, ensure_ascii=False)
    yield text[:-1] + ', "grants": ['
    first = True
    for idea in ideas.iterator(chunk_size=500):
        yield ("" if first else ",") + json.dumps(grant(idea, source=source), ensure_ascii=False)
        first = False
    yield "]}"
