"""Sources, states and outcomes of complaints and petitions (投诉 / 信访)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fraudops.core.badges import colours


class ComplaintSource(models.TextChoices):
    """Where a complaint came from (seed case 5: a petition transferred by the city
    petitions office, 市信访局转办)."""

    PETITIONS_OFFICE = "petitions_office", _("Transferred by the petitions office")
    REGULATOR_HOTLINE = "regulator_hotline", _("Regulator hotline (e.g. 12378)")
    COUNTER = "counter", _("At the counter")
    PHONE = "phone", _("By phone")
    LETTER = "letter", _("By letter")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("Received")
    INVESTIGATING = "investigating", _("Investigating")
    REPLY_DRAFTED = "reply_drafted", _("Reply drafted")
    REPLY_SIGNED_OFF = "reply_signed_off", _("Reply signed off")
    SENT = "sent", _("Reply sent")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The reply is still owed: its clock runs.
REPLY_OWED_STATES = [
    ComplaintState.RECEIVED,
    ComplaintState.INVESTIGATING,
    ComplaintState.REPLY_DRAFTED,
    ComplaintState.REPLY_SIGNED_OFF,
]
# Still being worked (shown in queues): the reply is owed, or sent and the outcome not set.
OPEN_STATES = [*REPLY_OWED_STATES, ComplaintState.SENT]
FINISHED_STATES = [ComplaintState.CLOSED, ComplaintState.WITHDRAWN]

COMPLAINT_STATE_COLOURS = colours(
    ComplaintState,
    {
        ComplaintState.RECEIVED: "warning",
        ComplaintState.INVESTIGATING: "info",
        ComplaintState.REPLY_DRAFTED: "info",
        ComplaintState.REPLY_SIGNED_OFF: "brand",
        ComplaintState.SENT: "brand",
        ComplaintState.CLOSED: "ok",
        ComplaintState.WITHDRAWN: "",
    },
)


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")
    WITHDRAWN = "withdrawn", _("Withdrawn by the complainant")


# What closing may record (withdrawn is set by withdrawing).
CLOSING_OUTCOMES = [
    ComplaintOutcome.UPHELD,
    ComplaintOutcome.PARTLY_UPHELD,
    ComplaintOutcome.NOT_UPHELD,
]

COMPLAINT_OUTCOME_COLOURS = colours(
    ComplaintOutcome,
    {
        ComplaintOutcome.UPHELD: "danger",
        ComplaintOutcome.PARTLY_UPHELD: "warning",
        ComplaintOutcome.NOT_UPHELD: "ok",
        ComplaintOutcome.WITHDRAWN: "",
    },
)


class ReplyChannel(models.TextChoices):
    """How the signed-off reply reached the complainant (or the office that transferred it)."""

    VIA_PETITIONS_OFFICE = "via_petitions_office", _("Through the petitions office")
    VIA_REGULATOR = "via_regulator", _("Through the regulator")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")


class ReviewConclusion(models.TextChoices):
    """The level above's compliance review (合规检查) of how the outlet handled the business
    complained of (seed case 5: how the teller explained the designated-account rules)."""

    FOLLOWED = "followed", _("Procedure followed")
    PARTLY_FOLLOWED = "partly_followed", _("Procedure partly followed")
    NOT_FOLLOWED = "not_followed", _("Procedure not followed")


REVIEW_CONCLUSION_COLOURS = colours(
    ReviewConclusion,
    {
        ReviewConclusion.FOLLOWED: "ok",
        ReviewConclusion.PARTLY_FOLLOWED: "warning",
        ReviewConclusion.NOT_FOLLOWED: "danger",
    },
)


class ClockKind(models.TextChoices):
    REPLY = "complaints.reply", _("Reply to a complaint")


# The audit thread of the reply-deadline configuration (head office's edits).
REPLY_DEADLINES_THREAD = "complaints:reply-deadlines"
