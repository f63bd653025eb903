"""Live pages (docs/live-updates.md): the incident page's and the home queue's change
markers answer 304 while nothing changed and 200 with a new marker when something did, in a
fixed number of queries, scoped like the pages; a live refresh leaves the person's messages;
the incident page opens on what to do now, with other levels and finished steps folded."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fraudops.core.views import LIVE_HEADER
from incidents import services
from incidents.choices import TaskStatus

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# Sign-in (session, user, roles) + the incident in the person's subtree with its thread's
# figures, in one query.
INCIDENT_CHANGES_QUERIES = 4
# Sign-in + the queue's steps + its incidents + the home blocks' rows (open complaints) +
# their threads.
HOME_CHANGES_QUERIES = 7
POLICE = {"reported_at": "", "police_station": "海淀派出所", "loss_report": "none"}


def _police_report_done(actor, incident, username="teller_bj_hd"):
    task = incident.tasks.get(step__code="police_report")
    evidence = {**POLICE, "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    services.task_complete(actor=actor(username), task_id=task.pk, note="", evidence=evidence)
    return task


def _marker(client, url) -> str:
    response = client.get(url, **EN)
    assert response.status_code == 200
    assert response["ETag"] == f'"{response.json()["marker"]}"'
    return response.json()["marker"]


def _page_marker(client, url) -> str:
    html = client.get(url, **EN).content.decode()
    return re.search(r'data-live-marker="([^"]+)"', html).group(1)


# --- the incident page's marker ---------------------------------------------------------------


def test_incident_marker_answers_304_until_another_unit_changes_the_incident(
    client, person, actor, file_incident
):
    incident = file_incident()
    client.force_login(person("monitor_bj"))  # the sub-branch has the page open
    url = f"/incidents/{incident.number}/changes/"
    marker = _marker(client, url)
    # The page carries the same marker as the endpoint: a page just loaded is up to date.
    assert _page_marker(client, f"/incidents/{incident.number}/") == marker

    assert client.get(url, HTTP_IF_NONE_MATCH=f'"{marker}"', **EN).status_code == 304
    assert client.get(url, {"since": marker}, **EN).status_code == 304

    _police_report_done(actor, incident)  # the branch's teller records a step

    response = client.get(url, HTTP_IF_NONE_MATCH=f'"{marker}"', **EN)
    assert response.status_code == 200
    assert response.json()["marker"] != marker
    assert client.get(url, {"since": marker}, **EN).status_code == 200


def test_a_refused_attempt_moves_the_marker_as_it_shows_on_the_timeline(
    client, person, actor, file_incident
):
    incident = file_incident()
    client.force_login(person("teller_bj_hd"))
    url = f"/incidents/{incident.number}/changes/"
    marker = _marker(client, url)
    task = incident.tasks.get(step__code="police_report")
    with pytest.raises(Exception):  # noqa: B017 (any refusal: the wrong role)
        services.task_complete(actor=actor("security_bj"), task_id=task.pk, note="", evidence={})
    assert _marker(client, url) != marker


@pytest.mark.parametrize("username", ["teller_sh_pd", "monitor_sh"])
def test_incident_marker_out_of_scope_is_404_like_a_missing_incident(
    client, person, file_incident, username
):
    incident = file_incident()
    client.force_login(person(username))
    real = client.get(f"/incidents/{incident.number}/changes/", **EN)
    missing = client.get("/incidents/FI-2099-999999/changes/", **EN)
    assert (real.status_code, missing.status_code) == (404, 404)
    assert real.content == missing.content


def test_incident_marker_needs_a_signed_in_person(client, file_incident):
    incident = file_incident()
    response = client.get(f"/incidents/{incident.number}/changes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_incident_marker_costs_the_same_queries_however_long_the_timeline(
    client, person, actor, file_incident
):
    incident = file_incident()
    client.force_login(person("monitor_bj"))
    url = f"/incidents/{incident.number}/changes/"

    def ask(marker: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_IF_NONE_MATCH=f'"{marker}"', **EN)
        return response.status_code, len(queries)

    marker = _marker(client, url)
    assert ask(marker) == (304, INCIDENT_CHANGES_QUERIES)
    _police_report_done(actor, incident)
    for n in range(5):  # the timeline grows
        services.evidence_attach(
            actor=actor("teller_bj_hd"),
            incident_id=incident.pk,
            uploaded_file=SimpleUploadedFile(f"{n}.txt", b"statement"),
        )
    assert ask(marker) == (200, INCIDENT_CHANGES_QUERIES)
    assert ask(_marker(client, url)) == (304, INCIDENT_CHANGES_QUERIES)


# --- the home queue's marker ------------------------------------------------------------------


def test_home_marker_moves_when_the_queue_changes_and_only_then(
    client, person, actor, file_incident
):
    incident = file_incident()
    client.force_login(person("manager_bj_hd"))  # the branch's manager watches the queue
    marker = _marker(client, "/changes/")
    assert _page_marker(client, "/") == marker
    assert client.get("/changes/", HTTP_IF_NONE_MATCH=f'"{marker}"', **EN).status_code == 304

    # Another region's incident changes: not in this queue, the marker stays.
    elsewhere = file_incident(username="teller_sh_pd")
    _police_report_done(actor, elsewhere, username="teller_sh_pd")
    assert client.get("/changes/", HTTP_IF_NONE_MATCH=f'"{marker}"', **EN).status_code == 304

    # The teller records one of the branch's steps: it leaves the queue.
    _police_report_done(actor, incident)
    response = client.get("/changes/", HTTP_IF_NONE_MATCH=f'"{marker}"', **EN)
    assert response.status_code == 200
    assert response.json()["marker"] != marker


def test_home_marker_moves_when_a_new_incident_reaches_the_queue(client, person, file_incident):
    client.force_login(person("manager_bj_hd"))
    marker = _marker(client, "/changes/")
    file_incident()
    assert _marker(client, "/changes/") != marker


def test_home_marker_query_count_does_not_grow_with_the_queue(client, person, file_incident):
    client.force_login(person("teller_bj_hd"))
    counts = []
    for n in (1, 4):
        for _ in range(n):
            file_incident()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/changes/", **EN).status_code == 200
        counts.append(len(queries))
    assert counts == [HOME_CHANGES_QUERIES, HOME_CHANGES_QUERIES]


# --- a live refresh ---------------------------------------------------------------------------


def test_a_live_refresh_leaves_the_messages_for_the_next_real_visit(client, person, file_incident):
    incident = file_incident()
    client.force_login(person("teller_bj_hd"))
    page = f"/incidents/{incident.number}/"
    response = client.get(page, **EN)  # a request that leaves a message behind
    messages.success(response.wsgi_request, "Recorded.")
    response.wsgi_request._messages.update(response)
    client.cookies.update(response.cookies)
    live = client.get(page, **{f"HTTP_{LIVE_HEADER.upper().replace('-', '_')}": "1"}, **EN)
    assert "Recorded." in live.content.decode()
    # Revalidated every time, and (signed in: fraudops.core.sessions) never stored.
    assert {d.strip() for d in live["Cache-Control"].split(",")} == {
        "no-cache",
        "private",
        "no-store",
    }
    assert "Recorded." in client.get(page, **EN).content.decode()
    assert "Recorded." not in client.get(page, **EN).content.decode()


# --- what to do now ---------------------------------------------------------------------------


def _block(html: str) -> str:
    start = html.index('data-testid="next-actions"')
    return html[start : html.index("</section>", start)]


def test_the_page_opens_on_the_persons_most_urgent_steps_with_their_clocks(
    client, person, file_incident
):
    incident = file_incident()
    client.force_login(person("teller_bj_hd"))
    html = client.get(f"/incidents/{incident.number}/", **EN).content.decode()
    block = _block(html)
    # It comes before the case's facts and the steps themselves.
    assert html.index('data-testid="next-actions"') < html.index('id="tasks"')
    steps = re.findall(r'data-testid="next-step-([a-z_]+)"', block)
    assert 1 <= len(steps) <= 3
    open_codes = set(
        incident.tasks.filter(status=TaskStatus.OPEN, level="branch").values_list(
            "step__code", flat=True
        )
    )
    assert set(steps) <= open_codes
    assert 'class="clock' in block  # each with its countdown
    assert f'href="#task-{incident.tasks.get(step__code=steps[0]).pk}"' in block


def test_someone_who_may_work_nothing_is_told_so(client, person, file_incident):
    incident = file_incident()
    client.force_login(person("auditor"))
    block = _block(client.get(f"/incidents/{incident.number}/", **EN).content.decode())
    assert 'data-testid="nothing-to-do"' in block
    assert "next-step-" not in block


def test_other_levels_and_finished_steps_are_folded(client, person, actor, file_incident):
    incident = file_incident()
    _police_report_done(actor, incident)
    report = incident.tasks.get(step__reports_up=True, level="branch")
    services.task_complete(
        actor=actor("teller_bj_hd"),
        task_id=report.pk,
        note="",
        evidence={
            key: value for key, value in _valid_evidence(report).items() if value is not None
        },
    )
    client.force_login(person("teller_bj_hd"))
    html = client.get(f"/incidents/{incident.number}/", **EN).content.decode()
    assert re.search(r'<details class="levelblock[^"]*" data-level="branch"[^>]* open>', html)
    sub_branch = re.search(r'<details class="levelblock[^"]*" data-level="sub_branch"[^>]*>', html)
    assert sub_branch and " open" not in sub_branch.group(0)
    finished = html[html.index('data-testid="finished-branch"') :]
    assert f'id="task-{incident.tasks.get(step__code="police_report").pk}"' in finished

    client.force_login(person("monitor_bj"))  # the sub-branch's own level opens instead
    html = client.get(f"/incidents/{incident.number}/", **EN).content.decode()
    assert re.search(r'<details class="levelblock[^"]*" data-level="sub_branch"[^>]* open>', html)
    branch = re.search(r'<details class="levelblock[^"]*" data-level="branch"[^>]*>', html)
    assert " open" not in branch.group(0)


def _valid_evidence(task) -> dict:
    """Values every evidence field of `task` accepts (files left out: none are required on
    the branch's report step)."""
    values = {}
    now = timezone.localtime() - datetime.timedelta(minutes=1)
    for field in task.step.evidence_fields():
        kind = field.get("type", "text")
        if kind == "file":
            continue
        if kind == "datetime":
            values[field["name"]] = now.strftime("%Y-%m-%dT%H:%M")
        elif kind == "bool":
            values[field["name"]] = "true"
        elif kind == "choice":
            values[field["name"]] = field["choices"][0][0]
        elif kind == "amount":
            values[field["name"]] = "100.00"
        else:
            values[field["name"]] = "已电话报告分行运营监控"
    return values
