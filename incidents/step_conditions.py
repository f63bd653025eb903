"""The facts of an incident that playbook steps may need (`not_applicable_unless`), and the
reason recorded when a step is marked not applicable because the fact does not hold.

One evaluator per `workflows.choices.StepCondition`; each reads what the incident's own
records say (its accounts, its seriousness), never a form.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workflows.choices import StepCondition

from .choices import AccountRole
from .models import Incident


def _payee_account_here(incident: Incident) -> bool:
    return incident.accounts.filter(role=AccountRole.PAYEE, at_this_bank=True).exists()


def _serious(incident: Incident) -> bool:
    return incident.serious


CONDITIONS: dict[str, Callable[[Incident], bool]] = {
    StepCondition.PAYEE_ACCOUNT_HERE: _payee_account_here,
    StepCondition.SERIOUS: _serious,
}

# Why a step does not apply when its fact does not hold (stored in both languages: the
# Chinese text is the task's recorded reason, the page shows the reader's language).
REASONS: dict[str, Promise] = {
    StepCondition.PAYEE_ACCOUNT_HERE: _("No payee account of this incident is held at this bank."),
    StepCondition.SERIOUS: _("The incident is not marked serious."),
}


def condition_holds(condition: str, incident: Incident, cache: dict[str, bool]) -> bool:
    """Whether `condition` holds for `incident` (each condition evaluated once per call
    site through `cache`)."""
    if condition not in cache:
        cache[condition] = CONDITIONS[condition](incident)
    return cache[condition]
