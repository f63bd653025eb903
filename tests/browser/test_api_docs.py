"""In Chromium, the API's documentation pages work with no internet: Swagger UI (/api/docs/)
and ReDoc (/api/redoc/) render the API's operations while every request the page makes
goes to this server (any other is logged and refused), under the pages' own
Content-Security-Policy (no "Refused to ..." in the console)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(chromium, live_server, address: str):
    """The page at `address`, with every request logged and any to another host refused."""
    context = chromium.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20000)
    here = urlsplit(live_server.url).netloc
    requested: list[str] = []
    elsewhere: list[str] = []
    console: list[str] = []

    def route(request_route):
        url = request_route.request.url
        requested.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.netloc == here:
            request_route.continue_()
        else:
            elsewhere.append(url)
            request_route.abort()

    context.route("**/*", route)
    # What the pages' Content-Security-Policy refused (a refused load never reaches the route).
    context.add_init_script(
        "window.__refused = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => window.__refused.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    page.goto(f"{live_server.url}{address}")
    return page, requested, elsewhere, console


# ReDoc's sidebar footer shows Redocly's logo from Redocly's CDN (hard-coded in the bundle, no
# option turns it off): the pages' policy refuses it before any request leaves the browser,
# and ReDoc hides the image when it does not load. Nothing else may be refused.
REDOCLY_LOGO = "img-src https://cdn.redoc.ly/redoc/logo-mini.svg"


def _assert_only_here(page, live_server, requested, elsewhere, console):
    refused = [line for line in page.evaluate("window.__refused") if line != REDOCLY_LOGO]
    assert refused == [], "refused by the Content-Security-Policy"
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
    assert requested, "no request was logged"
    for url in requested:
        parts = urlsplit(url)
        assert parts.scheme in ("data", "blob") or url.startswith(live_server.url), url
    errors = [line for line in console if "page error" in line]
    assert errors == [], errors


def test_swagger_ui_renders_the_operations_from_this_server_only(chromium, live_server):
    page, requested, elsewhere, console = _open(chromium, live_server, "/api/docs/")
    page.wait_for_selector(".opblock-summary")
    operations = page.locator(".opblock")
    assert operations.count() > 20
    assert page.locator(".opblock-summary-path", has_text="/api/v1/incidents/").count() >= 1
    # The page title is the API's, and the schema came from this server.
    assert page.locator(".info .title").inner_text().startswith("FraudOps API")
    assert f"{live_server.url}/api/schema/" in requested
    assert any(url.endswith("swagger-ui-bundle.js") for url in requested)
    # One operation opens (its parameters render without another host).
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body")
    _assert_only_here(page, live_server, requested, elsewhere, console)
    page.context.close()


def test_redoc_renders_the_operations_from_this_server_only(chromium, live_server):
    page, requested, elsewhere, console = _open(chromium, live_server, "/api/redoc/")
    page.wait_for_selector("[data-section-id*='operation/']")
    assert page.locator("[data-section-id*='operation/']").count() > 20
    assert page.get_by_text("FraudOps API").first.is_visible()
    assert f"{live_server.url}/api/schema/" in requested
    assert any(url.endswith("redoc.standalone.js") for url in requested)
    _assert_only_here(page, live_server, requested, elsewhere, console)
    page.context.close()
