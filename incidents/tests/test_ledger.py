"""The incident's amounts as a ledger: entries, the totals and the outcome they drive, an
outcome set by hand, voiding, the amount lost; refusals change nothing; the API
(idempotency, typed input, field-named messages) and the page's ledger card."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.messages import get_messages
from django.utils import timezone, translation
from freezegun import freeze_time

from fraudops.core.actors import Actor
from fraudops.core.choices import Level
from fraudops.core.errors import Conflict, InvalidInput, NotFound, OutOfScope, PermissionRefused
from fraudops.core.models import AuditEvent, OutboxMessage
from incidents import services
from incidents.choices import Outcome
from incidents.demo import report_level
from incidents.models import Incident, LedgerEntry
from incidents.selectors import incident_timeline
from incidents.timeline import timeline_entries
from tests.scope_matrix import rows

pytestmark = pytest.mark.django_db

RECOVERY = {"kind": "recovery", "source": "returned_by_police", "amount": "50000"}


def _incident(file_incident, **extra) -> Incident:
    return file_incident(**{"amount_lost": "200000", **extra})


def _record(actor, incident, username="teller_bj_hd", **data):
    return services.ledger_entry_record(
        actor=actor(username), incident_id=incident.pk, data={**RECOVERY, **data}
    )


def _fresh(incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)


def _state(incident) -> tuple:
    """Everything a refused write must leave as it was: every row of the project (the
    incident, its entries, the outbox), and the audit trail's successful events."""
    return rows(), list(
        AuditEvent.objects.filter(outcome="ok").order_by("pk").values_list("pk", flat=True)
    )


# --- the outcome follows the figures -----------------------------------------------------------


def test_filing_with_a_loss_reads_funds_lost_and_follows_the_amounts(file_incident):
    incident = _incident(file_incident)
    assert incident.outcome == Outcome.FUNDS_LOST
    assert not incident.outcome_set_by_hand
    assert not incident.ledger_entries.exists()


def test_a_partial_recovery_reads_partly_recovered(file_incident, actor):
    incident = _incident(file_incident)
    entry, created = _record(actor, incident, reference="公安返还-1")
    incident = _fresh(incident)
    assert created and entry.amount == Decimal("50000")
    assert (incident.amount_recovered, incident.outcome) == (50000, Outcome.PARTLY_RECOVERED)
    event = AuditEvent.objects.get(action="incident.ledger_entry_added")
    assert event.before["outcome"] == Outcome.FUNDS_LOST
    assert event.after == {
        "amount_lost": "200000.00",
        "amount_recovered": "50000.00",
        "amount_prevented": "0.00",
        "outcome": Outcome.PARTLY_RECOVERED,
        "outcome_set_by_hand": False,
    }
    assert event.thread == incident.thread and event.actor_user.username == "teller_bj_hd"
    assert event.data["source"] == "returned_by_police" and event.data["reference"] == "公安返还-1"


def test_recovering_what_was_lost_reads_fully_recovered(file_incident, actor):
    incident = _incident(file_incident)
    _record(actor, incident, amount="150000")
    _record(actor, incident, amount="50,000.00", source="frozen_funds_returned")
    incident = _fresh(incident)
    assert (incident.amount_recovered, incident.outcome) == (200000, Outcome.FULLY_RECOVERED)


def test_a_prevention_with_nothing_lost_reads_prevented(file_incident, actor):
    incident = file_incident("impostor_customer", amount_lost="0", outcome="")
    assert incident.outcome == Outcome.NO_LOSS
    _record(actor, incident, kind="prevention", source="other", amount="8600")
    incident = _fresh(incident)
    assert (incident.amount_prevented, incident.outcome) == (8600, Outcome.PREVENTED)


def test_all_zero_reads_no_loss(file_incident):
    incident = file_incident(amount_lost="", outcome="")
    assert (incident.amount_lost, incident.outcome) == (0, Outcome.NO_LOSS)


