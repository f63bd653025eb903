"""Timeliness figures: per incident (filing → each step, on time or not) and per unit and
period (the share of steps done on time), in the API, on the incident page and on their own
page; the overdue / escalated badge in lists."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from clocks.sweep import clocks_sweep
from incidents.choices import TaskStatus
from incidents.demo import report_level, work_task
from tests.query_counts import exact

pytestmark = pytest.mark.django_db

FILED = datetime.datetime(2026, 11, 22, 5, 50, tzinfo=datetime.UTC)


@pytest.fixture
def worked(file_incident, settings):
    """A telecom fraud at BR-BJ-HD: one step done on time, one late, the rest left open;
    reported to the sub-branch after 12 minutes; looked at 40 minutes after filing."""
    settings.CLOCK_GRACE_MINUTES = 10
    with freeze_time(FILED) as frozen:
        incident = file_incident()
        timed = list(
            incident.tasks.filter(status=TaskStatus.OPEN, due_at__isnull=False)
            .exclude(step__reports_up=True)
            .order_by("order")
        )
        on_time, late = timed[0], timed[1]
        frozen.move_to(FILED + datetime.timedelta(minutes=5))
        work_task(on_time)
        frozen.move_to(FILED + datetime.timedelta(minutes=12))
        report_level(incident, "branch")
        frozen.move_to(late.due_at + datetime.timedelta(minutes=3))
        work_task(late)
        frozen.move_to(FILED + datetime.timedelta(minutes=40))
        clocks_sweep()
        yield {"incident": incident, "on_time": on_time, "late": late, "frozen": frozen}


def test_incident_timeliness_api_shows_each_step_from_filing_and_whether_on_time(worked, api):
    incident = worked["incident"]
    response = api("monitor_bj").get(f"/api/v1/incidents/{incident.number}/timeliness/")
    assert response.status_code == 200
    data = response.json()
    steps = {row["task_id"]: row for row in data["steps"]}
    assert steps[worked["on_time"].pk]["result"] == "on_time"
    assert steps[worked["on_time"].pk]["minutes_from_filing"] == 5.0
    late = steps[worked["late"].pk]
    assert late["result"] == "late"
    assert late["minutes_from_filing"] == pytest.approx(
        (worked["late"].due_at - FILED).total_seconds() / 60 + 3
    )
    milestones = {m["code"]: m for m in data["milestones"]}
    assert milestones["reported_to_sub_branch"]["minutes_from_filing"] == 12.0
    assert milestones["reported_to_head_office"]["at"] is None
    assert data["on_time"] >= 2  # the first step and the report to the sub-branch
    assert data["late"] == 1
    assert data["overdue"] >= 1
    assert data["on_time_share"] == pytest.approx(
        data["on_time"] / (data["on_time"] + data["late"] + data["overdue"]), abs=1e-4
    )
    assert {e["stage"] for e in data["escalations"]} >= {"overdue", "level_above"}
    assert all(e["unit"] in ("BR-BJ-HD", "SB-BJ", "HO") for e in data["escalations"])


def test_incident_timeliness_is_scoped_like_the_incident(worked, api, scoped_client):
    number = worked["incident"].number
    assert api("teller_sh_pd").get(f"/api/v1/incidents/{number}/timeliness/").status_code == 404
    no_scope = scoped_client(scopes=["playbooks:read"])
    assert no_scope.get(f"/api/v1/incidents/{number}/timeliness/").status_code == 403


def test_unit_figures_give_the_share_on_time_per_unit_and_step(worked, api):
    response = api("monitor_bj").get(
        "/api/v1/timeliness/", {"unit": "SB-BJ", "from": "2026-11-22", "to": "2026-11-22"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["unit"] == "SB-BJ" and data["from"] == "2026-11-22"
    branch = next(row for row in data["by_unit"] if row["unit"] == "BR-BJ-HD")
    assert branch["late"] == 1
    assert branch["on_time"] >= 2
    assert branch["judged"] == branch["on_time"] + branch["late"] + branch["overdue"]
    total = data["total"]
    assert total["on_time"] == sum(row["on_time"] for row in data["by_unit"])
    assert sum(row["judged"] for row in data["by_step"]) == total["judged"]
    # Another day: nothing fell due.
    empty = api("monitor_bj").get("/api/v1/timeliness/", {"from": "2026-10-01", "to": "2026-10-02"})
    assert empty.json()["total"]["judged"] == 0


def test_unit_figures_refuse_units_outside_ones_subtree_and_bad_dates(worked, api):
    teller = api("teller_bj_hd")
    response = teller.get("/api/v1/timeliness/", {"unit": "SB-BJ"})
    assert response.status_code == 403
    response = teller.get("/api/v1/timeliness/", {"from": "22/11/2026"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "from" in response.json()["error"]["fields"]
    response = teller.get("/api/v1/timeliness/", {"from": "2026-11-23", "to": "2026-11-22"})
    assert response.status_code == 400
    assert teller.get("/api/v1/timeliness/", {"unit": "NOPE"}).status_code == 400


def test_unit_figures_cost_a_fixed_number_of_queries(worked, api, django_assert_num_queries):
    client = api("ho_monitor")
    # One more than the fraud figures: the customer-safety events' steps, counted apart.
    with django_assert_num_queries(exact(7)):
        assert client.get("/api/v1/timeliness/", {"unit": "HO"}).status_code == 200


def test_incident_page_shows_the_timeliness_panel_and_escalations_on_the_timeline(
    worked, client, person
):
    client.force_login(person("monitor_bj"))
    with freeze_time(FILED + datetime.timedelta(minutes=40)):
        page = client.get(reverse("incident_detail", args=[worked["incident"].number]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="timeliness-panel"' in html
    assert 'data-testid="escalations"' in html
    assert "已超时" in html or "Overdue" in html  # the timeline's escalation sentence


def test_incident_list_marks_overdue_and_escalated_incidents(worked, client, person):
    client.force_login(person("ho_monitor"))
    with freeze_time(FILED + datetime.timedelta(minutes=40)):
        html = client.get(reverse("incident_list")).content.decode()
    assert 'class="badge danger">已升级' in html or 'class="badge danger">Escalated' in html


def test_timeliness_page_renders_unit_figures(worked, client, person):
    client.force_login(person("monitor_bj"))
    page = client.get(
        reverse("workflows:timeliness"), {"unit": "SB-BJ", "from": "2026-11-22", "to": "2026-11-22"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="timeliness-units"' in html
    assert "BR-BJ-HD" in html
    refused = client.get(reverse("workflows:timeliness"), {"unit": "HO"})
    assert refused.status_code == 200
    assert 'data-testid="timeliness-units"' not in refused.content.decode()


def test_the_panel_renders_steps_results_and_escalations_in_the_readers_language(worked, actor):
    from django.template.loader import render_to_string
    from django.utils import translation

    from incidents.clock_panels import timeliness_panel_context
    from incidents.selectors import incident_get

    reader = actor("monitor_bj")
    incident = incident_get(actor=reader, number=worked["incident"].number)
    with freeze_time(FILED + datetime.timedelta(minutes=40)), translation.override("en"):
        html = render_to_string(
            "incidents/_timeliness_panel.html",
            {"incident": incident, **timeliness_panel_context(incident, reader)},
        )
    assert "Timeliness" in html
    assert "On time" in html and "Late" in html and "Overdue" in html
    assert "12 min after filing" in html
    assert 'data-testid="escalations"' in html
