"""Every list page and list endpoint costs an exact, pinned number of queries, the same
with N rows as with 2N (the table and the rule for what is a list: tests/query_counts.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fraudops.core.tests.factories import ApiClientFactory

from .query_counts import CORE_BANKING, NOT_A_LIST, QUERY_COUNTS, SEARCHES, Pin

N = 2
LIST_SUFFIX = re.compile(r"(list|timeline)$")
# URLs of libraries (admin, i18n, the schema views), not of the project's apps.
FOREIGN_MODULES = ("django.", "drf_spectacular.", "rest_framework.")


def _urls(
    patterns: list[Any] | None = None, namespace: str = "", params: bool = False
) -> list[tuple[str, bool, str]]:
    """(name with namespace, takes path parameters, view module) of every named URL."""
    found: list[tuple[str, bool, str]] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        takes = params or bool(entry.pattern.regex.groups)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _urls(entry.url_patterns, inner, takes)
        elif isinstance(entry, URLPattern) and entry.name:
            callback = getattr(entry.callback, "view_class", entry.callback)
            found.append((f"{namespace}{entry.name}", takes, callback.__module__))
    return found


def _list_urls() -> set[str]:
    wanted = set()
    for name, takes_params, module in _urls():
        if module.startswith(FOREIGN_MODULES):
            continue
        if LIST_SUFFIX.search(name) or not takes_params:
            wanted.add(name)
    return wanted


def test_every_list_url_is_pinned():
    lists = _list_urls()
    unpinned = sorted(lists - set(QUERY_COUNTS) - set(NOT_A_LIST))
    assert not unpinned, f"pin these list URLs in tests/query_counts.py: {unpinned}"
    named_lists = sorted(name for name in NOT_A_LIST if LIST_SUFFIX.search(name))
    assert not named_lists, f"a URL named like a list must be pinned: {named_lists}"
    stale = sorted((set(QUERY_COUNTS) | set(NOT_A_LIST)) - {name for name, *_ in _urls()})
    assert not stale, f"no such URL names any more: {stale}"


def _expected(pin: Pin) -> int:
    if isinstance(pin.queries, dict):
        return pin.queries[connection.vendor]
    return pin.queries


def _client(pin: Pin, person) -> Any:
    if pin.user == CORE_BANKING:
        return ApiClientFactory(name="core-banking").api
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person(pin.user))
    return client


def _count(client, url: str, params: dict[str, str]) -> tuple[int, list[str], bytes]:
    client.get(url, params)  # warm: the session's first read, the language, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), [q["sql"][:160] for q in queries.captured_queries], body


@pytest.mark.parametrize("name", sorted(QUERY_COUNTS))
def test_list_query_count_is_exact_and_does_not_grow_with_rows(name, bank, person):
    pin = QUERY_COUNTS[name]
    client = _client(pin, person)
    state: dict[str, Any] = {}
    url = reverse(name, kwargs=pin.rows(N, state))
    few, _sql, few_body = _count(client, url, pin.params)
    url = reverse(name, kwargs=pin.rows(N, state))
    many, many_sql, many_body = _count(client, url, pin.params)
    assert few_body != many_body, f"{name}: the rows added do not show"
    expected = _expected(pin)
    detail = "\n".join(many_sql)
    assert (few, many) == (expected, expected), (
        f"{name} on {connection.vendor}: {few} queries with {N} rows, {many} with {2 * N}, "
        f"pinned {expected}:\n{detail}"
    )


@pytest.mark.parametrize("name", sorted(SEARCHES))
def test_list_with_a_search_costs_a_pinned_count_that_does_not_grow(name, bank, person):
    pin = SEARCHES[name]
    client = _client(pin, person)
    state: dict[str, Any] = {}
    url = reverse(name, kwargs=pin.rows(N, state))
    few, _sql, few_body = _count(client, url, pin.params)
    url = reverse(name, kwargs=pin.rows(N, state))
    many, many_sql, many_body = _count(client, url, pin.params)
    assert few_body != many_body, f"{name}: the rows found do not show"
    expected = _expected(pin)
    detail = "\n".join(many_sql)
    assert (few, many) == (expected, expected), (
        f"{name} with {pin.params} on {connection.vendor}: {few} queries with {N} rows, "
        f"{many} with {2 * N}, pinned {expected}:\n{detail}"
    )
    assert "LIKE '%" not in detail.upper(), "the search must not scan with LIKE"
