"""Settings for the test suite: the same as dev, with fast hashing and in-memory email."""

from .base import *  # noqa: F403
from .base import REDIS_URL, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if not REDIS_URL:
    # The embedded test pass keeps broker traffic in memory rather than in var/celery.
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}

# Tests travel in time with a signed-in client (hours, days): session timeouts are off here
# and switched on by the tests of fraudops.core.sessions with override_settings.
FRAUDOPS_SESSION_IDLE_MINUTES = 0
FRAUDOPS_SESSION_MAX_HOURS = 0
# ... and so is the session's own expiry (base.py ties it to SESSION_MAX_HOURS).
SESSION_COOKIE_AGE = 14 * 24 * 3600