def test_amounts_given_at_filing_open_the_ledger(file_incident):
    incident = file_incident(amount_lost="200000", amount_recovered="20000", amount_prevented="5")
    entries = {e.kind: e for e in incident.ledger_entries.all()}
    assert {k: (e.amount, e.source, e.reference) for k, e in entries.items()} == {
        "recovery": (20000, "other", "filing"),
        "prevention": (5, "other", "filing"),
    }
    assert entries["recovery"].recorded_by.username == "teller_bj_hd"
    assert (incident.amount_recovered, incident.amount_prevented) == (20000, 5)
    assert incident.outcome == Outcome.PARTLY_RECOVERED


def test_an_outcome_given_at_filing_that_the_amounts_do_not_say_is_kept_by_hand(file_incident):
    incident = file_incident("impostor_customer", amount_lost="0", outcome="prevented")
    assert incident.outcome == Outcome.PREVENTED and incident.outcome_set_by_hand
    assert incident.outcome_reason
    same = file_incident(amount_lost="100", outcome="funds_lost")
    assert same.outcome == Outcome.FUNDS_LOST and not same.outcome_set_by_hand


# --- set by hand, cleared; voiding; the amount lost -------------------------------------------


def test_an_outcome_set_by_hand_sticks_until_cleared(file_incident, actor):
    incident = _incident(file_incident)
    monitor = actor("monitor_bj")
    services.incident_outcome_set(
        actor=monitor, incident_id=incident.pk, outcome="unknown", reason="警方仍在追缴"
    )
    _record(actor, incident, amount="200000")
    incident = _fresh(incident)
    assert incident.amount_recovered == 200000
    assert (incident.outcome, incident.outcome_set_by_hand) == (Outcome.UNKNOWN, True)
    assert incident.outcome_reason == "警方仍在追缴"
    event = AuditEvent.objects.get(action="incident.outcome_set_by_hand")
    assert event.before["outcome"] == Outcome.FUNDS_LOST and event.after["outcome"] == "unknown"
    assert event.data == {"reason": "警方仍在追缴"}

    services.incident_outcome_clear(actor=monitor, incident_id=incident.pk, reason="已追回")
    incident = _fresh(incident)
    assert (incident.outcome, incident.outcome_set_by_hand) == (Outcome.FULLY_RECOVERED, False)
    assert incident.outcome_reason == ""
    with pytest.raises(Conflict):
        services.incident_outcome_clear(actor=monitor, incident_id=incident.pk)


def test_an_outcome_needs_a_reason_and_one_of_the_outcomes(file_incident, actor):
    incident = _incident(file_incident)
    before = _state(incident)
    with pytest.raises(InvalidInput) as refused:
        services.incident_outcome_set(
            actor=actor("teller_bj_hd"), incident_id=incident.pk, outcome="won", reason=" "
        )
    assert set(refused.value.fields) == {"outcome", "reason"}
    assert _state(incident) == before


def test_voiding_an_entry_recomputes_the_totals_and_the_outcome(file_incident, actor):
    incident = _incident(file_incident)
    entry, _ = _record(actor, incident, amount="200000")
    assert _fresh(incident).outcome == Outcome.FULLY_RECOVERED
    services.ledger_entry_void(
        actor=actor("manager_bj_hd"), incident_id=incident.pk, entry_id=entry.pk, reason="录错"
    )
    incident = _fresh(incident)
    assert (incident.amount_recovered, incident.outcome) == (0, Outcome.FUNDS_LOST)
    entry.refresh_from_db()
    assert entry.is_void and entry.void_reason == "录错" and entry.voided_by.username
    assert entry.amount == 200000  # never edited: kept, marked void
    event = AuditEvent.objects.get(action="incident.ledger_entry_voided")
    assert event.before["amount_recovered"] == "200000.00"
    assert event.after["amount_recovered"] == "0.00"
    # Voiding again is a conflict and changes nothing.
    before = _state(incident)
    with pytest.raises(Conflict):
        services.ledger_entry_void(
            actor=actor("teller_bj_hd"), incident_id=incident.pk, entry_id=entry.pk, reason="x"
        )
    assert _state(incident) == before
    # The voided entry's reference is free again for the corrected one.
    _record(actor, incident, amount="190000", reference=entry.reference)
    assert _fresh(incident).amount_recovered == 190000


