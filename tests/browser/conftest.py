"""Browser tests: Playwright driving Debian's Chromium against the live test server.

They skip, saying why, when Chromium or axe-core is missing, unless REQUIRE_BROWSER=1 (CI sets
it), in which case a missing tool is a failure."""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (creating fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Keep a full-page screenshot as a test artifact (test-artifacts/screenshots/)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page, *, impacts=("serious", "critical")) -> None:
    """Run axe-core in the page and fail on any violation of the given impacts."""
    if not AXE_JS.exists():
        _missing(f"axe-core not found at {AXE_JS} (npm install)")
    # Evaluated through the DevTools protocol rather than added as a <script> tag: the site's
    # Content-Security-Policy (rightly) blocks inline script tags.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    bad = [v for v in result["violations"] if v["impact"] in impacts]
    report = "\n".join(
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])} nodes: "
        f"{', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in bad
    )
    assert not bad, f"axe-core violations on {page.url}:\n{report}"


@pytest.fixture
def archive(make_source, make_author, make_article):
    """Three articles from two sources over two years, for the reading tests."""
    courier = make_source("The Harbourside Courier", homepage="https://courier.example.org")
    ledger = make_source("The Riverside Ledger")
    mara = make_author("Mara Ellison")
    make_article(
        "The ferry returns to Mill Quay",
        source=courier,
        authors=(mara,),
        kicker="Transport",
        dek="After two winters in dry dock, the river ferry is back.",
        published=datetime.date(2025, 3, 14),
        paragraphs=(
            "The ferry crossed the river at seven on Monday morning, on time, with a "
            "quieter engine and a new timetable pinned to the waiting-room door.",
            "Regular passengers said the crossing felt shorter than before.",
        ),
        url="https://courier.example.org/ferry",
    )
    make_article("Budget talks stall", source=ledger, published=datetime.date(2024, 4, 1))
    make_article("Library reopens", source=courier, published=datetime.date(2024, 9, 2))
