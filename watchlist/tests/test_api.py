"""The REST API core banking uses: screening (answer shape, each identifier kind, names,
scopes, the time budget, the log) and the change feed (in order, across pages)."""

import time

import pytest
from django.db import OperationalError, connection

from fraudops.core.choices import ApiScope
from watchlist import screening, services
from watchlist.models import Entry, EntryChange, ScreeningLog

ID = "110105199003071239"
USCC = "91110000600037341L"


def _screen(client, *parties):
    return client.post("/api/v1/screening", {"parties": list(parties)}, format="json")


@pytest.fixture
def listed(publish):
    """One entry of each identifier kind."""
    return {
        "person": publish("person", {"name": "李强", "id_number": ID}),
        "passport": publish(
            "person",
            {"name": "John Smith", "documents": [{"type": "passport", "number": "E12345678"}]},
        ),
        "organisation": publish("organisation", {"name": "某某贸易有限公司", "org_code": USCC}),
        "account": publish("account", {"account_number": "6217000010001234567"}),
        "phone": publish("phone", {"phone": "13900139000"}),
        "website": publish("website", {"url": "https://www.icbc-verify.com.cn/login"}),
        "bill": publish(
            "forged_bill",
            {"features": "出票行印章字体不符", "reference_number": "31300051 20241234"},
        ),
    }


@pytest.mark.parametrize(
    ("party", "key", "reason"),
    [
        ({"id_number": ID}, "person", "exact_id_number"),
        ({"id_number": "１１０１０５ １９９００３０７ １２３９"}, "person", "exact_id_number"),
        ({"id_number": "e1234-5678"}, "passport", "exact_document"),
        ({"org_code": USCC.lower()}, "organisation", "exact_org_code"),
        ({"org_code": "60003734-1"}, "organisation", "exact_org_code"),  # the code inside the USCC
        ({"account": "6217 0000-1000 1234 567"}, "account", "exact_account"),
        ({"phone": "+86 139 0013 9000"}, "phone", "exact_phone"),
        ({"phone": "0086-13900139000"}, "phone", "exact_phone"),
        ({"phone": "８６１３９００１３９０００"}, "phone", "exact_phone"),
        ({"url": "http://ICBC-verify.com.cn/login/"}, "website", "exact_url"),
        ({"url": "https://pay.icbc-verify.com.cn/other"}, "website", "registrable_domain"),
        ({"bill_number": "3130005120241234"}, "bill", "exact_bill"),
    ],
)
def test_exact_identifier_of_each_kind_is_a_hit(core_banking, listed, party, key, reason):
    response = _screen(core_banking, party)
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["decision"] == "hit"
    hit = result["hits"][0]
    assert hit["entry_id"] == listed[key].pk
    assert hit["reason"] == reason
    assert hit["score"] == 1.0
    assert hit["kind"] == listed[key].kind


def test_answer_shape_and_order_follow_the_parties(core_banking, listed):
    response = _screen(
        core_banking,
        {"name": "张三"},
        {"phone": "13900139000"},
        {"name": "Li Qiang"},
        {"name": "李强", "id_number": ID},
    )
    results = response.json()["results"]
    assert [r["decision"] for r in results] == ["clear", "hit", "review", "hit"]
    assert set(results[1]) == {"decision", "hits", "complete", "invalid_fields"}
    assert set(results[1]["hits"][0]) == {"entry_id", "kind", "field", "score", "reason"}
    assert results[2]["hits"][0] == {
        "entry_id": listed["person"].pk,
        "kind": "person",
        "field": "name",
        "score": 0.9,
        "reason": "pinyin",
    }
    # An ID hit and the name on the same party: the exact hit comes first.
    assert [h["field"] for h in results[3]["hits"]] == ["id_number", "name"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("黎强", "homophone_surname"),
        ("李蔷", "homophone_given_name"),
        ("李強", "traditional_simplified"),
        ("LIQIANG", "pinyin"),
        ("Qiang Li", "word_order"),
    ],
)
def test_chinese_name_variants_are_review(core_banking, listed, name, reason):
    result = _screen(core_banking, {"name": name}).json()["results"][0]
    assert result["decision"] == "review"
    assert result["hits"][0]["reason"] == reason
    assert result["hits"][0]["entry_id"] == listed["person"].pk


def test_name_threshold_is_head_offices(core_banking, listed, actor):
    assert _screen(core_banking, {"name": "John Smyth"}).json()["results"][0]["decision"] == (
        "review"
    )
    services.settings_update(
        actor=actor("ho_monitor"),
        name_review_threshold="0.85",
        review_period_days=365,
        nomination_decision_days=3,
    )
    result = _screen(core_banking, {"name": "John Smyth"}).json()["results"][0]
    assert result == {"decision": "clear", "hits": [], "complete": True, "invalid_fields": []}


