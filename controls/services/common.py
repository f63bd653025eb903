"""What the account-control services share: the audit shapes of a request and the
configured minutes. (Parsing and saving come from the shared kit, `fraudops.core.parsing`
and `fraudops.core.concurrency`; locks are in `controls.lock_objects`.)"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

from ..models import ControlRequest


def minutes_setting(name: str) -> datetime.timedelta:
    """A deadline configured in minutes (CONTROLS_APPROVAL_MINUTES, …)."""
    return datetime.timedelta(minutes=int(getattr(settings, name)))


def snapshot(control: ControlRequest) -> dict[str, Any]:
    """The audit event's `before` of a request."""
    return {"state": control.state}


def audit_label(control: ControlRequest) -> dict[str, Any]:
    """What every audit event of a request names."""
    return {
        "number": control.number,
        "kind": control.kind,
        "account": control.account_number,
        "amount": control.amount,
    }