def test_voiding_needs_a_reason_and_an_entry_of_this_incident(file_incident, actor):
    incident = _incident(file_incident)
    other = _incident(file_incident)
    entry, _ = _record(actor, other)
    before = _state(incident)
    with pytest.raises(InvalidInput) as refused:
        services.ledger_entry_void(
            actor=actor("teller_bj_hd"), incident_id=incident.pk, entry_id=entry.pk, reason=""
        )
    assert list(refused.value.fields) == ["reason"]
    with pytest.raises(NotFound):
        services.ledger_entry_void(
            actor=actor("teller_bj_hd"), incident_id=incident.pk, entry_id=entry.pk, reason="x"
        )
    assert _state(incident) == before


def test_the_amount_lost_is_corrected_with_a_reason_and_the_outcome_follows(file_incident, actor):
    incident = _incident(file_incident)
    _record(actor, incident, amount="50000")
    services.incident_amount_lost_set(
        actor=actor("teller_bj_hd"), incident_id=incident.pk, amount="５００００", reason="核实"
    )
    incident = _fresh(incident)
    assert (incident.amount_lost, incident.outcome) == (50000, Outcome.FULLY_RECOVERED)
    event = AuditEvent.objects.get(action="incident.amount_lost_changed")
    assert event.before["amount_lost"] == "200000.00" and event.after["amount_lost"] == "50000.00"
    assert event.data == {"reason": "核实"}
    # Below what was already recovered: refused, nothing changes.
    before = _state(incident)
    with pytest.raises(InvalidInput) as refused:
        services.incident_amount_lost_set(
            actor=actor("teller_bj_hd"), incident_id=incident.pk, amount="100", reason="核实"
        )
    assert list(refused.value.fields) == ["amount_lost"]
    assert _state(incident) == before


# --- once per reference; refusals change nothing ------------------------------------------------


def test_the_same_reference_from_the_same_source_is_recorded_once(file_incident, actor):
    incident = _incident(file_incident)
    first, created = _record(actor, incident, reference="PB-001")
    again, created_again = _record(actor, incident, username="monitor_bj", reference="PB-001")
    assert (created, created_again) == (True, False) and again.pk == first.pk
    assert _fresh(incident).amount_recovered == 50000
    assert AuditEvent.objects.filter(action="incident.ledger_entry_added").count() == 1
    # Another source may use the same reference; another amount under it is a conflict.
    _record(actor, incident, source="other", reference="PB-001")
    before = _state(incident)
    with pytest.raises(Conflict):
        _record(actor, incident, reference="PB-001", amount="1")
    assert _state(incident) == before


def test_the_database_allows_one_live_entry_per_reference(file_incident, actor):
    from django.db import IntegrityError, transaction

    incident = _incident(file_incident)
    entry, _ = _record(actor, incident, reference="PB-002")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            incident=incident,
            kind=entry.kind,
            source=entry.source,
            amount=1,
            occurred_at=timezone.now(),
            reference="PB-002",
        )


@pytest.mark.parametrize(
    "data, fields",
    [
        ({"amount": "-5"}, {"amount"}),
        ({"amount": "0"}, {"amount"}),
        ({"amount": "12.345"}, {"amount"}),
        ({"amount": "abc", "kind": "gift", "source": ""}, {"amount", "kind", "source"}),
        ({"occurred_at": "2099-01-01 10:00"}, {"occurred_at"}),
        ({"occurred_at": "昨天"}, {"occurred_at"}),
        ({"reference": "x" * 65}, {"reference"}),
        # More than was lost (200,000) cannot be recovered by hand.
        ({"amount": "200000.01"}, {"amount"}),
    ],
)
def test_invalid_entries_are_refused_by_field_and_change_nothing(
    file_incident, actor, data, fields
):
    incident = _incident(file_incident)
    before = _state(incident)
    with pytest.raises(InvalidInput) as refused:
        _record(actor, incident, **data)
    assert set(refused.value.fields) == fields
    assert _state(incident) == before


