"""The one-round-trip screening path PostgreSQL takes for API requests (autocommit, no
surrounding transaction). The other tests run inside a test transaction, so they take the
portable path; these use transactional tests so the fast path itself is exercised."""

import pytest
from django.db import connection

from fraudops.core.choices import ApiScope
from watchlist import screening, services
from watchlist.models import ScreeningLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def client(scoped_client):
    return scoped_client(scopes=[ApiScope.SCREENING])


def _screen(client, *parties):
    response = client.post("/api/v1/screening", {"parties": list(parties)}, format="json")
    assert response.status_code == 200
    return response.json()["results"]


def test_fast_path_finds_identifiers_and_names_in_one_query(
    client, publish, django_assert_max_num_queries, monkeypatch
):
    person = publish("person", {"name": "李强", "id_number": "110105199003071239"})
    phone = publish("phone", {"phone": "13900139000"})
    used = []
    real = screening._lookup_one_round_trip
    monkeypatch.setattr(
        screening,
        "_lookup_one_round_trip",
        lambda *a, **k: used.append(1) or real(*a, **k),
    )
    _screen(client, {"phone": "13700137000"})  # prepares the lookup on this connection
    # authentication, the one lookup, the log
    with django_assert_max_num_queries(3):
        results = _screen(
            client,
            {"id_number": "110105199003071239"},
            {"name": "Li Qiang"},
            {"phone": "+86 139 0013 9000", "name": "张三"},
            {"account": "6217000010001234567"},
        )
    assert used == [1, 1]
    assert [r["decision"] for r in results] == ["hit", "review", "hit", "clear"]
    assert results[0]["hits"][0]["entry_id"] == person.pk
    assert results[1]["hits"][0] == {
        "entry_id": person.pk,
        "kind": "person",
        "field": "name",
        "score": 0.9,
        "reason": "pinyin",
    }
    assert results[2]["hits"][0]["entry_id"] == phone.pk
    assert ScreeningLog.objects.count() == 2


def test_fast_path_does_not_leak_its_time_limit_into_the_connection(client, publish):
    publish("phone", {"phone": "13900139000"})
    _screen(client, {"phone": "13900139000"})
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


def test_fast_path_out_of_time_answers_review(client, publish, monkeypatch, settings):
    publish("phone", {"phone": "13900139000"})
    monkeypatch.setattr(
        screening,
        "_one_round_trip_sql",
        lambda: "SELECT set_config('statement_timeout', %(timeout)s, true); SELECT pg_sleep(5)",
    )
    settings.WATCHLIST_SCREENING_BUDGET_MS = 100
    result = _screen(client, {"phone": "13900139000"})[0]
    assert result["decision"] == "review"
    assert result["complete"] is False


def test_fast_path_reads_open_syllable_keys_only_when_the_threshold_admits_them(
    client, publish, actor
):
    publish("person", {"name": "王小明"})
    assert _screen(client, {"name": "王小敏"})[0]["decision"] == "review"
    assert _screen(client, {"name": "王小朋"})[0]["decision"] == "clear"
    services.settings_update(
        actor=actor("ho_monitor"),
        name_review_threshold="0.70",
        review_period_days=365,
        nomination_decision_days=3,
    )
    assert _screen(client, {"name": "王小朋"})[0]["decision"] == "review"


def test_fast_path_prepares_again_when_the_session_lost_its_statement(client, publish):
    publish("phone", {"phone": "13900139000"})
    assert _screen(client, {"phone": "13900139000"})[0]["decision"] == "hit"
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a pooling proxy's DISCARD ALL does
    assert _screen(client, {"phone": "13900139000"})[0]["decision"] == "hit"


def test_fast_path_without_prepared_statements(client, publish, settings):
    settings.WATCHLIST_SCREENING_PREPARED = False
    publish("phone", {"phone": "13900139000"})
    assert _screen(client, {"phone": "13900139000"})[0]["decision"] == "hit"
