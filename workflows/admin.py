from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fraudops.core.actors import Actor
from fraudops.core.admin import form_changes
from fraudops.core.choices import LEVEL_ORDER, Level
from fraudops.core.errors import DomainError

from .errors import PlaybookInUse
from .forms import PLAYBOOK_HELP
from .models import IncidentType, Playbook, PlaybookStep
from .permissions import may_configure_types
from .playbook_schema import STEP_KEYS, playbook_problems, step_problems
from .services import (
    STEP_EDITABLE,
    incident_type_create,
    incident_type_delete,
    incident_type_save,
    playbook_delete,
    playbook_new_version,
    playbook_step_create,
    playbook_step_delete,
    playbook_step_update,
    playbook_update,
    playbook_version_publish,
)


class IncidentTypeAdminForm(forms.ModelForm):
    """A type as head office edits it. Adding one takes its first playbook (YAML), checked by
    the same schema as the shipped files; changing one may publish its next version. Both
    go through the audited services (`incident_type_create`, `playbook_version_publish`),
    whose refusals are put back on the form's fields."""

    playbook = forms.CharField(
        label=_("Playbook (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "class": "vLargeTextField"}),
        help_text=PLAYBOOK_HELP,
    )

    class Meta:
        model = IncidentType
        fields = [
            "code",
            "group",
            "name_zh",
            "name_en",
            "description_zh",
            "description_en",
            "is_active",
            "ordering",
        ]

    def __init__(self, *args, actor: Actor | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.published = None
        if self.instance.pk is not None:
            self.fields["playbook"].label = _("Publish a new version (YAML)")
            self.fields["playbook"].help_text = _(
                "Leave empty to change only the fields above. Otherwise these steps become "
                "the type's next playbook version, current at once."
            )
        else:
            self.fields["ordering"].help_text = _("A new type goes after the others.")

    def _refusal_to_errors(self, error: DomainError) -> None:
        for name, messages_ in (error.fields or {}).items():
            for message in messages_:
                self.add_error(name if name in self.fields else None, str(message))
        if not error.fields:
            self.add_error(None, str(error.message))

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.actor is None:
            return cleaned
        # The services run here so that their refusals are shown on the form (the admin
        # saves in `save_model` only once the form is valid); each is atomic and audited.
        try:
            if self.instance.pk is None:
                self.instance = incident_type_create(
                    actor=self.actor,
                    code=cleaned.get("code") or "",
                    name_zh=cleaned.get("name_zh") or "",
                    name_en=cleaned.get("name_en") or "",
                    group=cleaned.get("group") or "",
                    description_zh=cleaned.get("description_zh") or "",
                    description_en=cleaned.get("description_en") or "",
                    playbook=cleaned.get("playbook") or "",
                )
            elif cleaned.get("playbook"):
                self.published = playbook_version_publish(
                    actor=self.actor,
                    incident_type=IncidentType.objects.get(pk=self.instance.pk),
                    definition=cleaned["playbook"],
                )
        except DomainError as error:
            self._refusal_to_errors(error)
        return cleaned


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    form = IncidentTypeAdminForm
    list_display = ["code", "name_zh", "name_en", "group", "is_active", "ordering"]
    list_filter = ["group", "is_active"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = Actor.from_request(request)

        class WithActor(form_class):  # type: ignore[misc, valid-type]
            def __init__(self, *args, **inner):
                super().__init__(*args, actor=actor, **inner)

        return WithActor

    # Adding is head office's (the service refuses anyone else too).
    def has_add_permission(self, request):
        return super().has_add_permission(request) and may_configure_types(
            Actor.from_request(request)
        )

    # Edits go through the audited service (before and after in the audit trail); a new
    # type was created by `incident_type_create` when its form was cleaned.
    def save_model(self, request, obj, form, change):
        if not change:
            return
        changes = form_changes(form, adding=False)
        changes.pop("playbook", None)
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
