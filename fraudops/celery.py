"""The Celery app: Redis when REDIS_URL is set, an embedded file-system broker otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fraudops.settings.dev")

app = Celery("fraudops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
