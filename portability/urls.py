from django.urls import path

from portability import views

app_name = "portability"

urlpatterns = [
    path("import/", views.import_index, name="import"),
    path("import/<int:importrun_id>/", views.import_detail, name="import-detail"),
    path("export/kith.json", views.export_data, name="export-data"),
    path("export/contacts.csv", views.export_contacts_csv, name="export-csv"),
    path("export/contacts.vcf", views.export_vcard, name="export-vcard"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/merge/", views.duplicates_merge, name="duplicates-merge"),
    path("duplicates/dismiss/", views.duplicates_dismiss, name="duplicates-dismiss"),
]
