"""Staff single sign-on against a real OpenID Connect provider (oidc-provider from npm, a
certified implementation, run by the test with Node.js on loopback), in Chromium: an agent logs
in through the city's provider and lands on the agent's page, without the app's own second
step where the provider says it asked for one; once the provider no longer counts them in the
agents' group, their next login leaves them no agent."""

import copy
import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.urls import reverse

from actors import roles
from actors.models import User

PROVIDER = Path(__file__).parent / "oidc"
CLIENT_ID, SECRET = "minipilot", "a-client-secret-for-the-test"

pytestmark = [pytest.mark.needs_browser, pytest.mark.needs_node]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def accounts(tmp_path):
    path = tmp_path / "accounts.json"

    def write(**people):
        path.write_text(json.dumps(people))

    write(aino={"email": "aino.agentti@example.org", "name": "Aino Agentti", "groups": []})
    return path, write


@pytest.fixture
def provider(live_server, accounts, settings):
    """The provider on a free loopback port, its one client being this app; the app set up
    as a city would, by its issuer, client id, secret and the table of groups."""
    if not (PROVIDER / "node_modules" / "oidc-provider").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=PROVIDER,
            check=True,
            capture_output=True,
            timeout=300,
        )
    port = _free_port()
    callback = f"{live_server.url}/accounts/oidc/city/login/callback/"
    process = subprocess.Popen(
        ["node", "provider.mjs"],
        cwd=PROVIDER,
        env={
            "PATH": os.environ["PATH"],
            "OIDC_PORT": str(port),
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": SECRET,
            "OIDC_REDIRECT_URI": callback,
            "OIDC_ACCOUNTS": str(accounts[0]),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        line = ""
        while time.monotonic() < deadline and not line.startswith("READY"):
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                pytest.fail("the OpenID Connect provider did not start")
        issuer = line.split()[1]
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "city",
                        "name": "Hämeenlinna",
                        "client_id": CLIENT_ID,
                        "secret": SECRET,
                        "settings": {
                            "server_url": issuer,
                            "token_auth_method": "client_secret_basic",
                            "scope": ["openid", "email", "profile", "groups"],
                        },
                    }
                ],
            }
        }
        settings.OIDC_GROUP_ROLES = "minipilot-agents=agent,minipilot-managers=manager"
        # What the settings do with OIDC_ISSUER: the login form may be sent on to the provider.
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"].append(issuer)
        settings.CONTENT_SECURITY_POLICY = policy
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def _log_in_through_the_provider(page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_role("button", name="Log in with Hämeenlinna").click()
    page.locator("input[name=login]").fill(login)
    page.get_by_role("button", name="Sign-in").click()
    # Back from the provider, past the app's callback, on the person's start page.
    page.wait_for_url(lambda url: url.startswith(live_server.url) and "/oidc/" not in url)
    page.wait_for_load_state()


def test_an_agent_logs_in_through_the_citys_provider_and_loses_the_role_with_the_group(
    live_server, provider, accounts, new_page
):
    _path, write = accounts
    write(
        aino={
            "email": "aino.agentti@example.org",
            "name": "Aino Agentti",
            "groups": ["minipilot-agents", "a-group-of-something-else"],
        }
    )
    page = new_page()
    _log_in_through_the_provider(page, live_server, "aino")
    assert page.url == f"{live_server.url}{reverse('grants:agent')}", page.url
    assert page.get_by_role("heading", level=1).count() == 1
    aino = User.objects.get(email="aino.agentti@example.org")
    assert roles.is_agent(aino) and aino.full_name == "Aino Agentti"
    # The provider asked for the second step: the app's own is not asked for.
    assert "/2fa/" not in page.url and "/mfa/" not in page.url

    # Removed from the agents' group at the city: the next login is no agent's.
    write(aino={"email": "aino.agentti@example.org", "name": "Aino Agentti", "groups": []})
    later = new_page()
    _log_in_through_the_provider(later, live_server, "aino")
    aino = User.objects.get(email="aino.agentti@example.org")
    assert not roles.is_agent(aino)
    assert later.url == f"{live_server.url}{reverse('grants:my')}", later.url
    response = later.goto(f"{live_server.url}{reverse('grants:agent')}")
    assert response.status == 403

    # An agent again, by a password alone at the provider: the app asks for its own second step.
    write(
        aino={
            "email": "aino.agentti@example.org",
            "name": "Aino Agentti",
            "groups": ["minipilot-agents"],
            "amr": ["pwd"],
        }
    )
    third = new_page()
    _log_in_through_the_provider(third, live_server, "aino")
    assert third.url == f"{live_server.url}{reverse('mfa_activate_totp')}", third.url
