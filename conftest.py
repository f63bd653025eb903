"""Fixtures shared by every test: the demo bank, people by username, API clients."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from rest_framework.test import APIClient

from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope
from fraudops.core.demo_bank import demo_bank_build
from fraudops.core.models import ApiClient, OrgUnit, User


def pytest_collection_modifyitems(config, items):
    """`postgres` tests need PostgreSQL; on the embedded SQLite pass they are skipped
    (and CI runs them in its PostgreSQL pass, where FRAUDOPS_REQUIRE_SERVICES=1)."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    if not on_postgres:
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def bank(db):
    """The demo bank: HO, three sub-branches, nine branches, a person for every role.

    Also reloads the default playbooks: transactional tests flush what the data migration
    loaded."""
    from workflows.services import playbooks_load_defaults

    playbooks_load_defaults()
    demo_bank_build()
    return {unit.code: unit for unit in OrgUnit.objects.all()}


@pytest.fixture
def person(bank):
    def get(username: str) -> User:
        return User.objects.select_related("unit").get(username=username)

    return get


@pytest.fixture
def actor(person):
    def get(username: str) -> Actor:
        return Actor.for_user(person(username), ip="10.0.0.1")

    return get


@pytest.fixture
def api(person):
    """An API client logged in as a member of staff (session auth)."""

    def get(username: str | None = None) -> APIClient:
        client = APIClient()
        if username:
            client.force_login(person(username))
        return client

    return get


@pytest.fixture
def core_banking(bank):
    """A core-banking API client with every scope, acting for head office."""
    client = ApiClient(name="core-banking", unit=bank["HO"], scopes=ApiClient.all_scopes())
    token = client.issue_key()
    client.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    api.client_record = client
    return api


@pytest.fixture
def scoped_client(bank):
    def make(*, unit: str = "HO", scopes=(ApiScope.INCIDENTS_READ,)) -> APIClient:
        record = ApiClient(
            name=f"client-{unit}-{len(scopes)}", unit=bank[unit], scopes=list(scopes)
        )
        token = record.issue_key()
        record.save()
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        api.client_record = record
        return api

    return make


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"
