"""Writes to incident types and playbooks: loading the files, versioning, head office's edits.

Every write is audited in its own transaction. A playbook version that incidents use is
frozen (PlaybookStep.save/delete refuse too); change it by copying it as a new version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fraudops.core.actors import Actor
from fraudops.core.audit import audit_record
from fraudops.core.choices import LEVEL_ORDER, Level
from fraudops.core.errors import InvalidInput
from fraudops.core.services import refusals_audited

from .errors import PlaybookInUse
from .models import IncidentType, Playbook, PlaybookStep
from .permissions import check_may_configure_types
from .playbook_files import PLAYBOOK_DIR, playbook_files_read, playbook_yaml_parse
from .playbook_schema import (
    OPTIONAL_STEP_KEYS,
    STEP_KEYS,
    TYPE_KEYS,
    Problem,
    incident_type_problems,
    playbook_last_level,
    step_problems,
)

# What the loader sets on an incident type from its file.
TYPE_FIELDS: tuple[str, ...] = (
    "group",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "ordering",
)
# What head office may edit on a step: its keys and its place within the level.
STEP_EDITABLE: tuple[str, ...] = ("order", *STEP_KEYS)
# What an edit of an incident type records.
TYPE_AUDITED: tuple[str, ...] = ("code", *TYPE_FIELDS, "is_active")


@dataclass
class PlaybooksLoaded:
    """What one `playbooks_load` did, by type code."""

    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    types_updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.new_versions or self.types_updated)


def _step_rows(spec_steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The PlaybookStep rows of a file's steps: `order` is the position within the level."""
    orders: dict[str, int] = {}
    rows = []
    for step in spec_steps:
        orders[step["level"]] = orders.get(step["level"], 0) + 1
        rows.append(
            {
                "order": orders[step["level"]],
                **{key: step[key] for key in STEP_KEYS if key not in OPTIONAL_STEP_KEYS},
                **{key: step.get(key) or empty for key, empty in OPTIONAL_STEP_KEYS.items()},
            }
        )
    return rows


def _stored_rows(steps: list[PlaybookStep]) -> list[dict[str, Any]]:
    steps = sorted(steps, key=lambda s: (LEVEL_ORDER.index(Level(s.level)), s.order, s.code))
    return [{name: getattr(step, name) for name in STEP_EDITABLE} for step in steps]


def _create_steps(playbook: Playbook, rows: list[dict[str, Any]]) -> None:
    # bulk_create: a new version is never in use, and the loader runs for every test's bank.
    PlaybookStep.objects.bulk_create(PlaybookStep(playbook=playbook, **row) for row in rows)


