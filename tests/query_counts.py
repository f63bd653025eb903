"""The exact number of queries of every list page and list endpoint, by URL name.

`tests/test_query_counts.py` renders each one with N rows and with 2N rows (as the pinned
`user` sees them) and asserts both counts equal the pinned number: the count is exact, and
it does not grow with the rows.

What counts as a list URL (checked by `test_every_list_url_is_pinned`):
  * every named URL of the project's own apps that takes no path parameter (our
    parameter-free GET URLs are collections: queues, inboxes, lists, figures, feeds,
    exports), unless NOT_A_LIST names it with its reason (forms, POST-only writes, counts);
  * and, with parameters, every URL whose name ends in `list` or `timeline` (the list of
    one incident's events).
A new list page or list endpoint therefore fails that test until it is pinned here.

A pinned count may differ between SQLite and PostgreSQL (savepoints, ...): pin
`{"sqlite": 6, "postgresql": 7}`. When a change moves a count, the failure shows the
counts measured and the queries; re-pin only after reading why it moved.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from comments import services as comment_services
from complaints import services as complaint_services
from complaints.tests.factories import ComplaintFactory
from controls.choices import ControlKind
from controls.services import control_request_approve, immediate_stop_payment_create
from controls.tests.factories import ControlRequestFactory
from fraudops.core.actors import Actor
from fraudops.core.models import User
from fraudops.core.tests.factories import OrgUnitFactory
from incidents import services as incident_services
from incidents.models import Incident
from incidents.tests.factories import IncidentFactory
from notifications.tests.factories import NotificationFactory
from tests.incident_data import filing
from watchlist import services as watchlist_services
from watchlist.tests.factories import EntryFactory, NominationFactory

# Who reads: a demo-bank username (signed in with a session), or CORE_BANKING (the core
# banking system's API client, head office, every scope).
CORE_BANKING = "api:core-banking"

TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)

Kwargs = dict[str, Any]


@dataclass(frozen=True)
class Pin:
    """`rows(n)` adds n rows the `user` sees (through the real services) and returns the
    URL's kwargs; it is called once for N and again for N more."""

    user: str
    rows: Callable[[int, dict[str, Any]], Kwargs]
    queries: int | dict[str, int]
    params: dict[str, str] = field(default_factory=dict)


def exact(pinned: int | dict[str, int]) -> int:
    """A pinned count for this database: `exact({"sqlite": 6, "postgresql": 7})`."""
    from django.db import connection

    return pinned[connection.vendor] if isinstance(pinned, dict) else pinned


def _actor(username: str) -> Actor:
    return Actor.for_user(User.objects.select_related("unit").get(username=username))


def _incidents(n: int, state: dict[str, Any], filer: str = "teller_bj_hd") -> Kwargs:
    IncidentFactory.create_batch(n, filer=filer)
    return {}


def _complaints(n: int, state: dict[str, Any]) -> Kwargs:
    # Each linked to an incident, so the list's incident column is exercised.
    teller = _actor("teller_bj_hd")
    for complaint in ComplaintFactory.create_batch(n):
        complaint_services.complaint_incident_link(
            actor=teller, number=complaint.number, incident_number=IncidentFactory().number
        )
    return {}


def _controls(n: int, state: dict[str, Any]) -> Kwargs:
    ControlRequestFactory.create_batch(n)
    return {}


def _controls_and_reviews(n: int, state: dict[str, Any]) -> Kwargs:
    # The approvers' queue also lists the branches' immediate stop-payments to review.
    ControlRequestFactory.create_batch(n)
    teller = _actor("teller_bj_hd")
    for i in range(n):
        incident = incident_services.incident_file(
            actor=teller,
            data=filing(
                accounts=[
                    {
                        "role": "payee",
                        "number": f"621700003{len(state):04d}{i:06d}",
                        "opening_unit": "BR-BJ-HD",
                    }
                ]
            ),
        )
        immediate_stop_payment_create(
            actor=teller, incident_id=incident.pk, account_id=incident.accounts.get().pk
        )
    state[f"reviews{len(state)}"] = n
    return {}


def _assistance(n: int, state: dict[str, Any]) -> Kwargs:
    # Held in Shanghai, requested by a Beijing branch: Shanghai is asked to assist.
    ControlRequestFactory.create_batch(n, kind=ControlKind.FREEZE, opening_unit="BR-SH-PD")
    return {}


def _instructions(n: int, state: dict[str, Any]) -> Kwargs:
    monitor = _actor("monitor_bj")
    for control in ControlRequestFactory.create_batch(n):
        control_request_approve(actor=monitor, control_id=control.pk)
    return {}


def _org_units(n: int, state: dict[str, Any]) -> Kwargs:
    OrgUnitFactory.create_batch(n)
    return {}


