"""Head office's settings of the watch list: the name-review threshold and the periods.

Locks: the settings row only (order in `locks.py`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.errors import InvalidInput
from fraudops.core.services import refusals_audited

from .. import permissions
from ..models import WatchlistSettings
from .locks import settings_for_update

THRESHOLD_MIN = Decimal("0.50")
THRESHOLD_MAX = Decimal("1.00")


def _threshold(value: Any, *, field: str = "name_review_threshold") -> Decimal:
    """Head office's name-review threshold: a number from 0.50 to 1.00, two decimals."""
    try:
        threshold = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        threshold = None
    if (
        threshold is None
        or not threshold.is_finite()
        or not THRESHOLD_MIN <= threshold <= THRESHOLD_MAX
    ):
        raise InvalidInput(fields={field: [_("Enter a number from 0.50 to 1.00.")]})
    return threshold


@refusals_audited
def settings_update(
    *,
    actor: Actor,
    name_review_threshold: Decimal | float | str,
    review_period_days: int,
    nomination_decision_days: int,
) -> WatchlistSettings:
    """Head office (or an administrator) changes the screening threshold and periods."""
    permissions.check_may_change_settings(actor)
    threshold = _threshold(name_review_threshold)
    if int(review_period_days) < 1 or int(nomination_decision_days) < 1:
        raise InvalidInput(fields={"review_period_days": [_("Enter at least one day.")]})
    with transaction.atomic():
        row = settings_for_update()
        before = {
            "name_review_threshold": row.name_review_threshold,
            "review_period_days": row.review_period_days,
            "nomination_decision_days": row.nomination_decision_days,
        }
        row.name_review_threshold = threshold
        row.review_period_days = int(review_period_days)
        row.nomination_decision_days = int(nomination_decision_days)
        row.updated_by = actor.user
        row.save()
        audit_record(
            actor=actor,
            action="watchlist.settings_updated",
            thread="watchlist:settings",
            before=before,
            after={
                "name_review_threshold": row.name_review_threshold,
                "review_period_days": row.review_period_days,
                "nomination_decision_days": row.nomination_decision_days,
            },
        )
    return row