def playbooks_load(*, actor: Actor, directory: Path | None = None) -> PlaybooksLoaded:
    """Make the database hold the playbook files (default: the shipped ones). Idempotent.

    - A type that does not exist yet is created with version 1 of its playbook.
    - A type's names, description, group and order follow its file.
    - When the file's steps differ from every stored version of the type, they become a new
      current version; versions already stored (in use or not) are never modified. When
      they equal a stored version, nothing changes: loading the same files twice changes
      nothing, and a newer version head office made in the admin stays current.

    Raises PlaybookFileError (every problem, by file, step and field) before writing
    anything when a file is unsound.
    """
    specs = playbook_files_read(directory)
    loaded = PlaybooksLoaded()
    with transaction.atomic():
        types = {
            t.code: t
            for t in IncidentType.objects.select_for_update().filter(
                code__in=[spec["code"] for spec in specs]
            )
        }
        stored: dict[int, list[Playbook]] = {}
        for playbook in Playbook.objects.filter(incident_type__in=types.values()).prefetch_related(
            "steps"
        ):
            stored.setdefault(playbook.incident_type_id, []).append(playbook)
        for spec in specs:
            rows = _step_rows(spec["steps"])
            source = f"workflows/playbooks/{spec['code']}.yaml"
            incident_type = types.get(spec["code"])
            if incident_type is None:
                incident_type = IncidentType.objects.create(
                    code=spec["code"], **{name: spec[name] for name in TYPE_FIELDS}
                )
                playbook = Playbook.objects.create(
                    incident_type=incident_type, version=1, is_current=True, notes="Bank default."
                )
                _create_steps(playbook, rows)
                audit_record(
                    actor=actor,
                    action="playbook.loaded",
                    thread=f"playbook:{incident_type.code}",
                    target=f"playbook:{playbook.pk}",
                    after={"version": 1, "steps": len(rows)},
                    data={"file": source},
                )
                loaded.created.append(incident_type.code)
                continue
            changes = {
                name: spec[name]
                for name in TYPE_FIELDS
                if getattr(incident_type, name) != spec[name]
            }
            if changes:
                _incident_type_apply(actor=actor, incident_type=incident_type, changes=changes)
                loaded.types_updated.append(incident_type.code)
            versions = stored.get(incident_type.pk, [])
            if any(_stored_rows(list(p.steps.all())) == rows for p in versions):
                continue
            latest = max((p.version for p in versions), default=0)
            Playbook.objects.filter(incident_type=incident_type, is_current=True).update(
                is_current=False
            )
            playbook = Playbook.objects.create(
                incident_type=incident_type,
                version=latest + 1,
                is_current=True,
                notes=f"Loaded from {source}.",
            )
            _create_steps(playbook, rows)
            audit_record(
                actor=actor,
                action="playbook.version_created",
                thread=f"playbook:{incident_type.code}",
                target=f"playbook:{playbook.pk}",
                before={"version": latest},
                after={"version": playbook.version, "steps": len(rows)},
                data={"file": source},
            )
            loaded.new_versions.append(incident_type.code)
    return loaded


def playbooks_load_defaults() -> PlaybooksLoaded:
    """`playbooks_load` of the shipped files, as the system (the tests' demo bank)."""
    return playbooks_load(actor=Actor.system(), directory=PLAYBOOK_DIR)


def playbook_new_version(*, actor: Actor, playbook: Playbook, notes: str = "") -> Playbook:
    """Copy `playbook` as the next version and make it current.

    Incidents already open keep the version they started with; new incidents use this one.
    """
    with transaction.atomic():
        playbook_type = IncidentType.objects.select_for_update().get(pk=playbook.incident_type_id)
        latest = playbook_type.playbooks.order_by("-version").first()
        Playbook.objects.filter(incident_type=playbook_type, is_current=True).update(
            is_current=False
        )
        new = Playbook.objects.create(
            incident_type=playbook_type,
            version=latest.version + 1,
            is_current=True,
            notes=notes or f"Copied from v{playbook.version}.",
        )
        for step in playbook.steps.all():
            step.pk = None
            step.playbook = new
            step.save()
        audit_record(
            actor=actor,
            action="playbook.version_created",
            thread=f"playbook:{playbook_type.code}",
            target=f"playbook:{new.pk}",
            before={"version": playbook.version},
            after={"version": new.version},
        )
    return new


def playbook_update(*, actor: Actor, playbook: Playbook, notes: str) -> Playbook:
    """Change a version's change notes (the only field of a version head office edits;
    notes describe the version, so a version in use may get them too)."""
    with transaction.atomic():
        stored = Playbook.objects.select_for_update().get(pk=playbook.pk)
        if stored.notes == notes:
            return stored
        before = stored.notes
        stored.notes = notes
        stored.save(update_fields=["notes"])
        audit_record(
            actor=actor,
            action="playbook.updated",
            thread=f"playbook:{stored.incident_type.code}",
            target=f"playbook:{stored.pk}",
            before={"notes": before},
            after={"notes": notes},
        )
    playbook.notes = notes
    return stored


def _step_snapshot(step: PlaybookStep, names: tuple[str, ...] | list[str] = STEP_EDITABLE) -> dict:
    return {name: getattr(step, name) for name in names}


