"""The API's documentation pages: Swagger UI at /api/docs/ and ReDoc at /api/redoc/.

Both load their JavaScript and CSS from this server's static files (the
drf-spectacular-sidecar package, `SWAGGER_UI_DIST = "SIDECAR"`), never from a CDN, so the
pages work on a bank's intranet with no internet access. They also carry no inline script:
Swagger UI's start-up script is a separate same-origin request (drf-spectacular's split
view, `?script`), and the templates in templates/api_docs/ drop drf-spectacular's inline
<style> and ReDoc's Google Fonts links. Each page sends its own Content-Security-Policy,
which names only this server ('self'), so a stricter project-wide policy cannot blank them
and a copy that went back to a CDN would be refused by the browser.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# What the two pages need, all from this server. 'unsafe-inline' for styles only: Swagger UI
# and ReDoc (styled-components) set styles from their own scripts; no inline script runs.
# ReDoc starts its search index in a worker made from a blob: URL (the page's own code).
# img-src without other hosts also refuses the one address the ReDoc bundle hard-codes
# (Redocly's logo in its sidebar footer, on Redocly's CDN): no request leaves the browser and
# ReDoc hides the image. A project-wide policy must leave these pages theirs (django-csp does
# not overwrite a Content-Security-Policy header that a view already set).
DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class _DocsPolicy(APIView):
    """Sends DOCS_CONTENT_SECURITY_POLICY with every answer of the view (the page, its
    ?script, an error)."""

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response


class ApiDocsSwaggerView(_DocsPolicy, SpectacularSwaggerSplitView):
    """Swagger UI: the page, and with `?script` its start-up script (no inline script)."""

    template_name = "api_docs/swagger_ui.html"


class ApiDocsRedocView(_DocsPolicy, SpectacularRedocView):
    """ReDoc: one page, its script from the static files (no inline script, no web fonts)."""

    template_name = "api_docs/redoc.html"
