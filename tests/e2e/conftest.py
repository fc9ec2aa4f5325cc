"""Playwright driving Debian's chromium against the live test server."""

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).parent / "screenshots"))
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """While a browser is open, Playwright's sync API leaves its asyncio loop marked as
    running in this thread, so Django refuses the ORM calls a browser test makes here
    (factories, assertions, the database teardown). Those calls are synchronous and safe:
    allow them for the browser tests alone, from their setup to their teardown (which
    closes a module's browser), and for no other test."""
    if item.get_closest_marker("browser") is None or ASYNC_UNSAFE in os.environ:
        return (yield)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        return (yield)
    finally:
        del os.environ[ASYNC_UNSAFE]


# One browser per module, closed in the last browser test's teardown, so Playwright's loop
# never outlives the browser tests.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

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
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def screenshot(page, screenshot_dir):
    def take(name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def worker(real_worker_mode):
    """A real Celery worker (in a thread of this process) taking tasks from Redis, as in
    production: whatever the pages queue runs there, not inline."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
