from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from fraudops.core.badges import colours
from fraudops.core.choices import Level


class IncidentState(models.TextChoices):
    FILED = "filed", _("Filed")
    BRANCH_HANDLING = "branch_handling", _("Branch handling")
    SUB_BRANCH_HANDLING = "sub_branch_handling", _("Sub-branch handling")
    HEAD_OFFICE_HANDLING = "head_office_handling", _("Head-office handling")
    RETURNED_TO_BRANCH = "returned_to_branch", _("Returned to the branch for more information")
    RETURNED_TO_SUB_BRANCH = (
        "returned_to_sub_branch",
        _("Returned to the sub-branch for more information"),
    )
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The badge colour of each state (`{% state_badge incident.state "incidents.IncidentState" %}`).
INCIDENT_STATE_COLOURS = colours(
    IncidentState,
    {
        IncidentState.FILED: "brand",
        IncidentState.BRANCH_HANDLING: "brand",
        IncidentState.SUB_BRANCH_HANDLING: "brand",
        IncidentState.HEAD_OFFICE_HANDLING: "brand",
        IncidentState.RETURNED_TO_BRANCH: "warning",
        IncidentState.RETURNED_TO_SUB_BRANCH: "warning",
        IncidentState.CLOSED: "ok",
        IncidentState.WITHDRAWN: "",
    },
)


# Which level holds the incident in each state (None: no one, it is over).
STATE_LEVEL: dict[str, str | None] = {
    IncidentState.FILED: Level.BRANCH,
    IncidentState.BRANCH_HANDLING: Level.BRANCH,
    IncidentState.RETURNED_TO_BRANCH: Level.BRANCH,
    IncidentState.SUB_BRANCH_HANDLING: Level.SUB_BRANCH,
    IncidentState.RETURNED_TO_SUB_BRANCH: Level.SUB_BRANCH,
    IncidentState.HEAD_OFFICE_HANDLING: Level.HEAD_OFFICE,
    IncidentState.CLOSED: None,
    IncidentState.WITHDRAWN: None,
}
OPEN_STATES = [state for state, level in STATE_LEVEL.items() if level is not None]
OVER_STATES = [state for state, level in STATE_LEVEL.items() if level is None]


def states_held_at(*levels: str) -> list[str]:
    """The states in which one of `levels` holds the incident."""
    return [state for state, level in STATE_LEVEL.items() if level is not None and level in levels]


class TaskStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for instruction")
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


TASK_STATUS_COLOURS = colours(
    TaskStatus,
    {
        TaskStatus.WAITING: "info",
        TaskStatus.OPEN: "warning",
        TaskStatus.DONE: "ok",
        TaskStatus.NOT_APPLICABLE: "",
    },
)


FINISHED_TASK_STATUSES = [TaskStatus.DONE, TaskStatus.NOT_APPLICABLE]


class PartyRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    FRAUDSTER = "fraudster", _("Fraudster")
    PAYEE = "payee", _("Payee")
    IMPOSTOR = "impostor", _("Impostor")
    BILL_DRAWER = "bill_drawer", _("Bill drawer")
    INTERNAL_STAFF = "internal_staff", _("Internal staff involved")
    AGENT = "agent", _("Agent or legal representative")
    # The customer of a customer-safety event (whose card was left in the ATM): no victim.
    CUSTOMER = "customer", _("Customer (card or session owner)")
    OTHER = "other", _("Other")


class StaffRole(models.TextChoices):
    """Internal staff that the seed names as sometimes involved (SPEC §2.3c)."""

    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    WEALTH_MANAGER = "wealth_manager", _("Wealth manager")
    CROSS_SELLING = "cross_selling", _("Cross-selling staff")
    INSURANCE_AGENT = "insurance_agent", _("Insurance agent")
    OTHER = "other", _("Other staff")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO_TAIWAN = "hk_macao_taiwan", _("Hong Kong, Macao or Taiwan permit")
    USCC = "uscc", _("Unified social credit code / organisation code")
    OTHER = "other", _("Other document")


class AccountKind(models.TextChoices):
    CARD = "card", _("Bank card")
    ACCOUNT = "account", _("Account")


class AccountRole(models.TextChoices):
    VICTIM = "victim", _("Victim's account")
    PAYEE = "payee", _("Payee / fraud account")
    LINKED = "linked", _("Linked account")
    OTHER = "other", _("Other")


class VehicleKind(models.TextChoices):
    PHISHING_URL = "phishing_url", _("Phishing site")
    FRAUD_PHONE = "fraud_phone", _("Fraud phone number")
    ADVERTISEMENT = "advertisement", _("Fraud advertisement")
    FORGED_ITEM = "forged_item", _("Forged document, card or bill")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    COUNTER = "counter", _("Counter")
    ATM = "atm", _("ATM or self-service terminal")
    ONLINE_BANKING = "online_banking", _("Online banking")
    MOBILE_BANKING = "mobile_banking", _("Mobile banking")
    PHONE_BANKING = "phone_banking", _("Phone banking")
    POS = "pos", _("POS")
    OTHER = "other", _("Other")