def _playbooks(n: int, state: dict[str, Any]) -> Kwargs:
    # New incident types added by head office (the service), each with a current playbook
    # copied from telecom fraud's (steps included).
    from workflows.models import IncidentType, Playbook
    from workflows.services import incident_type_create, playbook_as_yaml

    source = playbook_as_yaml(
        Playbook.objects.get(incident_type__code="telecom_fraud", is_current=True)
    )
    start = IncidentType.objects.count()
    for i in range(start, start + n):
        incident_type_create(
            actor=_actor("ho_monitor"),
            code=f"copy_{i}",
            name_zh=f"复制{i}",
            name_en=f"Copy {i}",
            group="against_customer",
            playbook=source,
        )
    return {}


def _entries(n: int, state: dict[str, Any]) -> Kwargs:
    EntryFactory.create_batch(n)
    return {}


def _entries_due(n: int, state: dict[str, Any]) -> Kwargs:
    # Published a year ago: their review date has come.
    with freeze_time(timezone.now() - datetime.timedelta(days=400)):
        EntryFactory.create_batch(n)
    return {}


def _nominations(n: int, state: dict[str, Any]) -> Kwargs:
    NominationFactory.create_batch(n)
    return {}


def _imports(n: int, state: dict[str, Any]) -> Kwargs:
    actor = _actor("ho_monitor")
    for i in range(n):
        upload = SimpleUploadedFile(f"list-{i}.csv", b"kind,phone\nphone,13900139000\n")
        watchlist_services.import_create(actor=actor, uploaded_file=upload, reason="批量导入")
    return {}


def _notifications(n: int, state: dict[str, Any], username: str = "teller_bj_hd") -> Kwargs:
    NotificationFactory.create_batch(n, recipient=username)
    return {}


def _timeline(n: int, state: dict[str, Any]) -> Kwargs:
    # One incident; each file attached is an event on its timeline.
    if "incident" not in state:
        state["incident"] = IncidentFactory()
    incident: Incident = state["incident"]
    teller = _actor("teller_bj_hd")
    for i in range(n):
        incident_services.evidence_attach(
            actor=teller,
            incident_id=incident.pk,
            uploaded_file=SimpleUploadedFile(f"卡{i}.png", TINY_PNG),
        )
    return {"number": incident.number}


def _ledger(n: int, state: dict[str, Any]) -> Kwargs:
    # One incident; each recovery recorded is a row of its ledger.
    if "incident" not in state:
        state["incident"] = IncidentFactory(amount_lost="0")
    incident: Incident = state["incident"]
    teller = _actor("teller_bj_hd")
    start = incident.ledger_entries.count()
    for i in range(start, start + n):
        incident_services.ledger_entry_record(
            actor=teller,
            incident_id=incident.pk,
            data={"kind": "recovery", "source": "other", "amount": "10", "reference": f"R{i}"},
        )
    return {"number": incident.number}


def _comments(n: int, state: dict[str, Any]) -> Kwargs:
    # One incident; each comment has a file and mentions a colleague.
    if "incident" not in state:
        state["incident"] = IncidentFactory()
    incident: Incident = state["incident"]
    teller = _actor("teller_bj_hd")
    for i in range(n):
        comment_services.comment_add(
            actor=teller,
            subject=incident,
            body=f"@manager_bj_hd 请看第{i}条",
            files=[SimpleUploadedFile(f"卡{i}.png", TINY_PNG)],
        )
    return {"reference": incident.number}


def _complaint_comments(n: int, state: dict[str, Any]) -> Kwargs:
    # One complaint; each comment has a file and mentions a colleague.
    if "complaint" not in state:
        state["complaint"] = ComplaintFactory()
    complaint = state["complaint"]
    teller = _actor("teller_bj_hd")
    for i in range(n):
        comment_services.comment_add(
            actor=teller,
            subject=complaint,
            body=f"@manager_bj_hd 请看第{i}条",
            files=[SimpleUploadedFile(f"信{i}.png", TINY_PNG)],
        )
    return {"reference": complaint.number}


