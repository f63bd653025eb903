"""Cross-app scenarios of the watch list and incidents: a sub-branch's nomination from an
incident, approved by head office, hits on the next screening; every party and vehicle of a
newly filed incident is screened, its hits shown on the incident and marked in the
monitor's queue."""

from __future__ import annotations

import functools

import pytest
from django.urls import reverse
from django.utils import translation

from fraudops.core.models import AuditEvent
from incidents import services as incident_services
from incidents.panels import incident_badges
from incidents.timeline import timeline_entries
from tests.incident_data import PAYEE_ACCOUNT, filing
from watchlist import services
from watchlist.incident_hooks import badges
from watchlist.models import IncidentScreeningHit, Nomination, ScreeningLog
from watchlist.tests.helpers import publish_entry


@pytest.fixture
def publish(actor):
    return functools.partial(publish_entry, actor)


def _file(actor, **overrides):
    return incident_services.incident_file(actor=actor("teller_bj_hd"), data=filing(**overrides))


def test_nomination_from_an_incident_approved_by_head_office_hits_on_the_next_screening(
    actor, core_banking
):
    incident = _file(actor)
    account = incident.accounts.get(role="payee")
    nomination = services.nomination_create_from_incident(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        source_ref=f"account:{account.pk}",
        reason="诈骗收款账户",
    )
    body = {"parties": [{"account": PAYEE_ACCOUNT}]}
    before = core_banking.post("/api/v1/screening", body, format="json").json()
    assert before["results"][0]["decision"] == "clear"
    services.nomination_approve(
        actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="同意"
    )
    after = core_banking.post("/api/v1/screening", body, format="json").json()
    assert after["results"][0]["decision"] == "hit"
    # Both the nomination and the decision are on the incident's timeline.
    actions = set(
        AuditEvent.objects.filter(thread=incident.thread).values_list("action", flat=True)
    )
    assert {"watchlist.nominated", "watchlist.nomination_approved"} <= actions


def test_new_incident_is_screened_and_hits_are_stored_and_linked(actor, publish):
    phone_entry = publish("phone", {"phone": "13900139000"})
    site_entry = publish("website", {"url": "bank-verify.example.cn"})
    name_entry = publish("person", {"name": "张秀兰"})
    incident = _file(actor)
    hits = {
        (h.entry_id, h.source, h.field, h.reason, h.decision)
        for h in IncidentScreeningHit.objects.filter(incident=incident)
    }
    payee = incident.parties.get(role="payee")
    assert (phone_entry.pk, "party", "phone", "exact_phone", "hit") in hits
    assert (site_entry.pk, "vehicle", "url", "registrable_domain", "hit") in hits
    # The victim's name was typed in Traditional characters; filing stored it Simplified.
    assert (name_entry.pk, "party", "name", "exact_name", "review") in hits
    assert IncidentScreeningHit.objects.get(entry=phone_entry).source_id == payee.pk
    log = ScreeningLog.objects.get(incident=incident)
    assert log.channel == "incident" and log.decision == "hit"
    assert AuditEvent.objects.filter(
        thread=incident.thread, action="watchlist.incident_screened"
    ).exists()


def test_incident_without_listed_values_stores_no_hits(actor):
    incident = _file(actor)
    assert not IncidentScreeningHit.objects.filter(incident=incident).exists()


def test_hits_show_on_the_incident_page_with_links_to_entries(client, person, actor, publish):
    entry = publish("phone", {"phone": "13900139000"})
    incident = _file(actor)
    client.force_login(person("monitor_bj"))
    body = client.get(reverse("incident_detail", args=[incident.number])).content.decode()
    assert 'data-testid="watchlist-hits"' in body
    assert reverse("watchlist:entry_detail", args=[entry.pk]) in body


def test_a_hit_on_an_active_entry_marks_the_incident_in_queues(
    actor, publish, django_assert_num_queries
):
    entry = publish("phone", {"phone": "13900139000"})
    hit_incident = _file(actor)
    clean_incident = _file(
        actor, parties=[{"role": "victim", "name": "赵六"}], accounts=[], vehicles=[]
    )
    ids = [hit_incident.pk, clean_incident.pk]
    # One query for the whole page (per badge source).
    monitor = actor("monitor_bj")
    with django_assert_num_queries(1):
        marked = badges(ids, monitor)
    assert list(marked) == [hit_incident.pk]
    assert marked[hit_incident.pk][0].tone == "danger"
    assert incident_badges(incident_ids=ids, actor=actor("monitor_bj"))[clean_incident.pk] == []
    # Once the entry is removed the mark goes.
    services.entry_remove(actor=actor("ho_monitor"), entry_id=entry.pk, reason="误报")
    assert badges(ids, actor("monitor_bj")) == {}


def test_monitor_queue_page_shows_the_badge(client, person, actor, publish):
    publish("phone", {"phone": "13900139000"})
    incident = _file(actor)
    client.force_login(person("teller_bj_hd"))
    body = client.get(reverse("incident_list")).content.decode()
    assert incident.number in body
    assert "badge danger" in body


def test_nominations_of_an_incident_appear_on_its_panel(client, person, actor):
    incident = _file(actor)
    payee = incident.parties.get(role="payee")
    services.nomination_create_from_incident(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        source_ref=f"party-phone:{payee.pk}",
        reason="诈骗电话",
    )
    client.force_login(person("monitor_bj"))
    body = client.get(reverse("incident_detail", args=[incident.number])).content.decode()
    nomination = Nomination.objects.get()
    assert f"N-{nomination.pk}" in body
    assert nomination.phone == "+8613900139000"


def test_watch_list_actions_read_as_sentences_on_the_incident_timeline(actor):
    incident = _file(actor)
    payee = incident.parties.get(role="payee")
    nomination = services.nomination_create_from_incident(
        actor=actor("monitor_bj"),
        incident_id=incident.pk,
        source_ref=f"party:{payee.pk}",
        reason="收款人",
    )
    services.nomination_reject(
        actor=actor("ho_monitor"), nomination_id=nomination.pk, reason="证据不足"
    )
    with translation.override("en"):
        entries = timeline_entries(AuditEvent.objects.filter(thread=incident.thread), tasks={})
    sentences = [e.sentence for e in entries]
    assert "Nominated for the watch list: 李强" in sentences
    assert "Head office rejected the watch-list nomination: 李强" in sentences
