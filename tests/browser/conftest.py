"""Real-browser tests: Debian's Chromium driven by Playwright's sync API against
pytest-django's live server. Never `playwright install`: CI installs /usr/bin/chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()
        # The test's own queries ran inside Playwright's context, whose database connection
        # the test database's teardown would not see (and could not drop the database).
        from django.db import connections

        connections.close_all()


@pytest.fixture
def login(chromium, live_server):
    def open_as(username: str, locale: str = "zh-CN"):
        context = chromium.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "FraudOps-demo-2026")
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        return page

    return open_as
