"""Account control's records that do playbook steps (`incidents.step_records`), registered
from ControlsConfig.ready():

- ``controls.request``: a stop-payment or a reversal raised by the incident's own branch
  does the branch's step "stop payment on the fraud account (if any)" (the first one;
  its facts fill the step's evidence, so the teller does not type them twice). Other
  requests on the incident (a freeze; the sub-branch's own) are shown on the step too.
- ``controls.result``: the incident's holds and reversals and their results do the
  sub-branch's step "control the fraud payee account": it is done once every one of them
  has its result (executed, failed, rejected or withdrawn).

The request services link each record with `request_link` / `result_link` inside their
transaction, with the incident's row locked first (`controls.lock_objects`).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fraudops.core.actors import Actor
from incidents.models import Incident
from incidents.services import task_record_attach
from incidents.step_records import ALL, ANY, RecordRef, register_record_source

from .choices import CONTROL_STATE_COLOURS, UNFINISHED_STATES, ControlKind
from .models import ControlRequest
from .presentation import control_url

REQUEST = "controls.request"
RESULT = "controls.result"

# What the branch's step records for each kind that does it.
STEP_ACTIONS: dict[str, str] = {
    ControlKind.STOP_PAYMENT: "stop_payment",
    ControlKind.REVERSAL: "reversal",
}
# The kinds whose results do the sub-branch's step (a release undoes a hold instead).
RESULT_KINDS = (ControlKind.STOP_PAYMENT, ControlKind.FREEZE, ControlKind.REVERSAL)


def _label(control: ControlRequest) -> str:
    return f"{control.number} {control.get_kind_display()} {control.account_number}"


def _describe(ids: list[int], *, result: bool) -> dict[int, RecordRef]:
    refs = {}
    for control in ControlRequest.objects.filter(pk__in=ids):
        refs[control.pk] = RecordRef(
            label=_label(control),
            url=control_url(control),
            state=str(control.get_state_display()),
            tone=CONTROL_STATE_COLOURS.get(control.state, ""),
            done=control.state not in UNFINISHED_STATES if result else control.kind in STEP_ACTIONS,
        )
    return refs


def _requests_describe(ids: list[int]) -> dict[int, RecordRef]:
    return _describe(ids, result=False)


def _results_describe(ids: list[int]) -> dict[int, RecordRef]:
    return _describe(ids, result=True)


def _on_incident_page(incident: Incident) -> str:
    return f"{incident.get_absolute_url()}#account-control"


def register() -> None:
    register_record_source(
        REQUEST,
        label=_("Account control requested from this incident"),
        describe=_requests_describe,
        raise_url=_on_incident_page,
        raise_label=_("Request a stop-payment from the account-control panel"),
        rule=ANY,
    )
    register_record_source(
        RESULT,
        label=_("Account control on this incident and its results"),
        describe=_results_describe,
        raise_url=_on_incident_page,
        raise_label=_("Account control on this incident"),
        rule=ALL,
    )


def request_link(*, actor: Actor, incident: Incident, control: ControlRequest) -> None:
    """A new request on the incident's steps: the branch's stop-payment step (done when its
    own branch raised a stop-payment or a reversal) and the sub-branch's control step
    (waiting for the result). Inside the request's transaction, the incident locked."""
    if control.kind not in RESULT_KINDS:
        return
    action = STEP_ACTIONS.get(control.kind)
    done = action is not None and actor.unit is not None and actor.unit.pk == incident.unit_id
    evidence = None
    note = ""
    amount = control.amount if control.amount is not None else incident.amount_lost
    if done and amount:
        evidence = {
            "action": action,
            "account_number": control.account_number,
            "amount": f"{Decimal(amount):.2f}",
            "request_reference": control.number,
        }
        note = (
            gettext("Recorded from account control request %(number)s.")
            if control.amount is not None
            else gettext(
                "Recorded from account control request %(number)s, on the whole account: "
                "the amount shown is the incident's amount lost."
            )
        ) % {"number": control.number}
    task_record_attach(
        actor=actor,
        incident=incident,
        source=REQUEST,
        record_id=control.pk,
        label=_label(control),
        done=done,
        evidence=evidence,
        note=note,
    )
    result_link(actor=actor, incident=incident, control=control)


def result_link(*, actor: Actor, incident: Incident, control: ControlRequest) -> None:
    """The request's result (or its waiting for one) on the sub-branch's control step."""
    if control.kind not in RESULT_KINDS:
        return
    task_record_attach(
        actor=actor,
        incident=incident,
        source=RESULT,
        record_id=control.pk,
        label=_label(control),
        done=control.state not in UNFINISHED_STATES,
    )
