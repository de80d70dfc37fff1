from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:contact_id>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:contact_id>/archive/", views.contact_archive, name="contact-archive"),
    path("contacts/<int:contact_id>/unarchive/", views.contact_unarchive, name="contact-unarchive"),
    path("contacts/<int:contact_id>/delete/", views.contact_delete, name="contact-delete"),
    path("contacts/<int:contact_id>/photo/", views.contact_photo, name="contact-photo"),
    path("settings/", views.owner_settings, name="settings"),
]
