"""The incident pages: who sees them, and a number of queries that does not grow with rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fraudops.core.choices import Level
from incidents import services
from incidents.demo import report_level
from incidents.models import Incident

from .incident_data import filing


def _file(actor, count, username="teller_bj_hd"):
    return [services.incident_file(actor=actor(username), data=filing()) for _ in range(count)]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_anonymous_visitors_are_sent_to_the_login_page(client, bank):
    for url in ("/", "/incidents/", "/incidents/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_incident_list_page_query_count_does_not_grow_with_rows(client, person, actor):
    client.force_login(person("monitor_bj"))
    _file(actor, 3)
    few = _queries(client, "/incidents/")
    _file(actor, 25)
    many = _queries(client, "/incidents/")
    assert many == few


def test_incident_page_query_count_does_not_grow_with_tasks_and_events(client, person, actor):
    client.force_login(person("ho_monitor"))
    [small] = _file(actor, 1)
    early = _queries(client, f"/incidents/{small.number}/")
    [large] = _file(actor, 1)
    report_level(large, Level.BRANCH)
    report_level(large, Level.SUB_BRANCH)
    later = _queries(client, f"/incidents/{large.number}/")
    # More tasks and timeline events (two more levels) but the same fixed queries, give or
    # take the panels that only appear once a level is reached.
    assert later <= early + 4


def test_home_queue_query_count_does_not_grow_with_rows(client, person, actor):
    client.force_login(person("teller_bj_hd"))
    _file(actor, 2)
    few = _queries(client, "/")
    _file(actor, 12)
    assert _queries(client, "/") == few


@pytest.mark.parametrize(
    ("username", "status"),
    [("teller_bj_hd", 200), ("monitor_bj", 200), ("ho_monitor", 200), ("teller_sh_pd", 404)],
)
def test_incident_page_only_within_the_unit_subtree(client, person, actor, username, status):
    [incident] = _file(actor, 1)
    client.force_login(person(username))
    assert client.get(f"/incidents/{incident.number}/").status_code == status


def test_filing_form_refuses_a_bad_id_number_with_its_message_and_saves_nothing(
    client, person, bank
):
    client.force_login(person("teller_bj_hd"))
    data = {
        "occurred_at": "2026-11-22T10:00",
        "summary": "测试",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-0-role": "victim",
        "parties-0-name": "张三",
        "parties-0-id_number": "110105194912310021",
        "accounts-TOTAL_FORMS": "0",
        "accounts-INITIAL_FORMS": "0",
        "vehicles-TOTAL_FORMS": "0",
        "vehicles-INITIAL_FORMS": "0",
    }
    response = client.post("/incidents/new/telecom_fraud/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "fails its check" in response.content.decode()
    assert not Incident.objects.exists()
