"""Writes to incidents. Every one checks role and unit scope (`incidents.permissions`, and
`incidents.actions` for the incident's transitions), runs inside `atomic()`, locks the
incident row first and then its task (`locks`: so two people acting at once get one success
and one conflict), and writes its audit event in the same transaction.

The browser, the API, the admin and management commands all call these functions. One
module per aggregate:

- `filing`: `incident_file` (validation of the filed data, the incident and its parties,
  accounts and vehicles);
- `tasks`: `task_complete`, `task_mark_not_applicable`, `task_instruct`;
- `transitions`: `incident_transition` (runs the actions of `incidents.actions`) and
  reporting up when a level's reporting step is done;
- `evidence`: `evidence_attach`;
- `exports`: `incident_export_record` (an export of the list, audited);
- `search`: `search_keys_refresh` (the incident's search keys, after its facts change);
- `recovery`: `incident_record_recovery`;
- `levels`: a level's tasks when the incident enters it; `locks`: the row locks and their
  order.

Input is parsed with the shared kit (`fraudops.core.parsing`: field-named refusals, too long
refused), conflicts with `fraudops.core.concurrency`; task clocks start and stop through
direct calls to `incidents.task_clocks`.
"""

from ..actions import TRANSITIONS
from .evidence import evidence_attach
from .exports import incident_export_record
from .filing import MAX_PARTIES, incident_file
from .locks import incident_lock, scope_subtree_or_units, scope_subtree_writer, task_lock
from .recovery import incident_record_recovery
from .search import search_keys_refresh
from .tasks import task_complete, task_instruct, task_mark_not_applicable
from .transitions import incident_transition

__all__ = [
    "MAX_PARTIES",
    "TRANSITIONS",
    "evidence_attach",
    "incident_export_record",
    "incident_file",
    "incident_lock",
    "incident_record_recovery",
    "incident_transition",
    "scope_subtree_or_units",
    "scope_subtree_writer",
    "search_keys_refresh",
    "task_complete",
    "task_instruct",
    "task_lock",
    "task_mark_not_applicable",
]
