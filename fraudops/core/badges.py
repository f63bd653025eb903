"""State colours kept beside their choices, read by one template tag.

Each app declares, in its `choices.py` next to the `TextChoices` class, which colour (a CSS
badge class: ``ok``, ``info``, ``warning``, ``danger``, ``brand`` or ``""`` for grey) each
value shows in::

    INCIDENT_STATE_COLOURS = colours(IncidentState, {IncidentState.CLOSED: "ok", ...})

and pages write ``{% state_badge incident.state "incidents.IncidentState" %}`` (the
`chrome` tag library), which shows the value's translated label in its colour. The name
is ``<app>.<ClassName>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models

__all__ = ["Colours", "choice_label", "colour_of", "colours", "registered"]


@dataclass(frozen=True)
class Colours:
    choices: type[models.TextChoices]
    mapping: Mapping[str, str]
    default: str = ""

    def colour(self, value: object) -> str:
        return self.mapping.get(str(value), self.default)

    def label(self, value: object) -> str:
        try:
            return str(self.choices(str(value)).label)
        except ValueError:
            return str(value if value is not None else "")


_REGISTRY: dict[str, Colours] = {}


def _name(choices: type[models.TextChoices]) -> str:
    app = choices.__module__.removesuffix(".choices").rsplit(".", 1)[-1]
    return f"{app}.{choices.__name__}"


def colours(
    choices: type[models.TextChoices],
    mapping: Mapping[str, str],
    *,
    default: str = "",
    name: str | None = None,
) -> dict[str, str]:
    """Declare `choices`' colours (registered as ``<app>.<ClassName>`` or `name`) and return
    them as a plain dict. Values left out show in `default`."""
    unknown = set(mapping) - set(choices.values)
    if unknown:
        raise ValueError(f"{choices.__name__} has no values {sorted(unknown)}")
    key = name or _name(choices)
    found = _REGISTRY.get(key)
    if found is not None and found.choices is not choices:
        raise ValueError(f"Colours for {key} are already declared by another class")
    plain = {str(value): colour for value, colour in mapping.items()}
    _REGISTRY[key] = Colours(choices=choices, mapping=plain, default=default)
    return plain


def registered(name: str) -> Colours:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(
            f"No colours declared for {name!r}; declare them with "
            "fraudops.core.badges.colours() in that app's choices.py"
        ) from None


def colour_of(name: str, value: object) -> str:
    return registered(name).colour(value)


def choice_label(name: str, value: object) -> str:
    return registered(name).label(value)
