"""Writes to the watch list, one module per aggregate. Each checks who may act
(`permissions.check_may_*`), runs inside `atomic()`, locks the rows it changes in the order
`locks.py` documents, keeps the lookup keys and the change feed in step with the entry, and
writes its audit event(s) in the same transaction (on the incident's thread too when it has
one).

- `nominations`: nominate, approve, reject, withdraw (and the decision clock);
- `entries`: correct, review, remove, expire, and what every publication shares (keys,
  change feed);
- `imports`: the bulk CSV import (upload, run, publish);
- `settings`: head office's threshold and periods;
- `locks`: every row lock, and the lock order.

The browser, the API, the admin, Celery tasks and the demo data all call these functions;
import them from here (`from watchlist import services`).
"""

from ..models import MAX_REASON
from .entries import (
    EXPIRE_BATCH,
    entries_expire_due,
    entry_feed_data,
    entry_remove,
    entry_review_confirm,
    entry_update,
    review_on_default,
)
from .imports import entries_import_publish, import_create, import_run
from .locks import FEED_SEQUENCE
from .nominations import (
    NOMINATION_CLOCK,
    nomination_approve,
    nomination_create,
    nomination_create_from_incident,
    nomination_reject,
    nomination_withdraw,
)
from .settings import settings_update

__all__ = [
    "EXPIRE_BATCH",
    "FEED_SEQUENCE",
    "MAX_REASON",
    "NOMINATION_CLOCK",
    "entries_expire_due",
    "entries_import_publish",
    "entry_feed_data",
    "entry_remove",
    "entry_review_confirm",
    "entry_update",
    "import_create",
    "import_run",
    "nomination_approve",
    "nomination_create",
    "nomination_create_from_incident",
    "nomination_reject",
    "nomination_withdraw",
    "review_on_default",
    "settings_update",
]
