"""Screenshots of the website for review: `python scripts/screenshots.py [--out docs/screenshots]`.

Starts the real server on a temporary SQLite database (which loads the bundled Belgian directory),
drives /usr/bin/chromium with Playwright, and saves the search page, a results page and a referral
sheet in English and French, at a phone size (390x844) and a desktop size (1280x900, whole page),
and the sheet as printed (print stylesheet); then the curators' coverage report of the bundled
directory (`coverage-en-desktop.png`), signed in as a curator made for the run.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory.accounts.service import Role, create_user  # noqa: E402
from directory.database import make_engine, upgrade_schema  # noqa: E402
from tests.browser import launch_options, live_server  # noqa: E402

CURATOR = ("curator@shots.example", "screenshots-only-" + "x" * 16)

VIEWPORTS = {"mobile": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LANGS = ("en", "fr")
SEARCH_BUTTON = {"en": "Find help", "fr": "Trouver de l'aide"}


def search(page: Page, base: str, lang: str) -> None:
    page.goto(f"{base}/?lang={lang}")
    page.fill("#place", "Bruxelles")
    for need in ("emergency_shelter", "legal_migration"):
        page.check(f"input[name=needs][value={need}]")
    page.check("input[name=languages][value=ro]")
    page.check("input[name=controlled_by_someone]")
    page.get_by_role("button", name=SEARCH_BUTTON[lang]).click()
    page.wait_for_selector("ol.results, .errors")


def take(page: Page, path: Path, *, whole: bool) -> None:
    page.screenshot(path=str(path), full_page=whole)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    database = Path(tempfile.mkdtemp(prefix="passerelle-shots-")) / "shots.db"
    with live_server(f"sqlite:///{database}") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        for size, viewport in VIEWPORTS.items():
            whole = size == "desktop"
            context = browser.new_context(viewport=viewport, device_scale_factor=1)  # type: ignore[arg-type]
            page = context.new_page()
            for lang in LANGS:
                page.goto(f"{base}/?lang={lang}")
                take(page, out / f"search-{lang}-{size}.png", whole=whole)
                search(page, base, lang)
                take(page, out / f"results-{lang}-{size}.png", whole=whole)
                first = page.locator("ol.results li.result").first
                first.locator("summary").click()
                first.screenshot(path=str(out / f"results-details-{lang}-{size}.png"))
                for box in page.locator("ol.results input[name=service]").all()[:2]:
                    box.check()
                page.locator("#referral-form button[type=submit]").click()
                page.wait_for_selector(".sheet-service")
                take(page, out / f"referral-{lang}-{size}.png", whole=whole)
                if whole:
                    page.emulate_media(media="print")
                    take(page, out / f"referral-{lang}-print.png", whole=True)
                    page.emulate_media(media="screen")
            context.close()
        coverage(browser.new_page(viewport={"width": 1280, "height": 900}), base, database, out)
        browser.close()
    return 0


def coverage(page: Page, base: str, database: Path, out: Path) -> None:
    """The coverage report, as a curator sees it (the bundled directory is loaded by now)."""
    engine = make_engine(f"sqlite:///{database}")
    upgrade_schema(engine)
    with engine.begin() as connection:
        email, password = CURATOR
        create_user(
            connection, email=email, password=password, role=Role.curator, organization_id=None
        )
    engine.dispose()
    page.goto(f"{base}/portal/login?lang=en")
    page.fill("input[name=email]", CURATOR[0])
    page.fill("input[name=password]", CURATOR[1])
    page.locator("main form button[type=submit]").click()
    page.goto(f"{base}/portal/coverage")
    take(page, out / "coverage-en-desktop.png", whole=True)


if __name__ == "__main__":
    sys.exit(main())
