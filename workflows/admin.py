from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fraudops.core.actors import Actor
from fraudops.core.admin import form_changes
from fraudops.core.choices import LEVEL_ORDER, Level

from .errors import PlaybookInUse
from .models import IncidentType, Playbook, PlaybookStep
from .playbook_schema import STEP_KEYS, playbook_problems, step_problems
from .services import (
    STEP_EDITABLE,
    incident_type_delete,
    incident_type_save,
    playbook_delete,
    playbook_new_version,
    playbook_step_create,
    playbook_step_delete,
    playbook_step_update,
    playbook_update,
)


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "group", "is_active", "ordering"]
    list_filter = ["group", "is_active"]

    # Edits go through the audited service (before and after in the audit trail).
    def save_model(self, request, obj, form, change):
        changes = form_changes(form, adding=not change)
        saved = incident_type_save(
            actor=Actor.from_request(request), incident_type=obj, changes=changes
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        incident_type_delete(actor=Actor.from_request(request), incident_type=obj)

    def delete_queryset(self, request, queryset):
        for incident_type in queryset:
            self.delete_model(request, incident_type)


class PlaybookStepForm(forms.ModelForm):
    """A step as head office edits it, checked by the same schema as the playbook files."""

    class Meta:
        model = PlaybookStep
        fields = list(STEP_EDITABLE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("evidence", []) is None:
            cleaned["evidence"] = []
        # Fields that failed their own validation are reported already.
        step = {key: cleaned[key] for key in STEP_KEYS if key in cleaned}
        found = []
        for problem in step_problems(step):
            name = problem.field.split("[", 1)[0].split(".", 1)[0]
            if name not in step:
                continue
            text = str(problem.message)
            found.append((name, text if name == problem.field else f"{problem.field}: {text}"))
        for name, text in found:
            self.add_error(name if name in self.fields else None, text)
        return cleaned


class PlaybookStepFormSet(forms.BaseInlineFormSet):
    """The steps of one version together: the schema's playbook-wide rules, and no change at
    all to a version in use."""

    def clean(self):
        super().clean()
        if self.instance.in_use() and self.has_changed():
            raise ValidationError(PlaybookInUse.default_message)
        if any(self.errors):
            return
        steps = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        steps.sort(key=lambda s: (LEVEL_ORDER.index(Level(s["level"])), s["order"]))
        problems = playbook_problems(steps, each_step=False)
        if problems:
            raise ValidationError([str(problem) for problem in problems])


class PlaybookStepInline(admin.StackedInline):
    model = PlaybookStep
    form = PlaybookStepForm
    formset = PlaybookStepFormSet
    extra = 0
    fields = [
        ("level", "order", "code"),
        ("title_zh", "title_en"),
        ("guidance_zh", "guidance_en"),
        ("owner_role", "mandatory", "conditional", "awaits_instruction", "reports_up"),
        ("deadline_minutes", "deadline_from"),
        "evidence",
    ]

    def _in_use(self, obj) -> bool:
        return obj is not None and obj.in_use()

    # A version that incidents already use is frozen: edit a new version instead. (The
    # model and the services refuse too; this only keeps the form read-only.)
    def has_change_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ["incident_type", "version", "is_current", "created_at"]
    list_filter = ["is_current", "incident_type"]
    readonly_fields = ["incident_type", "version", "is_current", "created_at"]
    inlines = [PlaybookStepInline]
    actions = ["new_version"]

    def has_add_permission(self, request):
        return False

    # Every edit goes through the audited services.
    def save_model(self, request, obj, form, change):
        if "notes" in form.changed_data:
            playbook_update(actor=Actor.from_request(request), playbook=obj, notes=obj.notes)

    def save_formset(self, request, form, formset, change):
        if formset.model is not PlaybookStep:
            return super().save_formset(request, form, formset, change)
        actor = Actor.from_request(request)
        formset.save(commit=False)  # sorts the forms into new, changed and deleted steps
        for step in formset.deleted_objects:
            playbook_step_delete(actor=actor, step=step)
        # Steps giving up `reports_up` first: at most one per level at any moment.
        changed = sorted(formset.changed_objects, key=lambda item: bool(item[0].reports_up))
        for step, names in changed:
            playbook_step_update(
                actor=actor,
                step=step,
                changes={name: getattr(step, name) for name in names if name in STEP_EDITABLE},
            )
        for step in formset.new_objects:
            created = playbook_step_create(
                actor=actor,
                playbook=form.instance,
                data={name: getattr(step, name) for name in STEP_EDITABLE},
            )
            step.pk = created.pk

    def delete_model(self, request, obj):
        playbook_delete(actor=Actor.from_request(request), playbook=obj)

    def delete_queryset(self, request, queryset):
        for playbook in queryset:
            self.delete_model(request, playbook)

    @admin.action(description=_("Copy as a new current version (to edit its steps)"))
    def new_version(self, request, queryset):
        for playbook in queryset:
            new = playbook_new_version(actor=Actor.for_user(request.user), playbook=playbook)
            messages.success(request, _("Created %(playbook)s.") % {"playbook": new})
