"""Stable names of the watch list (运营关注名单): kinds, states, key kinds, decisions, rules.

REST clients rely on these values (screening answers, the change feed, CSV files). Each
state's badge colour is declared beside its class (`fraudops.core.badges.colours`; pages write
``{% state_badge entry.status "watchlist.EntryStatus" %}``); the kinds, key kinds and match
rules are declared too, uncoloured, so pages show their labels with ``|choice_label``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fraudops.core.badges import colours


class EntryKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")
    ACCOUNT = "account", _("Bank account")
    PHONE = "phone", _("Phone number")
    WEBSITE = "website", _("Website")
    FORGED_BILL = "forged_bill", _("Forged-bill features")
    FAKE_CARD = "fake_card", _("Fake-card features")


ENTRY_KIND_COLOURS = colours(EntryKind, {})

# Entries whose `name` is an organisation's (matched without a surname).
ORGANISATION_NAME_KINDS = frozenset({EntryKind.ORGANISATION, EntryKind.FORGED_BILL})


class EntryStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("watch-list entry", "Active")
    EXPIRED = "expired", pgettext_lazy("watch-list entry", "Expired")
    REMOVED = "removed", pgettext_lazy("watch-list entry", "Removed")


# An active entry hits: red. Expired and removed ones are history: grey.
ENTRY_STATUS_COLOURS = colours(EntryStatus, {EntryStatus.ACTIVE: "danger"})


class NominationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("nomination", "Awaiting head office")
    APPROVED = "approved", pgettext_lazy("nomination", "Approved")
    REJECTED = "rejected", pgettext_lazy("nomination", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("nomination", "Withdrawn")


NOMINATION_STATUS_COLOURS = colours(
    NominationStatus, {NominationStatus.OPEN: "warning", NominationStatus.APPROVED: "ok"}
)


class DocumentType(models.TextChoices):
    """Documents other than the resident ID card (same codes as incident parties)."""

    PASSPORT = "passport", _("Passport")
    HK_MACAO_TAIWAN = "hk_macao_taiwan", _("Hong Kong, Macao or Taiwan permit")
    OTHER = "other", _("Other document")


class KeyKind(models.TextChoices):
    """Exact identifier keys: (kind, normalised value) -> entry."""

    ID_NUMBER = "id", _("Resident ID number")
    DOCUMENT = "doc", _("Other document number")
    ORG_CODE = "org", _("Unified social credit code or organisation code")
    ACCOUNT = "account", _("Account or card number")
    PHONE = "phone", _("Phone number")
    URL = "url", _("Web address")
    DOMAIN = "domain", _("Registrable domain")
    BILL = "bill", _("Bill number")


KEY_KIND_COLOURS = colours(KeyKind, {})


class NameKeyKind(models.TextChoices):
    """Name keys for candidate lookup (see watchlist/matching.py)."""

    PINYIN = "py", _("Pinyin")
    PINYIN_WILDCARD = "pw", _("Pinyin with one syllable open")
    PINYIN_FUZZY = "pf", _("Pinyin with one syllable fuzzy")
    LATIN = "lt", _("Latin letters")


class ChangeAction(models.TextChoices):
    PUBLISH = "publish", _("Published")
    UPDATE = "update", _("Updated")
    REMOVE = "remove", _("Removed")
    EXPIRE = "expire", _("Expired")


class Decision(models.TextChoices):
    HIT = "hit", pgettext_lazy("screening decision", "Hit")
    REVIEW = "review", pgettext_lazy("screening decision", "Review")
    CLEAR = "clear", pgettext_lazy("screening decision", "Clear")


DECISION_COLOURS = colours(
    Decision, {Decision.HIT: "danger", Decision.REVIEW: "warning", Decision.CLEAR: "ok"}
)

DECISION_RANK = {Decision.CLEAR: 0, Decision.REVIEW: 1, Decision.HIT: 2}


class MatchRule(models.TextChoices):
    """Why a screened value matched an entry (the `reason` of a screening hit)."""

    EXACT_ID_NUMBER = "exact_id_number", _("Exact resident ID number")
    EXACT_DOCUMENT = "exact_document", _("Exact document number")
    EXACT_ORG_CODE = "exact_org_code", _("Exact credit code or organisation code")
    EXACT_ACCOUNT = "exact_account", _("Exact account or card number")
    EXACT_PHONE = "exact_phone", _("Exact phone number")
    EXACT_URL = "exact_url", _("Exact web address")
    REGISTRABLE_DOMAIN = "registrable_domain", _("Same registrable domain")
    EXACT_BILL = "exact_bill", _("Exact bill number")
    EXACT_NAME = "exact_name", _("Same name")
    TRADITIONAL_SIMPLIFIED = "traditional_simplified", _("Same name in Traditional characters")
    HOMOPHONE_SURNAME = "homophone_surname", _("Homophone surname")
    HOMOPHONE_GIVEN_NAME = "homophone_given_name", _("Homophone given name")
    PINYIN = "pinyin", _("Same name in pinyin")
    WORD_ORDER = "word_order", _("Same name in another word order")
    TYPO = "typo", _("One character different (typing error)")


MATCH_RULE_COLOURS = colours(MatchRule, {})


EXACT_RULE_BY_KEY = {
    "id": MatchRule.EXACT_ID_NUMBER,
    "doc": MatchRule.EXACT_DOCUMENT,
    "org": MatchRule.EXACT_ORG_CODE,
    "account": MatchRule.EXACT_ACCOUNT,
    "phone": MatchRule.EXACT_PHONE,
    "url": MatchRule.EXACT_URL,
    "domain": MatchRule.REGISTRABLE_DOMAIN,
    "bill": MatchRule.EXACT_BILL,
}


class ScreeningChannel(models.TextChoices):
    API = "api", _("REST API")
    BROWSER = "browser", _("Browser")
    INCIDENT = "incident", _("Incident filing")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    VALIDATING = "validating", _("Checking rows")
    WRITING = "writing", _("Publishing entries")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Refused: errors in the file")


# Still running: blue.
IMPORT_STATUS_COLOURS = colours(
    ImportStatus,
    {
        ImportStatus.PENDING: "info",
        ImportStatus.VALIDATING: "info",
        ImportStatus.WRITING: "info",
        ImportStatus.DONE: "ok",
        ImportStatus.FAILED: "danger",
    },
)


class HitSource(models.TextChoices):
    PARTY = "party", _("Party")
    ACCOUNT = "account", _("Account")
    VEHICLE = "vehicle", _("Fraud vehicle")


class OutboxKind(models.TextChoices):
    """The outbox rows this app writes and relays (fraudops.core.outbox): work that must not
    be lost if the broker is down when the transaction commits."""

    INCIDENT_RESCREEN = "watchlist.incident_rescreen", _("Screen an incident again")
    IMPORT_RUN = "watchlist.import_run", _("Run a watch-list CSV import")
