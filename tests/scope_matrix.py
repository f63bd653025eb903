"""The scope matrix: who is told what when they reach an object they may not touch.

Out of sight (a unit outside the caller's subtree) answers exactly what a missing object
answers: 404, the same body. In sight with the wrong role answers 403 on the API; a page
tells the refusal in a message and sends the person back (302). Either way nothing
changes: `rows()` is compared before and after.

Used by each app's tests/test_scope_matrix.py with its own table of endpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

# Refused actions are audited on purpose; sessions and idempotency keys are bookkeeping.
NOT_STATE = {"core.auditevent", "core.idempotencyrecord", "sessions.session"}
PROJECT_APPS = (
    "core",
    "incidents",
    "workflows",
    "controls",
    "watchlist",
    "notifications",
    "comments",
    "complaints",
)


@dataclass(frozen=True)
class Endpoint:
    """`kwargs(world)` gives the real object's URL kwargs; `missing` a missing object's."""

    name: str
    method: str
    kwargs: Callable[[dict[str, Any]], dict[str, Any]]
    missing: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def api(self) -> bool:
        return self.name.startswith("api-")

    @property
    def write(self) -> bool:
        return self.method != "get"

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def client_for(user: Any, endpoint: Endpoint) -> Client | APIClient:
    client: Client | APIClient = APIClient() if endpoint.api else Client()
    client.force_login(user)
    return client


def call(client: Any, endpoint: Endpoint, kwargs: dict[str, Any]) -> Any:
    url = reverse(endpoint.name, kwargs=kwargs)
    extra = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if endpoint.method == "get":
        return client.get(url, **extra)
    if endpoint.api:  # POST, PATCH or DELETE (a removal carries its reason in the body)
        send = getattr(client, endpoint.method)
        return send(url, endpoint.data, format="json", **extra)
    return client.post(url, endpoint.data, **extra)


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the project's tables (less the audit trail and bookkeeping)."""
    found = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in PROJECT_APPS or label in NOT_STATE:
            continue
        found[label] = list(model.objects.order_by("pk").values_list())
    return found
