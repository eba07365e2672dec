"""The grants as a 360Giving package: valid against the official 1.4.3 schema (copied beside
this test with its MIT licence), readable by any 360Giving tool, and without any personal data
of a resident: no email, name, phone or IBAN; a resident is an anonymised individual."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from grants import services
from grants.models import Payee
from tests import factories

SCHEMAS = Path(__file__).parent / "schemas" / "360giving-1.4.3"


def validator() -> Draft202012Validator:
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    # The package refers to the grant schema by its 1.4.2 address; the file here is 1.4.3.
    registry = Registry().with_resources(
        [
            (address, DRAFT202012.create_resource(grant))
            for address in (
                grant["$id"],
                grant["$id"].replace("/1.4.3/", "/1.4.2/"),
            )
        ]
    )
    # Formats checked (dates, date-times, URIs): the schema's oneOf of a date-time or a date
    # pattern can only tell them apart so.
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def package(client) -> dict:
    response = client.get(reverse("reports:open_data_360giving"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def grants(make_idea, resident, agent, district):
    resident.full_name = "Riikka Asukas"
    resident.phone = "040 123 4567"
    resident.save()
    shared = make_idea("reported", title="Yhteinen kahvila")
    shared.closing_report.publish = True
    shared.closing_report.save()
    services.idea_close(idea=shared, by=agent)
    private = make_idea("approved", title="Riikan oma kerho")
    Payee.objects.create(actor=private.applicant, name="Riikka Asukas", iban="FI2112345600000785")
    association = factories.ActorFactory(
        name="Kylä ry", district=district, business_id="0201256-6", members=[resident]
    )
    org = factories.idea_in_status(
        "running", created_by=resident, agent=agent, district=district, applicant=association
    )
    return {"shared": shared, "private": private, "org": org}


def test_the_package_validates_against_the_360giving_schema(client, grants):
    data = package(client)
    errors = sorted(validator().iter_errors(data), key=lambda error: list(error.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
    assert len(data["grants"]) == 3
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    for grant in data["grants"]:
        assert grant["id"].startswith("360G-minipilot-hml-")
        assert grant["currency"] == "EUR" and grant["amountAwarded"] == 500.0
        assert grant["fundingOrganization"][0]["id"] == "FI-PRO-0139797-4"


def test_residents_are_anonymised_and_only_published_pilots_tell_their_story(client, grants):
    data = package(client)
    by_id = {grant["id"]: grant for grant in data["grants"]}
    shared = by_id[f"360G-minipilot-hml-{grants['shared'].grant.pk}"]
    private = by_id[f"360G-minipilot-hml-{grants['private'].grant.pk}"]
    org = by_id[f"360G-minipilot-hml-{grants['org'].grant.pk}"]
    assert shared["title"] == "Yhteinen kahvila"
    assert "Riikan" not in private["title"] and grants["private"].need not in private["description"]
    assert private["recipientIndividual"]["name"] == "Individual Recipient"
    assert org["recipientOrganization"] == [{"id": "FI-PRO-0201256-6", "name": "Kylä ry"}]


def test_no_personal_data_of_a_resident_in_any_open_data_format(client, grants, resident, agent):
    bodies = [json.dumps(package(client), ensure_ascii=False)]
    bodies.append(client.get(reverse("reports:open_data_json")).content.decode())
    csv = client.get(reverse("reports:open_data_csv"))
    bodies.append(b"".join(csv.streaming_content).decode("utf-8-sig"))
    for body in bodies:
        for secret in (
            resident.email,
            agent.email,
            "Riikka",
            "Asukas",
            "040 123 4567",
            "FI2112345600000785",
            "FI21 1234",
        ):
            assert secret not in body


def test_the_pilots_json_states_its_licence_and_validates_against_its_published_schema(
    client, grants
):
    page = client.get(reverse("reports:open_data_json")).json()
    assert page["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert page["attribution"] == "Source: Hämeenlinnan kaupunki, Minipilot"
    schema_response = client.get(page["schema"].replace("http://testserver", ""))
    assert schema_response.status_code == 200
    schema = json.loads(schema_response.content)
    checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.path)}: {e.message}" for e in checker.iter_errors(page)]
    assert errors == []
    assert len(page["pilots"]) == 3


def test_the_csv_names_its_licence_and_schema_in_its_headers(client, grants):
    response = client.get(reverse("reports:open_data_csv"))
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in response["Link"]
    assert 'pilots.schema.json>; rel="describedby"' in response["Link"]


def test_the_catalogue_describes_every_dataset_for_a_portal(client, grants):
    response = client.get(reverse("reports:open_data"))
    assert response["Content-Type"] == "application/ld+json"
    catalog = json.loads(response.content)
    assert catalog["@type"] == "dcat:Catalog"
    urls = [
        distribution["dcat:downloadURL"]["@id"]
        for dataset in catalog["dcat:dataset"]
        for distribution in dataset["dcat:distribution"]
    ]
    for name in ("open_data_json", "open_data_csv", "open_data_360giving"):
        url = reverse(f"reports:{name}")
        assert any(found.endswith(url) for found in urls)
        assert client.get(url).status_code == 200
    titles = {value["@language"] for value in catalog["dct:title"]}
    assert titles == {"fi", "sv", "en"}
    assert all(
        d["dct:license"]["@id"].startswith("https://creativecommons")
        for d in catalog["dcat:dataset"]
    )