class FraudScript(models.TextChoices):
    """The scripts the seed's cases name, plus the common ones."""

    POSING_AS_POLICE = "posing_as_police", _("Posing as police or prosecutors")
    POSING_AS_MEDICAL_INSURANCE = (
        "posing_as_medical_insurance",
        _("Posing as medical-insurance staff"),
    )
    FAKE_TAX_REFUND = "fake_tax_refund", _("Fake tax or subsidy refund")
    SAFE_ACCOUNT = "safe_account", _("'Designated safe account' transfer")
    FAKE_CREDIT_CARD = "fake_credit_card", _("Fake credit card application")
    ONLINE_SHOPPING_REFUND = "online_shopping_refund", _("Online shopping refund")
    LOAN_FEE = "loan_fee", _("Loan or credit-limit fee")
    INVESTMENT = "investment", _("Investment or gambling platform")
    IMPERSONATING_ACQUAINTANCE = (
        "impersonating_acquaintance",
        _("Impersonating a relative, friend or boss"),
    )
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    """What became of the money. It follows the amounts (`outcome_for`) unless someone sets
    it by hand with a reason; `unknown` is only ever set by hand (or kept from old data)."""

    UNKNOWN = "unknown", _("Not yet known")
    FUNDS_LOST = "funds_lost", _("Funds lost")
    PARTLY_RECOVERED = "partly_recovered", _("Partly recovered")
    FULLY_RECOVERED = "fully_recovered", _("Fully recovered")
    PREVENTED = "prevented", _("Attempt prevented")
    NO_LOSS = "no_loss", _("No loss")


OUTCOME_COLOURS = colours(
    Outcome,
    {
        Outcome.UNKNOWN: "",
        Outcome.FUNDS_LOST: "danger",
        Outcome.PARTLY_RECOVERED: "warning",
        Outcome.FULLY_RECOVERED: "ok",
        Outcome.PREVENTED: "ok",
        Outcome.NO_LOSS: "",
    },
)


def outcome_for(*, lost: Decimal, recovered: Decimal, prevented: Decimal) -> str:
    """The outcome the figures say: money lost and none back is lost; some back is partly
    recovered; as much back as was lost is fully recovered; nothing lost but an attempt
    stopped is prevented; all zero is no loss. Money back with no amount lost recorded
    (yet) counts as fully recovered: everything known to be lost came back."""
    if lost > 0:
        if recovered <= 0:
            return Outcome.FUNDS_LOST
        return Outcome.FULLY_RECOVERED if recovered >= lost else Outcome.PARTLY_RECOVERED
    if prevented > 0:
        return Outcome.PREVENTED
    if recovered > 0:
        return Outcome.FULLY_RECOVERED
    return Outcome.NO_LOSS


class LedgerKind(models.TextChoices):
    """An entry of the incident's amounts ledger: money brought back to the victim, or
    money stopped before it left."""

    RECOVERY = "recovery", _("Recovery")
    PREVENTION = "prevention", _("Prevention")


class LedgerSource(models.TextChoices):
    REVERSAL_EXECUTED = "reversal_executed", _("Reversal executed")
    FROZEN_FUNDS_RETURNED = "frozen_funds_returned", _("Frozen funds returned")
    RETURNED_BY_POLICE = "returned_by_police", _("Returned by the police")
    OTHER = "other", _("Other")


# The reference of the opening entries written from the amounts given at filing (and by
# the data migration from the amounts incidents had before the ledger).
FILING_REFERENCE = "filing"


class ClockKind(models.TextChoices):
    """Kinds of clock this app starts itself (clocks.services); other apps use their own
    dotted names (e.g. "controls.freeze_approval")."""

    TASK = "task", _("Playbook step")


class TimelinessResult(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    OVERDUE = "overdue", _("Overdue")
    PENDING = "pending", _("Not yet due")
    NO_DEADLINE = "no_deadline", _("No deadline")


TIMELINESS_RESULT_COLOURS = colours(
    TimelinessResult,
    {
        TimelinessResult.ON_TIME: "ok",
        TimelinessResult.LATE: "warning",
        TimelinessResult.OVERDUE: "danger",
        TimelinessResult.PENDING: "info",
        TimelinessResult.NO_DEADLINE: "",
    },
)


# The longest free text a step's note, a not-applicable reason, an instruction or a
# transition's reason may hold (longer is refused, never cut).
MAX_NOTE = 5000


class SearchKeyKind(models.TextChoices):
    """What a search key was made from (incidents.SearchKey): the search box classifies
    what was typed and looks up the kinds it can be."""

    NUMBER = "number", _("Incident number")
    REFERENCE = "reference", _("External reference")
    NAME = "name", _("Name")
    PINYIN = "pinyin", _("Name in pinyin")
    INITIALS = "initials", _("Pinyin initials")
    LATIN = "latin", _("Latin name")
    DOCUMENT = "document", _("Document number")
    ACCOUNT = "account", _("Account or card number")
    PHONE = "phone", _("Phone")
    URL = "url", _("Web address")
    DOMAIN = "domain", _("Domain")
