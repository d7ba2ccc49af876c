"""In real Chromium against a real server (bundled directory): the true count, "More results"
as a plain POST (the search never in a URL), with and without JavaScript, and the place said
as understood."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import LiveServer, live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("more") / "site.db"
    with live_server(f"sqlite:///{database}") as url:
        yield url


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=request.param)
    yield context.new_page()
    context.close()


def test_more_results_shows_every_match_by_post(page: Page, site: LiveServer) -> None:
    page.goto(f"{site}/?lang=en")
    page.get_by_label("Town or municipality").fill("Bruxeles")
    page.get_by_label("Emergency shelter", exact=True).check()
    page.get_by_label("Housing", exact=True).check()
    page.get_by_label("Someone controls me, takes my money or keeps my papers").check()
    page.get_by_label("I would like to stop sex work").check()
    page.get_by_role("button", name="Find help").click()
    page.wait_for_selector("h1:has-text('Help that may suit you')")
    assert page.locator("p.place-understood").inner_text() == "Help near Brussels"
    assert page.get_by_text("We found 15 services. Here are the first 10.").is_visible()
    assert page.locator("li.result").count() == 10
    page.get_by_role("button", name="More results").click()
    page.wait_for_function("document.querySelectorAll('li.result').length === 15")
    assert page.url == f"{site}/search", "the search is never in a URL"
    assert page.get_by_text("We found 15 services.").is_visible()
    assert page.get_by_role("button", name="More results").count() == 0
    assert page.locator("p.place-understood").inner_text() == "Help near Brussels"