def test_two_recoveries_cannot_together_exceed_the_amount_lost(file_incident, actor):
    incident = _incident(file_incident)
    _record(actor, incident, amount="150000")
    with pytest.raises(InvalidInput) as refused:
        _record(actor, incident, amount="60000")
    assert "50,000.00" in str(refused.value.fields["amount"]) or "50000" in str(
        refused.value.fields["amount"]
    )


def test_the_holding_level_and_the_levels_above_keep_the_amounts(file_incident, actor):
    incident = _incident(file_incident)
    # Held at the branch: the branch, its sub-branch and head office may.
    for username in ("teller_bj_hd", "monitor_bj", "ho_monitor"):
        _record(actor, incident, username=username, amount="1")
    # Reported to the sub-branch: the branch may no longer; an auditor never may.
    report_level(incident, Level.BRANCH)
    assert _fresh(incident).level == Level.SUB_BRANCH
    before = _state(incident)
    with pytest.raises(OutOfScope):
        _record(actor, incident, amount="1")
    with pytest.raises(PermissionRefused):
        _record(actor, incident, username="auditor", amount="1")
    # Another region does not see it at all.
    with pytest.raises(NotFound):
        _record(actor, incident, username="monitor_sh", amount="1")
    assert _state(incident)[0] == before[0]
    refusals = AuditEvent.objects.filter(thread=incident.thread, outcome="refused")
    assert {event.action for event in refusals} == {"incident.ledger_record"}
    _record(actor, incident, username="security_bj", amount="1")


# --- the timeline, the data migration -------------------------------------------------------------


@pytest.mark.parametrize(
    "language, words",
    [
        ("en", ["Recorded 50,000.00 yuan recovered", "Voided the ledger entry", "by hand"]),
        ("zh-hans", ["50,000.00", "警方仍在追缴"]),
    ],
)
def test_the_timeline_tells_each_ledger_action(file_incident, actor, language, words):
    incident = _incident(file_incident)
    entry, _ = _record(actor, incident, reference="PB-9")
    services.ledger_entry_void(
        actor=actor("teller_bj_hd"), incident_id=incident.pk, entry_id=entry.pk, reason="录错"
    )
    services.incident_amount_lost_set(
        actor=actor("teller_bj_hd"), incident_id=incident.pk, amount="100000", reason="核实"
    )
    services.incident_outcome_set(
        actor=actor("teller_bj_hd"),
        incident_id=incident.pk,
        outcome="unknown",
        reason="警方仍在追缴",
    )
    with translation.override(language):
        text = " | ".join(
            entry.sentence
            + " "
            + " ".join(f"{c.label}: {c.before} → {c.after}" for c in entry.changes)
            for entry in timeline_entries(incident_timeline(incident=incident), tasks={})
        )
    for word in words:
        assert word in text, text
    assert "incident.ledger" not in text and "incident.outcome" not in text


def test_the_data_migration_turns_old_amounts_into_opening_entries(file_incident):
    module = __import__("incidents.migrations.0004_amount_ledger", fromlist=["amounts_to_ledger"])
    old = _incident(file_incident)
    Incident.objects.filter(pk=old.pk).update(
        amount_recovered=Decimal("30000"), amount_prevented=Decimal("0"), outcome="unknown"
    )
    kept = file_incident("impostor_customer", amount_lost="0")
    Incident.objects.filter(pk=kept.pk).update(
        outcome="prevented", outcome_set_by_hand=False, outcome_reason=""
    )
    module.amounts_to_ledger(django_apps, None)
    [entry] = LedgerEntry.objects.filter(incident=old)
    assert (entry.kind, entry.source, entry.reference, entry.amount) == (
        "recovery",
        "other",
        "filing",
        30000,
    )
    old, kept = _fresh(old), _fresh(kept)
    assert (old.outcome, old.outcome_set_by_hand) == (Outcome.PARTLY_RECOVERED, False)
    assert (kept.outcome, kept.outcome_set_by_hand) == ("prevented", True)
    assert not LedgerEntry.objects.filter(incident=kept).exists()