QUERY_COUNTS: dict[str, Pin] = {
    # --- pages ------------------------------------------------------------------------
    # The live pages' counts include their change marker, read first (the queries of its
    # endpoint less signing in); the marker endpoints are pinned beside them
    # (docs/live-updates.md).
    # (+1: the open complaints (home panel) and +1 for their marker rows; +1: how many
    # steps each view of the queue holds, docs/owners.md)
    "home": Pin("teller_bj_hd", _incidents, 18),
    # 3 sign-in + tasks, incidents, the home blocks' rows (complaints), audit
    "home_changes": Pin("teller_bj_hd", _incidents, 7),
    "incident_list": Pin("monitor_bj", _incidents, 11),
    "incident_export_csv": Pin("monitor_bj", _incidents, 9),
    "incident_export_xlsx": Pin("monitor_bj", _incidents, 9),
    "controls:queue": Pin("monitor_bj", _controls_and_reviews, 25),
    "controls:queue-changes": Pin(
        "monitor_bj", _controls_and_reviews, 9
    ),  # 3 sign-in + 4 lists + audit
    "complaints:list": Pin("monitor_bj", _complaints, 7),  # 3 + count, rows, links
    "notifications:inbox": Pin("teller_bj_hd", _notifications, 6),
    "watchlist:entry_list": Pin("ho_monitor", _entries, 8),
    "watchlist:review_list": Pin("ho_monitor", _entries_due, 11),
    "watchlist:review_changes": Pin("ho_monitor", _entries_due, 6),  # 3 + count, rows, audit
    "watchlist:nomination_list": Pin("ho_monitor", _nominations, 11),
    "watchlist:nomination_changes": Pin("ho_monitor", _nominations, 6),  # 3 + count, rows, audit
    "watchlist:import_list": Pin("ho_monitor", _imports, 7),
    "watchlist:export_csv": Pin("ho_monitor", _entries, 4),
    # The fraud figures' queries, and one for the customer-safety events counted apart.
    "workflows:timeliness": Pin("monitor_bj", _incidents, 8),
    "incident_type_list": Pin("ho_monitor", _playbooks, 6),
    # --- API --------------------------------------------------------------------------
    "api-incident-list": Pin("monitor_bj", _incidents, 5),
    "api-incident-timeline": Pin("teller_bj_hd", _timeline, 5),
    "api-task-list": Pin("teller_bj_hd", _incidents, 5),
    "api-incident-ledger-list": Pin("teller_bj_hd", _ledger, 5),
    # 3 sign-in + the incident, the comments with authors, their files, their mentions
    "api-incident-comment-list": Pin("teller_bj_hd", _comments, 7),
    "api-control-list": Pin("monitor_bj", _controls, 8),
    "api-assistance-list": Pin("monitor_sh", _assistance, 7),
    "api-instruction-list": Pin(CORE_BANKING, _instructions, 3, {"status": "pending"}),
    "api-control-timeliness": Pin("monitor_bj", _instructions, 4),
    "api-playbook-list": Pin("monitor_bj", _playbooks, 4),
    "api-org-unit-list": Pin("ho_monitor", _org_units, 5),
    "api-watchlist-entries": Pin(CORE_BANKING, _entries, 3),
    "api-watchlist-nominations": Pin("ho_monitor", _nominations, 5),
    "api-watchlist-changes": Pin(CORE_BANKING, _entries, 2),
    "api-complaint-list": Pin("monitor_bj", _complaints, 6),
    # 3 sign-in + the complaint, the comments with authors, their files, their mentions
    "api-complaint-comment-list": Pin("teller_bj_hd", _complaint_comments, 7),
    "api-notification-list": Pin("teller_bj_hd", _notifications, 4),
    "api-timeliness": Pin("monitor_bj", _incidents, 6),
    "api-incident-type-list": Pin("ho_monitor", _playbooks, 4),
}

# The same lists with the search box filled in: the search is exact key lookups (one more
# subquery, not one more query), whatever the rows. Every incident the factory files has the
# same victim, so the search finds every row added.
SEARCHES: dict[str, Pin] = {
    "incident_list": Pin("monitor_bj", _incidents, 11, {"q": "11010519491231002X"}),
    "incident_export_csv": Pin(
        "monitor_bj", _incidents, 9, {"q": "張秀蘭", "channel": "online_banking"}
    ),
    "api-incident-list": Pin("monitor_bj", _incidents, 5, {"q": "Zhang Xiulan"}),
}

# Named URLs without path parameters that are not lists, with the reason.
NOT_A_LIST: dict[str, str] = {
    "healthz": "a liveness probe",
    "api-schema": "the OpenAPI document",
    "api-docs": "the API's documentation page",
    "api-redoc": "the API's documentation page (ReDoc)",
    "login": "a form",
    "logout": "POST only",
    "incident_file_start": "the menu of incident types to file (reference data, a form)",
    "watchlist:nomination_new": "a form",
    "complaints:new": "a form",
    "incident_type_new": "a form (its list of templates is the incident-type list's)",
    "watchlist:screening": "a form; its POST screens one party",
    "notifications:mark-read": "POST only",
    "api-reversal-create": "POST only",
    "api-immediate-stop-create": "POST only",
    "api-notification-read": "POST only",
    "api-notification-unread-count": "one number",
    "notifications:unread-changes": "one number: the header's unread count and its marker",
    "notifications:preferences": "a form: the person's own notification settings",
    "api-notification-preferences": "one object: the caller's notification settings",
    "api-screening": "POST only: screens the parties sent",
}