def test_invalid_values_are_reported_and_match_nothing(core_banking, listed):
    result = _screen(core_banking, {"id_number": "110105199003071238", "phone": "12"}).json()[
        "results"
    ][0]
    assert result["decision"] == "clear"
    assert result["invalid_fields"] == ["phone"]  # a bad ID checksum is still a document number


def test_screening_needs_the_screening_scope(scoped_client, listed):
    refused = scoped_client(scopes=[ApiScope.WATCHLIST_READ])
    assert _screen(refused, {"phone": "13900139000"}).status_code == 403
    allowed = scoped_client(unit="BR-SH-PD", scopes=[ApiScope.SCREENING])
    assert _screen(allowed, {"phone": "13900139000"}).json()["results"][0]["decision"] == "hit"


def test_both_path_spellings_work(core_banking, listed):
    with_slash = core_banking.post(
        "/api/v1/screening/", {"parties": [{"phone": "13900139000"}]}, format="json"
    )
    assert with_slash.json()["results"][0]["decision"] == "hit"


@pytest.mark.parametrize(
    "body",
    [
        {"parties": []},
        {"parties": [{"passport": "E1"}]},
        {"parties": [{"name": "x"}] * 101},
        {"party": [{"name": "x"}]},
    ],
)
def test_malformed_requests_are_refused(core_banking, body):
    response = core_banking.post("/api/v1/screening", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_every_screening_is_logged_with_a_digest_not_the_value(core_banking, listed):
    _screen(core_banking, {"id_number": ID, "name": "李强"}, {"phone": "13700137000"})
    log = ScreeningLog.objects.get()
    assert log.client == core_banking.client_record
    assert log.channel == "api"
    assert log.decision == "hit"
    assert log.decisions == ["hit", "clear"]
    assert log.party_count == 2
    assert log.hit_entry_ids == [listed["person"].pk]
    stored = str(log.digests)
    assert ID not in stored and "李强" not in stored and "13700137000" not in stored
    assert len(log.digests[0]) == 32 and log.digests[0] != log.digests[1]
    # The same value screened again gives the same digest: an auditor can find it.
    _screen(core_banking, {"name": "李强", "id_number": ID.replace("9", "9")})
    assert ScreeningLog.objects.latest("id").digests[0] == log.digests[0]


def test_query_count_is_fixed_whatever_the_number_of_parties(
    core_banking, listed, django_assert_max_num_queries
):
    parties = [
        {"name": f"王{i}明", "phone": "13900139000", "account": "6217000010001234567"}
        for i in range(100)
    ]
    # authentication, the two lookups, the threshold, the log (+ transaction statements)
    with django_assert_max_num_queries(9):
        response = _screen(core_banking, *parties)
    assert len(response.json()["results"]) == 100


def test_out_of_time_screening_answers_review_never_clear(core_banking, listed, monkeypatch):
    monkeypatch.setattr(screening, "_exact_lookup", _raise_timeout)
    result = _screen(core_banking, {"phone": "13700137000"}).json()["results"][0]
    assert result["decision"] == "review"
    assert result["complete"] is False
    assert ScreeningLog.objects.get().complete is False


def _raise_timeout(*args, **kwargs):
    raise OperationalError("canceling statement due to statement timeout")


def test_the_database_gives_up_at_the_deadline_and_the_answer_is_review(
    core_banking, listed, monkeypatch, settings
):
    """PostgreSQL cancels the statement (statement_timeout); SQLite's progress handler
    interrupts it. Either way the caller gets `review`, quickly."""
    real = screening._exact_lookup

    def slow(*args, **kwargs):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_sleep(5)")
            else:
                cursor.execute(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                    "LIMIT 500000000) SELECT count(*) FROM c"
                )
        return real(*args, **kwargs)

    monkeypatch.setattr(screening, "_exact_lookup", slow)
    settings.WATCHLIST_SCREENING_BUDGET_MS = 100
    started = time.monotonic()
    result = _screen(core_banking, {"phone": "13900139000"}).json()["results"][0]
    assert time.monotonic() - started < 2
    assert result["decision"] == "review"
    assert result["complete"] is False


# --- the change feed ----------------------------------------------------------------------


def test_change_feed_in_order_across_pages(core_banking, publish, actor):
    entries = [publish("phone", {"phone": f"1390013900{i}"}) for i in range(5)]
    services.entry_remove(actor=actor("ho_monitor"), entry_id=entries[1].pk, reason="注销")
    seen = []
    cursor = ""
    pages = 0
    while True:
        response = core_banking.get(f"/api/v1/watchlist/changes?cursor={cursor}&limit=2")
        assert response.status_code == 200
        page = response.json()
        seen += [(c["action"], c["entry_id"]) for c in page["changes"]]
        cursor = page["next_cursor"]
        pages += 1
        if not page["has_more"]:
            break
    assert pages == 3
    assert seen == [("publish", e.pk) for e in entries] + [("remove", entries[1].pk)]
    # Nothing new: the same cursor comes back with no changes.
    again = core_banking.get(f"/api/v1/watchlist/changes?cursor={cursor}").json()
    assert again == {"changes": [], "next_cursor": cursor, "has_more": False}
    # A later change is picked up from the stored cursor.
    publish("phone", {"phone": "13600136000"})
    later = core_banking.get(f"/api/v1/watchlist/changes?cursor={cursor}").json()
    assert [c["action"] for c in later["changes"]] == ["publish"]
    change = later["changes"][0]
    assert change["entry"]["phone"] == "+8613600136000"
    assert change["entry"]["keys"] == [{"kind": "phone", "value": "+8613600136000"}]


def test_removal_in_the_feed_carries_no_keys(core_banking, publish, actor):
    entry = publish("phone", {"phone": "13900139000"})
    services.entry_remove(actor=actor("ho_monitor"), entry_id=entry.pk, reason="注销")
    changes = core_banking.get("/api/v1/watchlist/changes").json()["changes"]
    assert changes[-1]["entry"]["status"] == "removed"
    assert changes[-1]["entry"]["keys"] == []


def test_feed_positions_are_consecutive(publish):
    for i in range(3):
        publish("phone", {"phone": f"1390013900{i}"})
    assert list(EntryChange.objects.values_list("seq", flat=True)) == [1, 2, 3]


def test_change_feed_needs_watchlist_read(scoped_client):
    client = scoped_client(scopes=[ApiScope.SCREENING])
    assert client.get("/api/v1/watchlist/changes").status_code == 403


def test_bad_cursor_is_refused(core_banking):
    response = core_banking.get("/api/v1/watchlist/changes?cursor=abc")
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]