# --- the API ------------------------------------------------------------------------------------


def _url(incident, tail="ledger/") -> str:
    return f"/api/v1/incidents/{incident.number}/{tail}"


def test_api_records_reads_and_replays_an_entry_with_an_idempotency_key(file_incident, api):
    incident = _incident(file_incident)
    client = api("teller_bj_hd")
    body = {**RECOVERY, "occurred_at": "2026-11-22T14:30:00+08:00", "reference": "PB-7"}
    first = client.post(_url(incident), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    assert first.json()["amount"] == "50000.00" and first.json()["kind"] == "recovery"
    replay = client.post(_url(incident), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    # Another key, the same reference: the entry already there, 200.
    again = client.post(_url(incident), body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert LedgerEntry.objects.filter(incident=incident).count() == 1
    read = client.get(_url(incident)).json()
    assert read["amount_recovered"] == "50000.00" and read["outcome"] == "partly_recovered"
    assert read["outcome_set_by_hand"] is False and len(read["entries"]) == 1
    detail = client.get(f"/api/v1/incidents/{incident.number}/").json()
    assert detail["outcome"] == "partly_recovered" and detail["outcome_set_by_hand"] is False


def test_api_void_amount_lost_and_outcome(file_incident, api):
    incident = _incident(file_incident)
    client = api("monitor_bj")
    entry = client.post(_url(incident), RECOVERY, format="json").json()
    voided = client.post(
        _url(incident, f"ledger/{entry['id']}/void/"), {"reason": "录错"}, format="json"
    )
    assert voided.status_code == 200 and voided.json()["void"] is True
    lost = client.post(
        _url(incident, "amount-lost/"), {"amount_lost": "0", "reason": "客户未转出"}, format="json"
    )
    assert lost.status_code == 200 and lost.json()["outcome"] == "no_loss"
    hand = client.post(
        _url(incident, "outcome/"), {"outcome": "prevented", "reason": "柜面堵截"}, format="json"
    )
    assert hand.json()["outcome"] == "prevented" and hand.json()["outcome_set_by_hand"] is True
    cleared = client.post(_url(incident, "outcome/"), {"outcome": None}, format="json")
    assert cleared.json()["outcome"] == "no_loss" and not cleared.json()["outcome_set_by_hand"]
    again = client.post(_url(incident, "outcome/"), {"outcome": None}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    "language, message",
    [("en", "Enter a positive amount"), ("zh-hans", "金额")],
)
def test_api_names_the_bad_field_in_the_users_language(file_incident, api, language, message):
    incident = _incident(file_incident)
    client = api("teller_bj_hd")  # signing in touches the user's row: before the snapshot
    before = _state(incident)
    response = client.post(
        _url(incident), {**RECOVERY, "amount": "-1"}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["amount"] and message in fields["amount"][0], fields
    bad_kind = client.post(_url(incident), {**RECOVERY, "kind": "gift"}, format="json")
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()["error"]["fields"]
    assert _state(incident) == before


def test_api_clients_with_the_write_scope_record_within_their_subtree(file_incident, scoped_client):
    from fraudops.core.choices import ApiScope

    incident = _incident(file_incident)
    reader = scoped_client(scopes=(ApiScope.INCIDENTS_READ,))
    assert reader.post(_url(incident), RECOVERY, format="json").status_code == 403
    writer = scoped_client(scopes=(ApiScope.INCIDENTS_READ, ApiScope.INCIDENTS_WRITE))
    response = writer.post(_url(incident), RECOVERY, format="json")
    assert response.status_code == 201 and response.json()["recorded_by"].startswith("api:")
    elsewhere = scoped_client(unit="SB-SH", scopes=(ApiScope.INCIDENTS_WRITE,))
    assert elsewhere.post(_url(incident), RECOVERY, format="json").status_code == 404


def test_schema_types_the_ledger_input():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    props = schema["components"]["schemas"]["LedgerEntryInputRequest"]["properties"]
    assert props["amount"]["type"] == "string" and props["amount"]["format"] == "decimal"
    assert props["occurred_at"]["format"] == "date-time"
    enums = schema["components"]["schemas"]
    assert enums["LedgerEntryKindEnum"]["enum"] == ["recovery", "prevention"]
    assert "returned_by_police" in enums["LedgerEntrySourceEnum"]["enum"]
    assert "no_loss" in enums["IncidentOutcomeEnum"]["enum"]


# --- the page -------------------------------------------------------------------------------------


def test_the_page_shows_the_ledger_and_records_through_its_forms(file_incident, client, person):
    incident = _incident(file_incident)
    client.force_login(person("teller_bj_hd"))
    url = f"/incidents/{incident.number}/"
    response = client.post(
        f"{url}ledger/",
        {**RECOVERY, "amount": "200000", "reference": "PB-1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#ledger"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="ledger"' in page and "200,000.00" in page and "PB-1" in page
    assert "Fully recovered" in page and 'data-testid="ledger-add"' in page
    entry = LedgerEntry.objects.get(incident=incident)
    client.post(f"{url}ledger/{entry.pk}/void/", {"reason": "录错"})
    client.post(f"{url}outcome/", {"outcome": "unknown", "reason": "待核实"})
    incident = _fresh(incident)
    assert incident.amount_recovered == 0 and incident.outcome == "unknown"
    client.post(f"{url}outcome/", {"follow_amounts": "1"})
    assert _fresh(incident).outcome == Outcome.FUNDS_LOST


def test_a_refused_page_write_says_why_and_keeps_what_was_typed(file_incident, client, person):
    incident = _incident(file_incident)
    client.force_login(person("teller_bj_hd"))
    url = f"/incidents/{incident.number}/"
    client.get(url)  # the session exists before the snapshot
    before = _state(incident)
    response = client.post(
        f"{url}ledger/", {**RECOVERY, "amount": "abc"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error" and "Amount (CNY)" in message.message
    assert _state(incident) == before
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="abc"' in page


def test_the_auditor_sees_the_ledger_without_its_forms(file_incident, client, person):
    incident = _incident(file_incident)
    client.force_login(person("auditor"))
    page = client.get(f"/incidents/{incident.number}/").content.decode()
    assert 'data-testid="ledger"' in page and 'data-testid="ledger-add"' not in page


def test_occurred_at_defaults_to_now_and_is_read_in_the_users_zone(file_incident, actor):
    incident = _incident(file_incident)
    with freeze_time("2026-11-22 06:30:00"):
        now_entry, _ = _record(actor, incident, amount="1")
        local, _ = _record(actor, incident, amount="1", occurred_at="2026-11-22 14:00")
    assert now_entry.occurred_at == datetime.datetime(2026, 11, 22, 6, 30, tzinfo=datetime.UTC)
    assert local.occurred_at == datetime.datetime(2026, 11, 22, 6, 0, tzinfo=datetime.UTC)


def test_ledger_entry_add_runs_inside_the_callers_transaction_and_lock(file_incident):
    incident = _incident(file_incident)
    outbox = OutboxMessage.objects.count()
    with __import__("django.db", fromlist=["transaction"]).transaction.atomic():
        locked = services.incident_lock(actor=Actor.system(), pk=incident.pk, action="test")
        services.ledger_entry_add(
            actor=Actor.system(),
            incident=locked,
            kind="recovery",
            source="other",
            amount=Decimal("10"),
            occurred_at=timezone.now(),
        )
    assert OutboxMessage.objects.count() == outbox
    assert _fresh(incident).amount_recovered == 10


def test_the_page_costs_the_same_queries_with_more_entries(file_incident, actor, client, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    incident = _incident(file_incident)
    client.force_login(person("teller_bj_hd"))
    url = f"/incidents/{incident.number}/"

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _record(actor, incident, amount="1")
    one = queries()
    for username in ("monitor_bj", "ho_monitor"):
        _record(actor, incident, username=username, amount="1")
    entry, _ = _record(actor, incident, amount="1")
    services.ledger_entry_void(
        actor=actor("teller_bj_hd"), incident_id=incident.pk, entry_id=entry.pk, reason="录错"
    )
    assert queries() == one
