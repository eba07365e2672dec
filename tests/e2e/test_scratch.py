import pytest

pytestmark = pytest.mark.needs_browser


def test_scratch(live_server, page, login, resident, open_round):
    page.goto(live_server.url + "/en/accounts/login/")
    print(page.content())
    login(page, resident)
    print(page.url)