def _refuse_invalid_step(step: PlaybookStep) -> None:
    problems = step_problems(_step_snapshot(step, STEP_KEYS))
    if problems:
        fields: dict[str, list[str]] = {}
        for problem in problems:
            top = problem.field.split("[", 1)[0].split(".", 1)[0]
            text = str(problem.message)
            fields.setdefault(top, []).append(
                text if top == problem.field else f"{problem.field}: {text}"
            )
        raise InvalidInput(fields=fields)


def _playbook_for_edit(playbook_id: int) -> Playbook:
    """The playbook row, locked; refused when incidents use it."""
    playbook = (
        Playbook.objects.select_for_update().select_related("incident_type").get(pk=playbook_id)
    )
    if playbook.in_use():
        raise PlaybookInUse()
    return playbook


def playbook_step_create(
    *, actor: Actor, playbook: Playbook, data: Mapping[str, Any]
) -> PlaybookStep:
    """Add a step to a version no incident uses yet, validated by the playbook schema.

    Raises PlaybookInUse (the version is frozen) or InvalidInput (by field).
    """
    unknown = set(data) - set(STEP_EDITABLE)
    if unknown:
        raise ValueError(f"not step fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _playbook_for_edit(playbook.pk)
        step = PlaybookStep(playbook=locked, **data)
        _refuse_invalid_step(step)
        step.save()
        audit_record(
            actor=actor,
            action="playbook_step.created",
            thread=f"playbook:{locked.incident_type.code}",
            target=f"playbook_step:{step.pk}",
            after=_step_snapshot(step),
            data={"playbook": str(locked)},
        )
    return step


def playbook_step_update(
    *, actor: Actor, step: PlaybookStep, changes: Mapping[str, Any]
) -> PlaybookStep:
    """Change fields of a step of a version no incident uses yet (`changes`: field → new
    value), validated by the playbook schema; records the fields' before and after.

    Raises PlaybookInUse (the version is frozen) or InvalidInput (by field).
    """
    unknown = set(changes) - set(STEP_EDITABLE)
    if unknown:
        raise ValueError(f"not step fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _playbook_for_edit(step.playbook_id)
        stored = PlaybookStep.objects.get(pk=step.pk, playbook=locked)
        before = _step_snapshot(stored)
        for name, value in changes.items():
            setattr(stored, name, value)
        after = _step_snapshot(stored)
        changed = [name for name in STEP_EDITABLE if before[name] != after[name]]
        if not changed:
            return stored
        _refuse_invalid_step(stored)
        stored.save()
        audit_record(
            actor=actor,
            action="playbook_step.updated",
            thread=f"playbook:{locked.incident_type.code}",
            target=f"playbook_step:{stored.pk}",
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            data={"playbook": str(locked), "step": f"{stored.level}.{stored.code}"},
        )
    return stored


def playbook_step_delete(*, actor: Actor, step: PlaybookStep) -> None:
    """Remove a step from a version no incident uses yet. Raises PlaybookInUse."""
    with transaction.atomic():
        locked = _playbook_for_edit(step.playbook_id)
        stored = PlaybookStep.objects.get(pk=step.pk, playbook=locked)
        before = _step_snapshot(stored)
        pk = stored.pk
        stored.delete()
        audit_record(
            actor=actor,
            action="playbook_step.deleted",
            thread=f"playbook:{locked.incident_type.code}",
            target=f"playbook_step:{pk}",
            before=before,
            data={"playbook": str(locked)},
        )


def _incident_type_apply(
    *, actor: Actor, incident_type: IncidentType, changes: Mapping[str, Any]
) -> None:
    before = {name: getattr(incident_type, name) for name in changes}
    for name, value in changes.items():
        setattr(incident_type, name, value)
    incident_type.save()
    audit_record(
        actor=actor,
        action="incident_type.updated",
        thread=f"playbook:{incident_type.code}",
        target=f"incident_type:{incident_type.pk}",
        before=before,
        after={name: getattr(incident_type, name) for name in changes},
    )


def incident_type_save(
    *, actor: Actor, incident_type: IncidentType, changes: Mapping[str, Any]
) -> IncidentType:
    """Create `incident_type` (when it has no pk yet) or apply `changes` (field → new value)
    to the stored one; records before and after."""
    with transaction.atomic():
        if incident_type.pk is None:
            for name, value in changes.items():
                setattr(incident_type, name, value)
            incident_type.save()
            audit_record(
                actor=actor,
                action="incident_type.created",
                thread=f"playbook:{incident_type.code}",
                target=f"incident_type:{incident_type.pk}",
                after={name: getattr(incident_type, name) for name in TYPE_AUDITED},
            )
            return incident_type
        stored = IncidentType.objects.select_for_update().get(pk=incident_type.pk)
        real = {name: value for name, value in changes.items() if getattr(stored, name) != value}
        if real:
            _incident_type_apply(actor=actor, incident_type=stored, changes=real)
    return stored


def incident_type_delete(*, actor: Actor, incident_type: IncidentType) -> None:
    """Delete a type that has no playbook yet (its playbooks protect it); records it."""
    with transaction.atomic():
        stored = IncidentType.objects.select_for_update().get(pk=incident_type.pk)
        before = {name: getattr(stored, name) for name in TYPE_AUDITED}
        pk = stored.pk
        stored.delete()
        audit_record(
            actor=actor,
            action="incident_type.deleted",
            thread=f"playbook:{before['code']}",
            target=f"incident_type:{pk}",
            before=before,
        )


def playbook_delete(*, actor: Actor, playbook: Playbook) -> None:
    """Delete a version no incident uses, with its steps. Raises PlaybookInUse."""
    with transaction.atomic():
        locked = _playbook_for_edit(playbook.pk)
        before = {
            "version": locked.version,
            "is_current": locked.is_current,
            "steps": [f"{s.level}.{s.code}" for s in locked.steps.order_by("level", "order")],
        }
        pk = locked.pk
        locked.delete()
        audit_record(
            actor=actor,
            action="playbook.deleted",
            thread=f"playbook:{locked.incident_type.code}",
            target=f"playbook:{pk}",
            before=before,
        )


# --- types the bank adds: a new type and its playbook, new versions -------------------------
# Head office writes a playbook as YAML (or the API sends it as JSON): it is read with the
# loader's own parser (`playbook_files.playbook_yaml_parse`) and checked by the one schema
# (`playbook_schema.incident_type_problems`), exactly as a shipped file is, then stored
# with the loader's own rows (`_step_rows`, `_create_steps`).

# The largest playbook text accepted (the biggest shipped file is about 20 KB).
MAX_PLAYBOOK_TEXT = 200_000
# What the new-type service takes for the type itself, besides its code and playbook.
TYPE_INPUT: tuple[str, ...] = ("group", "name_zh", "name_en", "description_zh", "description_en")


def _problem_fields(problems: list[Problem]) -> dict[str, list[str]]:
    """Problems as InvalidInput's fields: the type's own fields by name; everything about
    the steps under `playbook`, each naming its step and field."""
    fields: dict[str, list[str]] = {}
    for problem in problems:
        if not problem.where and problem.field in (*TYPE_FIELDS, "code"):
            fields.setdefault(problem.field, []).append(str(problem.message))
        else:
            fields.setdefault("playbook", []).append(str(problem))
    return fields


def playbook_definition_steps(definition: Mapping[str, Any] | list[Any] | str) -> list[Any]:
    """The steps of a playbook as head office gives it: YAML text, or already parsed (the
    API's JSON): a mapping with `steps` (a whole playbook file is accepted: its type keys
    are the type's, so they are left aside here), or the list of steps itself.

    Raises InvalidInput under `playbook` naming the problem (YAML's line and column)."""
    if isinstance(definition, str):
        if len(definition) > MAX_PLAYBOOK_TEXT:
            raise InvalidInput(
                fields={
                    "playbook": [
                        _("The playbook is too long (at most %(max)d characters).")
                        % {"max": MAX_PLAYBOOK_TEXT}
                    ]
                }
            )
        if not definition.strip():
            raise InvalidInput(fields={"playbook": [_("Give the playbook's steps.")]})
        parsed, problems = playbook_yaml_parse(definition, where="")
        if parsed is None:
            raise InvalidInput(fields=_problem_fields(problems))
        definition = parsed
    if isinstance(definition, Mapping):
        unknown = sorted(set(definition) - set(TYPE_KEYS))
        if unknown:
            raise InvalidInput(
                fields={"playbook": [_("unknown keys: %(keys)s") % {"keys": ", ".join(unknown)}]}
            )
        if "steps" not in definition:
            raise InvalidInput(fields={"playbook": [_("steps: is missing")]})
        steps = definition["steps"]
    else:
        steps = definition
    if not isinstance(steps, list):
        raise InvalidInput(fields={"playbook": [_("steps: must be a list of steps")]})
    return steps


def _checked_spec(
    *, code: str, ordering: int, fields: Mapping[str, Any], steps: list[Any]
) -> dict[str, Any]:
    """The type as a playbook file would hold it, checked by the one schema; raises
    InvalidInput naming every problem (type fields by name, steps under `playbook`)."""
    spec = {"code": code, "ordering": ordering, **fields, "steps": steps}
    problems = incident_type_problems(spec)
    if problems:
        raise InvalidInput(fields=_problem_fields(problems))
    return spec


def _refuse_too_long(values: Mapping[str, str]) -> None:
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        limit = IncidentType._meta.get_field(name).max_length
        if limit and len(value) > limit:
            errors[name] = [
                _("At most %(max)d characters (this has %(count)d).")
                % {"max": limit, "count": len(value)}
            ]
    if errors:
        raise InvalidInput(fields=errors)


def _publish(
    *, actor: Actor, incident_type: IncidentType, steps: list[dict[str, Any]], notes: str
) -> Playbook:
    """Store `steps` (checked) as the type's next version and make it current; audited.
    Called with the type's row locked."""
    rows = _step_rows(steps)
    current = incident_type.playbooks.filter(is_current=True).prefetch_related("steps").first()
    if current is not None and _stored_rows(list(current.steps.all())) == rows:
        raise InvalidInput(
            fields={
                "playbook": [
                    _("These steps are the current version (v%(version)d): nothing to publish.")
                    % {"version": current.version}
                ]
            }
        )
    latest = incident_type.playbooks.order_by("-version").values_list("version", flat=True)
    version = (latest.first() or 0) + 1
    Playbook.objects.filter(incident_type=incident_type, is_current=True).update(is_current=False)
    playbook = Playbook.objects.create(
        incident_type=incident_type,
        version=version,
        is_current=True,
        notes=notes or f"Published by {actor.label}.",
    )
    _create_steps(playbook, rows)
    audit_record(
        actor=actor,
        action="playbook.published",
        thread=f"playbook:{incident_type.code}",
        target=f"playbook:{playbook.pk}",
        before={"version": current.version if current else None},
        after={
            "version": version,
            "steps": [f"{row['level']}.{row['code']}" for row in rows],
            "last_level": playbook_last_level(rows),
        },
        data={"notes": playbook.notes},
    )
    return playbook


@refusals_audited
def incident_type_create(
    *,
    actor: Actor,
    code: str,
    name_zh: str,
    name_en: str,
    group: str,
    description_zh: str = "",
    description_en: str = "",
    playbook: Mapping[str, Any] | list[Any] | str,
    notes: str = "",
) -> IncidentType:
    """Head office adds an incident type with version 1 of its playbook, current at once, so
    the type can be filed straight away (browser and API).

    `playbook` is YAML text or its parsed form (see `playbook_definition_steps`), checked by
    the same schema as the shipped files (`playbook_schema`): steps at the branch, then
    optionally the sub-branch and head office, one reporting step on every level below the
    last. The type goes after the others in lists. Refused (PermissionRefused, audited)
    unless `actor` is head office (`permissions.check_may_configure_types`); InvalidInput
    names each problem (the type's fields by name, the steps under `playbook`, with their
    step and field); nothing is written then.
    """
    check_may_configure_types(actor, thread=f"playbook:{code}", action="incident_type.create")
    code = (code or "").strip()
    fields = {
        "group": group,
        "name_zh": (name_zh or "").strip(),
        "name_en": (name_en or "").strip(),
        # A description is optional here; the file schema wants one, so an empty one is
        # checked as its name.
        "description_zh": (description_zh or "").strip() or (name_zh or "").strip(),
        "description_en": (description_en or "").strip() or (name_en or "").strip(),
    }
    steps = playbook_definition_steps(playbook)
    with transaction.atomic():
        if IncidentType.objects.filter(code=code).exists():
            raise InvalidInput(fields={"code": [_("An incident type already has this code.")]})
        latest = IncidentType.objects.order_by("-ordering").values_list("ordering", flat=True)
        ordering = (latest.first() or 0) + 1
        spec = _checked_spec(code=code, ordering=ordering, fields=fields, steps=steps)
        _refuse_too_long({"code": code, **fields})
        try:
            with transaction.atomic():
                incident_type = IncidentType.objects.create(
                    code=code, ordering=ordering, **{name: spec[name] for name in TYPE_INPUT}
                )
        except IntegrityError:
            # Created at the same moment by someone else.
            raise InvalidInput(
                fields={"code": [_("An incident type already has this code.")]}
            ) from None
        audit_record(
            actor=actor,
            action="incident_type.created",
            thread=f"playbook:{code}",
            target=f"incident_type:{incident_type.pk}",
            after={name: getattr(incident_type, name) for name in TYPE_AUDITED},
        )
        _publish(actor=actor, incident_type=incident_type, steps=spec["steps"], notes=notes)
    return incident_type


@refusals_audited
def playbook_version_publish(
    *,
    actor: Actor,
    incident_type: IncidentType,
    definition: Mapping[str, Any] | list[Any] | str,
    notes: str = "",
) -> Playbook:
    """Head office publishes a new version of a type's playbook (YAML text or its parsed
    form, checked by the same schema as the shipped files); it becomes current at once.
    Incidents already filed keep the version they started with.

    Refused as `incident_type_create` is; steps equal to the current version's are refused
    (nothing to publish).
    """
    thread = f"playbook:{incident_type.code}"
    check_may_configure_types(actor, thread=thread, action="playbook.publish")
    steps = playbook_definition_steps(definition)
    with transaction.atomic():
        locked = IncidentType.objects.select_for_update().get(pk=incident_type.pk)
        spec = _checked_spec(
            code=locked.code,
            ordering=locked.ordering,
            fields={name: getattr(locked, name) for name in TYPE_INPUT},
            steps=steps,
        )
        return _publish(actor=actor, incident_type=locked, steps=spec["steps"], notes=notes)


def playbook_as_yaml(playbook: Playbook) -> str:
    """A stored version as the text head office edits: its steps in the files' format and
    key order (a template for a new type or the next version)."""
    steps = []
    for row in _stored_rows(list(playbook.steps.all())):
        step = {key: row[key] for key in STEP_KEYS if key not in OPTIONAL_STEP_KEYS}
        step.update({key: row[key] for key in OPTIONAL_STEP_KEYS if row.get(key)})
        steps.append({key: step[key] for key in STEP_KEYS if key in step})
    return yaml.safe_dump(
        {"steps": steps}, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
    )
