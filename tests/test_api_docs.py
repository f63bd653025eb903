"""The API's documentation pages (/api/docs/ Swagger UI, /api/redoc/ ReDoc) are served from
this server: every address they load is this server's, no CDN, no `@latest`, no inline
script, and the static files they name exist (through the finders, and after collectstatic
with the production settings' hashed-name storage)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

PAGES = ["/api/docs/", "/api/redoc/"]
# Attributes that make the browser load (or connect to) an address.
URL_ATTRIBUTES = {"src", "href", "spec-url", "action", "data", "poster"}
FORBIDDEN = ("@latest", "cdn", "jsdelivr", "unpkg", "googleapis", "gstatic")
# A quoted string in a script that looks like an address: absolute, protocol-relative or a
# path from the root.
QUOTED_URL = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]*|/[A-Za-z0-9_.~\-/?=&%]*)["'`]""")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[tuple[str | None, str]] = []
        self.styles = 0
        self._in_script: str | bool | None = False
        self._script_body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append(value)
            assert not name.startswith("on"), f"inline event handler {name} on <{tag}>"
        if tag == "script":
            self._in_script = dict(attrs).get("src")
            self._script_body = []
        if tag == "style":
            self.styles += 1

    def handle_data(self, data: str) -> None:
        if self._in_script is not False:
            self._script_body.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            src = self._in_script if isinstance(self._in_script, str) else None
            self.scripts.append((src, "".join(self._script_body).strip()))
            self._in_script = False


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _assert_same_origin(url: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme in ("", "http", "https"), url
    assert parts.netloc in ("", "testserver"), f"{url} is another host"
    assert not url.startswith("//"), f"{url} is protocol-relative to another host"


def _assert_no_cdn(text: str) -> None:
    lowered = text.lower()
    for word in FORBIDDEN:
        assert word not in lowered, f"{word!r} in the page"


def _static_path(url: str) -> str:
    path = urlsplit(url).path
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    assert path.startswith(prefix), f"{url} is not a static file"
    return path[len(prefix) :]


@pytest.mark.parametrize("address", PAGES)
def test_docs_page_loads_only_this_servers_files(client, address):
    response = client.get(address)
    assert response.status_code == 200
    html = response.content.decode()
    _assert_no_cdn(html)
    page = _parse(html)
    assert page.urls, "the page names no file at all"
    for url in page.urls:
        _assert_same_origin(url)
    # No inline script and no inline <style>: a Content-Security-Policy without
    # 'unsafe-inline' for scripts leaves the page working.
    assert page.scripts
    for src, body in page.scripts:
        assert src, f"inline script: {body[:80]}"
        assert body == ""
    assert page.styles == 0


@pytest.mark.parametrize("address", PAGES)
def test_docs_page_sends_a_policy_naming_only_this_server(client, address):
    policy = client.get(address)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    for sources in directives.values():
        for source in sources.split():
            assert source in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:"), source


def test_swagger_start_up_script_is_same_origin_and_names_only_this_server(client):
    page = _parse(client.get("/api/docs/").content.decode())
    scripts = [src for src, _ in page.scripts if src and not src.startswith(settings.STATIC_URL)]
    # The one script that is not a static file is the page's own start-up script (?script).
    assert len(scripts) == 1
    response = client.get(scripts[0])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    _assert_no_cdn(body)
    assert "http://" not in body and "https://" not in body
    urls = QUOTED_URL.findall(body)
    assert "/api/schema/" in urls, "the start-up script does not load this server's schema"
    for url in urls:
        _assert_same_origin(url)


def test_redoc_loads_this_servers_schema(client):
    page = _parse(client.get("/api/redoc/").content.decode())
    assert "/api/schema/" in page.urls


@pytest.mark.parametrize("address", PAGES)
def test_docs_static_files_exist(client, address):
    page = _parse(client.get(address).content.decode())
    static = [url for url in page.urls if url.startswith(settings.STATIC_URL)]
    static += [src for src, _ in page.scripts if src and src.startswith(settings.STATIC_URL)]
    assert any(url.endswith(".js") for url in static)
    assert any(url.endswith(".css") for url in static)
    for url in static:
        found = finders.find(_static_path(url))
        assert found, f"{url} is not among the static files"
        assert Path(str(found)).stat().st_size > 0


def test_docs_static_files_survive_collectstatic_with_production_storage(client, tmp_path):
    """Production settings store static files under hashed names (whitenoise's manifest
    storage): collectstatic must accept the sidecar's files (their source-map references
    included) and the pages must name files that collectstatic wrote."""
    storages = {
        **settings.STORAGES,
        # Whitenoise's CompressedManifestStaticFilesStorage minus the compression (which is
        # slow and changes no name): the same manifest and the same strict references.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", "--verbosity", "0")
        for address in PAGES:
            page = _parse(client.get(address).content.decode())
            static = [u for u in page.urls if u.startswith(settings.STATIC_URL)]
            static += [s for s, _ in page.scripts if s and s.startswith(settings.STATIC_URL)]
            assert static
            for url in static:
                name = _static_path(url)
                assert re.search(r"\.[0-9a-f]{12}\.", name), f"{url} is not a hashed name"
                assert (tmp_path / name).is_file(), f"{url} was not collected"
