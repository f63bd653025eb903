from django.urls import path

from . import facts_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("changes/", views.home_changes, name="home_changes"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/export.csv", views.incident_export_csv, name="incident_export_csv"),
    path("incidents/export.xlsx", views.incident_export_xlsx, name="incident_export_xlsx"),
    path("incidents/new/", views.incident_file_start, name="incident_file_start"),
    path("incidents/new/<slug:type_code>/", views.incident_file, name="incident_file"),
    path("incidents/<str:number>/", views.incident_detail, name="incident_detail"),
    path("incidents/<str:number>/summary/", views.incident_summary, name="incident_summary"),
    path("incidents/<str:number>/changes/", views.incident_changes, name="incident_changes"),
    path(
        "incidents/<str:number>/transition/",
        views.incident_transition,
        name="incident_transition",
    ),
    path("incidents/<str:number>/ledger/", views.ledger_entry_add, name="ledger_entry_add"),
    path(
        "incidents/<str:number>/ledger/<int:entry_id>/void/",
        views.ledger_entry_void,
        name="ledger_entry_void",
    ),
    path(
        "incidents/<str:number>/amount-lost/",
        views.incident_amount_lost,
        name="incident_amount_lost",
    ),
    path("incidents/<str:number>/outcome/", views.incident_outcome, name="incident_outcome"),
    path("incidents/<str:number>/files/", views.evidence_upload, name="evidence_upload"),
    path(
        "incidents/<str:number>/files/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/done/",
        views.task_done,
        name="task_done",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/not-applicable/",
        views.task_not_applicable,
        name="task_not_applicable",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/reopen/",
        views.task_reopen,
        name="task_reopen",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/instruct/",
        views.task_instruct,
        name="task_instruct",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/claim/",
        views.task_claim,
        name="task_claim",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/assign/",
        views.task_assign,
        name="task_assign",
    ),
    path(
        "incidents/<str:number>/tasks/<int:task_id>/unassign/",
        views.task_unassign,
        name="task_unassign",
    ),
    path(
        "incidents/<str:number>/edit/", facts_views.incident_facts_edit, name="incident_facts_edit"
    ),
]

# The facts after filing: add, correct and remove each kind of case-file row.
for _kind, _plural in (("party", "parties"), ("account", "accounts"), ("vehicle", "vehicles")):
    urlpatterns += [
        path(
            f"incidents/<str:number>/{_plural}/add/",
            facts_views.incident_row_add,
            {"kind": _kind},
            name=f"incident_{_kind}_add",
        ),
        path(
            f"incidents/<str:number>/{_plural}/<int:row_id>/edit/",
            facts_views.incident_row_edit,
            {"kind": _kind},
            name=f"incident_{_kind}_edit",
        ),
        path(
            f"incidents/<str:number>/{_plural}/<int:row_id>/remove/",
            facts_views.incident_row_remove,
            {"kind": _kind},
            name=f"incident_{_kind}_remove",
        ),
    ]
