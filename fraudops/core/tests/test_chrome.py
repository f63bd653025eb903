"""The chrome tag library every page loads: durations, amounts, deadlines, state badges,
the main navigation and the pagination block."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory, override_settings
from django.utils import timezone, translation
from freezegun import freeze_time

from fraudops.core import badges, formats
from fraudops.core.nav import is_active, nav_links
from incidents.choices import IncidentState, TaskStatus
from notifications.choices import Tone


def _render(text: str, **context) -> str:
    with translation.override("en"):
        return Template("{% load chrome %}" + text).render(Context(context))


# --- durations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (4, "4 s"),
        (42.7, "42 s"),
        (75, "1 min 15 s"),
        (240, "4 min 0 s"),
        (475, "7 min 55 s"),
        (3600, "1 h 0 min"),
        (3 * 3600 + 5 * 60 + 9, "3 h 5 min"),
        (48 * 3600 - 1, "47 h 59 min"),
        (48 * 3600, "2 d 0 h"),
        (52 * 3600 + 59, "2 d 4 h"),
        (-90, "-1 min 30 s"),
    ],
)
def test_duration_shows_two_units_the_smaller_always(seconds, text):
    with translation.override("en"):
        assert formats.duration_text(seconds) == text
        assert formats.duration_text(datetime.timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(
    ("seconds", "text"), [(59, "0 min"), (15 * 60 + 59, "15 min"), (7500, "2 h 5 min")]
)
def test_duration_in_minutes_drops_seconds(seconds, text):
    with translation.override("en"):
        assert formats.duration_text(seconds, precision="minute") == text


def test_duration_filter_reads_seconds_or_minutes_and_dashes_none():
    assert _render("{{ v|duration }}", v=75) == "1 min 15 s"
    assert _render("{{ v|duration }}", v=datetime.timedelta(hours=1)) == "1 h 0 min"
    assert _render('{{ v|duration:"min" }}', v=12.5) == "12 min"
    assert _render('{{ v|duration:"min" }}', v=135) == "2 h 15 min"
    assert _render("{{ v|duration }}", v=None) == "—"
    with translation.override("zh-hans"):
        assert formats.duration_text(75) != "1 min 15 s"


def test_yuan():
    assert _render("{{ v|yuan }}", v=Decimal("50000")) == "50,000.00"
    assert _render("{{ v|yuan }}", v="1234.5") == "1,234.50"
    assert _render("{{ v|yuan }}", v=None) == ""
    assert _render("{{ v|yuan }}", v="abc") == ""


# --- deadlines -------------------------------------------------------------------------------


@freeze_time("2026-11-22 02:00:00")
def test_deadline_is_ok_then_soon_then_overdue():
    now = timezone.now()
    with translation.override("en"):
        assert formats.deadline_state(now + datetime.timedelta(minutes=15)) == (
            "ok",
            "15 min left",
        )
        assert formats.deadline_state(now + datetime.timedelta(minutes=9, seconds=59)) == (
            "soon",
            "9 min left",
        )
        assert formats.deadline_state(now - datetime.timedelta(seconds=1)) == (
            "overdue",
            "overdue by 1 min",
        )
        assert formats.deadline_state(now - datetime.timedelta(minutes=5)) == (
            "overdue",
            "overdue by 5 min",
        )


@freeze_time("2026-11-22 02:00:00")
def test_deadline_threshold_is_one_setting():
    due = timezone.now() + datetime.timedelta(minutes=7)
    assert formats.deadline_state(due)[0] == "soon"
    with override_settings(FRAUDOPS_DEADLINE_SOON_MINUTES=5):
        assert formats.deadline_state(due)[0] == "ok"


@freeze_time("2026-11-22 02:00:00")
def test_deadline_tag():
    due = timezone.now() + datetime.timedelta(minutes=3)
    html = _render("{% deadline due %}", due=due)
    assert html == '<span class="clock soon" title="due 2026-11-22 10:03">3 min left</span>'
    html = _render('{% deadline due testid="control-clock" show_time=True %}', due=due)
    assert 'data-testid="control-clock"' in html and "3 min left · 10:03" in html
    assert _render("{% deadline due running=False %}", due=due) == ""
    assert _render("{% deadline None %}") == ""


# --- state badges ----------------------------------------------------------------------------


def test_colours_are_declared_beside_their_choices():
    assert badges.colour_of("incidents.IncidentState", IncidentState.CLOSED) == "ok"
    assert badges.colour_of("incidents.IncidentState", "returned_to_branch") == "warning"
    assert badges.colour_of("incidents.IncidentState", "withdrawn") == ""
    assert badges.colour_of("incidents.IncidentState", "filed") == "brand"
    assert badges.colour_of("incidents.TaskStatus", TaskStatus.WAITING) == "info"
    assert badges.colour_of("notifications.Tone", Tone.DANGER) == "danger"


def test_state_badge_shows_the_translated_label_in_its_colour():
    html = _render(
        '{% state_badge s "incidents.IncidentState" testid="incident-state" %}', s="closed"
    )
    assert html == '<span class="badge ok" data-testid="incident-state">Closed</span>'
    assert _render('{% state_badge s "notifications.Tone" %}', s="danger") == (
        '<span class="badge danger">Urgent</span>'
    )
    assert _render('{{ s|colour:"incidents.TaskStatus" }}', s="open") == "warning"
    assert _render('{{ s|choice_label:"incidents.TaskStatus" }}', s="done") == "Done"
    assert _render('{{ s|choice_label:"incidents.TaskStatus" }}', s="gone") == "gone"


def test_undeclared_or_wrong_colours_are_refused():
    with pytest.raises(LookupError):
        badges.colour_of("nowhere.Nothing", "x")
    with pytest.raises(ValueError):
        badges.colours(IncidentState, {"no_such_state": "ok"})
    with pytest.raises(ValueError):
        badges.colours(TaskStatus, {}, name="incidents.IncidentState")


# --- navigation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "prefixes", "active"),
    [
        ("/", ["/"], True),
        ("/incidents/", ["/"], False),
        ("/incidents/FI-1/", ["/incidents/", "!/incidents/new/"], True),
        ("/incidents/new/", ["/incidents/", "!/incidents/new/"], False),
    ],
)
def test_nav_active(path, prefixes, active):
    assert is_active(path, prefixes) is active


@pytest.mark.django_db
def test_nav_links_follow_the_settings_and_who_may_see_them(person):
    factory = RequestFactory()

    def links(username, path="/"):
        request = factory.get(path)
        request.user = person(username)
        with translation.override("en"):
            return [(link.label, link.href, link.active) for link in nav_links(request)]

    teller = links("teller_bj_hd", "/incidents/new/")
    assert [label for label, _href, _active in teller] == [
        "My work",
        "Incidents",
        "File an incident",
        "Watch list",
        "Account control",
        "Complaints",
        "Timeliness",
    ]
    assert [label for label, _href, active in teller if active] == ["File an incident"]
    monitor = links("monitor_bj")
    assert "File an incident" not in [label for label, _href, _active in monitor]
    assert monitor[0] == ("My work", "/", True)


def test_nav_is_empty_for_anonymous():
    request = RequestFactory().get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert nav_links(request) == []


# --- pagination ------------------------------------------------------------------------------


def _page(number: int):
    return Paginator(list(range(95)), 30).get_page(number)


def test_pagination_block_keeps_the_filters():
    request = RequestFactory().get("/incidents/", {"state": "filed", "page": "2"})
    with translation.override("en"):
        html = Template('{% include "includes/pagination.html" with page=page %}').render(
            RequestContext(request, {"page": _page(2)})
        )
    assert 'href="?state=filed&amp;page=1"' in html and "← Previous" in html
    assert 'href="?state=filed&amp;page=3"' in html and "Next →" in html
    assert "Page 2 of 4" in html


def test_pagination_block_labels_and_single_page():
    request = RequestFactory().get("/notifications/", {"unread": "1"})
    with translation.override("en"):
        html = Template(
            '{% include "includes/pagination.html" with page=page previous_text="Newer" '
            'next_text="Older" %}'
        ).render(RequestContext(request, {"page": _page(2)}))
        single = Template('{% include "includes/pagination.html" with page=page %}').render(
            RequestContext(request, {"page": Paginator([1], 30).get_page(1)})
        )
    assert ">Newer</a>" in html and ">Older</a>" in html and "Previous" not in html
    assert 'href="?unread=1&amp;page=3"' in html
    assert single.strip() == ""


def test_roles_read_in_role_order_joined_in_the_language():
    codes = ["sub_branch_security", "unknown_role", "sub_branch_monitor"]
    with translation.override("en"):
        assert formats.roles_text(codes) == (
            "Sub-branch operations monitor, Sub-branch security officer, unknown_role"
        )
    with translation.override("zh-hans"):
        text = formats.roles_text(codes)
    assert text.count("、") == 2 and text.endswith("unknown_role")
    assert formats.roles_text(None) == ""
    rendered = Template("{% load chrome %}{{ roles|role_labels }}").render(
        Context({"roles": ["teller", "branch_manager"]})
    )
    assert rendered == formats.roles_text(["teller", "branch_manager"])