def test_entry_detail_by_primary_key(core_banking, listed):
    entry = listed["phone"]
    response = core_banking.get(f"/api/v1/watchlist/entries/{entry.pk}")
    assert response.status_code == 200
    assert response.json()["phone"] == "+8613900139000"
    assert core_banking.get("/api/v1/watchlist/entries/999999").status_code == 404


def test_entry_detail_has_the_fields_its_schema_documents(core_banking, listed, api):
    # Imported here, not at the top: importing the API layer while tests are collected loads
    # drf-spectacular before a freezegun test first loads the URLconf, and the OpenAPI
    # contract test then sees a frozen `datetime.date` it cannot map (workflows.api.views).
    from watchlist.api.serializers import EntrySerializer

    entry = listed["person"]
    detail = core_banking.get(f"/api/v1/watchlist/entries/{entry.pk}").json()
    assert set(detail) == set(EntrySerializer().fields)
    assert detail == EntrySerializer(Entry.objects.get(pk=entry.pk)).data | {
        "published_at": detail["published_at"]
    }
    assert detail["keys"] == [{"kind": "id", "value": ID}]


def test_nominations_api_is_for_staff_and_keeps_four_eyes(api, core_banking):
    body = {"kind": "phone", "data": {"phone": "13900139000"}, "reason": "诈骗电话"}
    assert (
        core_banking.post("/api/v1/watchlist/nominations/", body, format="json").status_code == 403
    )
    created = api("monitor_bj").post("/api/v1/watchlist/nominations/", body, format="json")
    assert created.status_code == 201
    nomination_id = created.json()["id"]
    decision = {"decision": "approve", "reason": "同意"}
    url = f"/api/v1/watchlist/nominations/{nomination_id}/decision/"
    assert api("monitor_bj").post(url, decision, format="json").status_code == 403
    response = api("ho_monitor").post(url, decision, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert _screen(core_banking, {"phone": "13900139000"}).json()["results"][0]["decision"] == "hit"


def test_any_one_character_typo_is_raised_only_below_the_default_threshold(
    core_banking, publish, actor
):
    entry = publish("person", {"name": "王小明"})
    assert _screen(core_banking, {"name": "王小敏"}).json()["results"][0]["hits"][0] == {
        "entry_id": entry.pk,
        "kind": "person",
        "field": "name",
        "score": 0.8,
        "reason": "typo",
    }
    assert _screen(core_banking, {"name": "王小朋"}).json()["results"][0]["decision"] == "clear"
    services.settings_update(
        actor=actor("ho_monitor"),
        name_review_threshold="0.70",
        review_period_days=365,
        nomination_decision_days=3,
    )
    result = _screen(core_banking, {"name": "王小朋"}).json()["results"][0]
    assert result["decision"] == "review"
    assert result["hits"][0]["reason"] == "typo" and result["hits"][0]["score"] == 0.7
