"""Production: everything from the environment; refuse to start with development secrets."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = False
if SECRET_KEY.startswith("dev-only") or not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("Set SECRET_KEY and DATABASE_URL for production.")
SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Believed only from FRAUDOPS_TRUSTED_PROXIES: TrustedProxyMiddleware drops the header from
# any other peer, so a client cannot claim HTTPS by sending it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
