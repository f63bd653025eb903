"""The search box: every kind of key finds its incident, typed the ways people type it
(Traditional characters, pinyin in any order, initials, full-width digits, spaces and
dashes), by exact key lookups within the viewer's subtree; the keys are written at filing,
rebuilt by `search_keys_refresh` and built for existing incidents by the data migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import search, selectors, services
from incidents.choices import SearchKeyKind
from incidents.models import Incident, Party, SearchKey
from tests.incident_data import PAYEE_ACCOUNT, VALID_CARD, VICTIM_ID

pytestmark = pytest.mark.django_db

FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}


def _found(actor, text: str) -> set[str]:
    queryset = selectors.incident_search(selectors.incident_list(actor=actor), text=text)
    return set(queryset.values_list("number", flat=True))


@pytest.fixture
def two(file_incident):
    """One telecom fraud (victim 張秀蘭, payee 李强) and one impostor case (陈建国)."""
    first = file_incident(
        external_reference="CB-2026-0042",
        vehicles=[
            {"kind": "phishing_url", "value": "HTTPS://WWW.Bank-Verify.example.cn/login"},
            {"kind": "fraud_phone", "value": "400-800-1234"},
        ],
    )
    second = file_incident("impostor_customer", vehicles=[])
    return first, second


@pytest.mark.parametrize(
    "typed",
    [
        "{number}",
        "{number_lower_compact}",
        "CB-2026-0042",
        "cb20260042",
        "張秀蘭",  # Traditional, as filed
        "张秀兰",  # Simplified
        "Zhang Xiulan",
        "xiulan zhang",
        "ZHANGXIULAN",
        "zxl",  # initials
        "李强",
        "Li Qiang",
        VICTIM_ID,
        VICTIM_ID.lower(),
        VICTIM_ID.translate(FULL_WIDTH),  # full-width, as typed on a Chinese keyboard
        "13800138000",
        "138 0013 8000",
        "１３８００１３８０００",
        "+86 138-0013-8000",
        "13900139000",
        PAYEE_ACCOUNT,
        "6217 0000 1000 1234 567",
        VALID_CARD,
        "6222-0200-0000-0000-000",
        "bank-verify.example.cn/login",
        "https://bank-verify.example.cn/login/",
        "bank-verify.example.cn",  # the domain: every address under it
        "www.BANK-VERIFY.example.cn",
        "400-800-1234",
        "4008001234",
    ],
)
def test_each_kind_of_key_finds_the_incident_and_only_it(two, actor, typed):
    first, _second = two
    text = typed.format(
        number=first.number, number_lower_compact=first.number.lower().replace("-", "")
    )
    assert _found(actor("monitor_bj"), text) == {first.number}


def test_a_number_without_leading_zeros_or_prefix_is_found(two, actor):
    first, _second = two
    year, serial = first.number.split("-")[1:]
    assert _found(actor("monitor_bj"), f"{year}-{int(serial)}") == {first.number}


def test_the_impostor_is_found_by_name_and_id(two, actor):
    _first, second = two
    assert _found(actor("monitor_bj"), "陳建國") == {second.number}
    assert _found(actor("monitor_bj"), "440106198001010019") == {second.number}


def test_organisation_names_are_found(file_incident, actor):
    incident = file_incident("forged_bills")
    assert _found(actor("monitor_bj"), "某某貿易有限公司") == {incident.number}


@pytest.mark.parametrize("typed", ["", "   ", "王五", "99999999999", "nothing.example.com", "=1+2"])
def test_what_matches_no_key_finds_nothing(two, actor, typed):
    assert _found(actor("monitor_bj"), typed) == set()


def test_search_stays_in_the_viewers_subtree(two, actor):
    # Shanghai's staff see none of Beijing's incidents, whatever they type.
    assert _found(actor("teller_sh_pd"), VICTIM_ID) == set()
    assert _found(actor("teller_sh_pd"), "张秀兰") == set()
    assert _found(actor("ho_monitor"), VICTIM_ID) == {two[0].number}


def test_the_lookup_uses_exact_keys_never_a_like_scan(two, actor):
    with CaptureQueriesContext(connection) as queries:
        _found(actor("monitor_bj"), "张秀兰")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "incidents_searchkey" in sql
    assert "%张秀兰%" not in sql and "张秀兰%" not in sql


def test_keys_are_written_at_filing(two):
    first, _second = two
    kinds = set(SearchKey.objects.filter(incident=first).values_list("kind", flat=True))
    assert kinds >= {
        SearchKeyKind.NUMBER,
        SearchKeyKind.REFERENCE,
        SearchKeyKind.NAME,
        SearchKeyKind.PINYIN,
        SearchKeyKind.INITIALS,
        SearchKeyKind.DOCUMENT,
        SearchKeyKind.PHONE,
        SearchKeyKind.ACCOUNT,
        SearchKeyKind.URL,
        SearchKeyKind.DOMAIN,
    }


def test_search_keys_refresh_follows_edited_facts(two, actor):
    first, _second = two
    Party.objects.filter(incident=first, name="李强").update(name="王大锤", phone="")
    monitor = actor("monitor_bj")
    assert _found(monitor, "王大锤") == set()  # not yet: the keys are as filed
    services.search_keys_refresh(incident=Incident.objects.get(pk=first.pk))
    assert _found(monitor, "王大锤") == {first.number}
    assert _found(monitor, "Wang Dachui") == {first.number}
    assert _found(monitor, "李强") == set()
    assert _found(monitor, "13900139000") == set()
    assert _found(monitor, VICTIM_ID) == {first.number}  # the rest kept
    before = set(SearchKey.objects.filter(incident=first).values_list("kind", "key"))
    services.search_keys_refresh(incident=Incident.objects.get(pk=first.pk))
    after = set(SearchKey.objects.filter(incident=first).values_list("kind", "key"))
    assert before == after  # idempotent


def test_the_data_migration_builds_the_keys_of_existing_incidents(two, actor):
    first, _second = two
    expected = set(SearchKey.objects.values_list("incident_id", "kind", "key"))
    SearchKey.objects.all().delete()
    assert _found(actor("monitor_bj"), VICTIM_ID) == set()
    migration = importlib.import_module("incidents.migrations.0007_search_keys")
    migration.build_keys(django_apps, None)
    assert set(SearchKey.objects.values_list("incident_id", "kind", "key")) == expected
    assert _found(actor("monitor_bj"), VICTIM_ID) == {first.number}


def test_query_keys_classify_what_was_typed():
    keys = search.query_keys("１３８ ００１３ ８０００")
    assert (SearchKeyKind.PHONE, "+8613800138000") in keys
    assert (SearchKeyKind.ACCOUNT, "13800138000") in keys
    assert not any(kind == SearchKeyKind.NAME for kind, _key in keys)
    assert search.query_keys("FI-2026-12") >= {(SearchKeyKind.NUMBER, "FI-2026-000012")}
    assert (SearchKeyKind.INITIALS, "zxl") in search.query_keys("ZXL")
    assert (SearchKeyKind.DOMAIN, "example.cn") in search.query_keys("login.example.cn")
    assert (SearchKeyKind.DOMAIN, "example.cn") not in search.query_keys("example.cn/x")
    assert search.query_keys("") == set()


def test_pinyin_that_reads_two_ways_finds_the_name_stored(file_incident, actor):
    # "Junyu" splits as jun-yu or ju-nyu; the name 李俊雨 is stored under li-jun-yu.
    parties = [{"role": "victim", "name": "李俊雨", "phone": "13700137000"}]
    incident = file_incident(parties=parties, accounts=[], vehicles=[])
    assert _found(actor("monitor_bj"), "Li Junyu") == {incident.number}
    assert _found(actor("monitor_bj"), "junyu li") == {incident.number}
