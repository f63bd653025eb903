"""The embedded default for `make run`: SQLite, a file-system Celery broker, console email."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DEBUG", "1") == "1"
# Mail is printed in the terminal, subject and text as they read (fraudops.core.mail).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "fraudops.core.mail.ReadableConsoleEmailBackend")
