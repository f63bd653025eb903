"""Writes to incidents. Every one checks role and unit scope (`incidents.permissions`, and
`incidents.actions` for the incident's transitions), runs inside `atomic()`, locks the
incident row first and then its task (`locks`: so two people acting at once get one success
and one conflict), and writes its audit event in the same transaction.

The browser, the API, the admin and management commands all call these functions. One
module per aggregate:

- `filing`: `incident_file` (validation of the filed data, the incident and its parties,
  accounts and vehicles);
- `tasks`: `task_complete`, `task_mark_not_applicable`, `task_instruct`;
- `owners`: named owners: `task_claim`, `task_assign`, `task_unassign` (docs/owners.md);
- `transitions`: `incident_transition` (runs the actions of `incidents.actions`) and
  reporting up when a level's reporting step is done;
- `facts`: the facts after filing: `incident_facts_update` (occurred-at, channel, fraud
  script, serious, summary amendments) and `party_/account_/vehicle_` `add`, `correct`,
  `remove` (with `expected_revision`, the incident's optimistic-concurrency counter);
- `evidence`: `evidence_attach`, `evidence_stage` (files reach storage before the lock;
  `task_complete` takes a step's files by field), the orphan sweep;
- `ledger`: the amounts as a ledger: `ledger_entry_add` (inside a caller's transaction:
  an executed reversal, filing), `ledger_entry_record`, `ledger_entry_void`,
  `incident_amount_lost_set`, `incident_outcome_set`, `incident_outcome_clear`;
- `steps`: steps done by their records (`task_record_attach`, called by the apps that own
  the records), steps the incident's facts make not applicable
  (`task_applicability_refresh`), and reopening a step (`task_reopen`);
- `exports`: `incident_export_record` (an export of the list, audited);
- `search`: `search_keys_refresh` (the incident's search keys, after its facts change);
- `levels`: a level's tasks when the incident enters it; `locks`: the row locks and their
  order.

Input is parsed with the shared kit (`fraudops.core.parsing`: field-named refusals, too long
refused), conflicts with `fraudops.core.concurrency`; task clocks start and stop through
direct calls to `incidents.task_clocks`.
"""

from ..actions import TRANSITIONS
from .evidence import StagedFile, evidence_attach, evidence_orphans_sweep, evidence_stage
from .exports import incident_export_record
from .facts import (
    account_add,
    account_correct,
    account_remove,
    incident_facts_update,
    party_add,
    party_correct,
    party_remove,
    vehicle_add,
    vehicle_correct,
    vehicle_remove,
)
from .filing import MAX_PARTIES, incident_file
from .ledger import (
    incident_amount_lost_set,
    incident_outcome_clear,
    incident_outcome_set,
    ledger_entry_add,
    ledger_entry_record,
    ledger_entry_void,
)
from .locks import incident_lock, scope_subtree_or_units, scope_subtree_writer, task_lock
from .owners import task_assign, task_claim, task_unassign
from .search import search_keys_refresh
from .steps import task_applicability_refresh, task_record_attach, task_reopen
from .tasks import task_complete, task_instruct, task_mark_not_applicable
from .transitions import incident_transition

__all__ = [
    "MAX_PARTIES",
    "TRANSITIONS",
    "StagedFile",
    "account_add",
    "account_correct",
    "account_remove",
    "evidence_attach",
    "evidence_orphans_sweep",
    "evidence_stage",
    "incident_amount_lost_set",
    "incident_export_record",
    "incident_facts_update",
    "incident_file",
    "incident_lock",
    "incident_outcome_clear",
    "incident_outcome_set",
    "incident_transition",
    "ledger_entry_add",
    "ledger_entry_record",
    "ledger_entry_void",
    "party_add",
    "party_correct",
    "party_remove",
    "scope_subtree_or_units",
    "scope_subtree_writer",
    "search_keys_refresh",
    "task_applicability_refresh",
    "task_assign",
    "task_claim",
    "task_complete",
    "task_instruct",
    "task_lock",
    "task_mark_not_applicable",
    "task_record_attach",
    "task_reopen",
    "task_unassign",
    "vehicle_add",
    "vehicle_correct",
    "vehicle_remove",
]
