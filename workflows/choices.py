from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentGroup(models.TextChoices):
    AGAINST_CUSTOMER = "against_customer", _("Against the customer")
    AGAINST_BANK = "against_bank", _("Against the bank")
    # Not fraud: a card left in an ATM, a card retained by a machine, a customer who walked
    # away from a logged-in terminal (seed 000, case 4). Counted apart from fraud figures and
    # never given fraud behaviour (stop-payments, screening, sharing in the region).
    CUSTOMER_SAFETY = "customer_safety", _("Customer safety")


# The groups whose incidents are frauds: the fraud figures count them, account control and
# the watch list act on them.
FRAUD_GROUPS: tuple[str, ...] = (IncidentGroup.AGAINST_CUSTOMER, IncidentGroup.AGAINST_BANK)


def is_fraud_group(group: str) -> bool:
    return group in FRAUD_GROUPS


class IncidentTypeCode(models.TextChoices):
    """The seven stable type codes (SPEC §7). More types can be added as data."""

    TELECOM_FRAUD = "telecom_fraud", _("Telecom fraud")
    PHISHING_SITE = "phishing_site", _("Phishing site")
    CARD_SKIMMING = "card_skimming", _("Card skimmed / PIN captured")
    FAKE_CREDIT_CARD = "fake_credit_card", _("Fake credit card")
    IMPOSTOR_CUSTOMER = "impostor_customer", _("Impostor customer intercepted")
    FORGED_DOCUMENTS = "forged_documents", _("Forged ID or account-opening documents intercepted")
    FORGED_BILLS = "forged_bills", _("Forged bills intercepted")


# T1–T3: the customer's money went to a fraud account. With that account at this bank,
# every minute counts: its filing is urgent and its stop-payment is the next thing to do.
MONEY_TO_A_FRAUD_ACCOUNT: frozenset[str] = frozenset(
    {IncidentTypeCode.TELECOM_FRAUD, IncidentTypeCode.PHISHING_SITE, IncidentTypeCode.CARD_SKIMMING}
)


class DeadlineFrom(models.TextChoices):
    FILED = "filed", _("From filing")
    LEVEL_ENTERED = "level_entered", _("From the level receiving the incident")
    INSTRUCTED = "instructed", _("From the instruction of the level above")


class EvidenceType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    DATETIME = "datetime", _("Date and time")
    URL = "url", _("Web address")
    BOOL = "bool", _("Yes / no")
    AMOUNT = "amount", _("Amount")
    FILE = "file", _("File")
    CHOICE = "choice", _("Choice")
    # Identifiers, validated and normalised as at filing (SPEC §6).
    RESIDENT_ID = "resident_id", _("Resident ID number")
    DOCUMENT_NUMBER = "document_number", _("Resident ID or organisation code")
    ACCOUNT = "account", _("Account number")
    CARD = "card", _("Bank card number")
    PHONE = "phone", _("Phone number")


class StepCondition(models.TextChoices):
    """A fact of the incident that a step needs (`not_applicable_unless` in the playbook):
    without it the step is marked not applicable on its own, with the reason why, and
    reopened when the fact holds again. Evaluated in `incidents.step_conditions`."""

    PAYEE_ACCOUNT_HERE = "payee_account_here", _("A payee account is held at this bank")
    SERIOUS = "serious", _("The incident is serious")
