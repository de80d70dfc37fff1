from django.urls import path

from interactions import views

app_name = "interactions"

urlpatterns = [
    path("log/", views.log_meeting, name="log-meeting"),
    path("log/suggestions/", views.attendee_suggestions, name="attendee-suggestions"),
    path("log/person/", views.attendee_row, name="attendee-row"),
    path("log/saved/", views.log_saved, name="log-saved"),
    path("log/undo/", views.log_undo, name="log-undo"),
    path("contacts/<int:contact_id>/log/", views.quick_log, name="quick-log"),
    path(
        "interactions/<int:interaction_id>/edit/", views.interaction_edit, name="interaction-edit"
    ),
    path(
        "interactions/<int:interaction_id>/delete/",
        views.interaction_delete,
        name="interaction-delete",
    ),
    path(
        "interactions/undo-delete/", views.interaction_undo_delete, name="interaction-undo-delete"
    ),
    path("events/", views.event_list, name="event-list"),
    path("events/<int:event_id>/", views.event_detail, name="event-detail"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event-edit"),
    path("follow-ups/<int:followup_id>/done/", views.follow_up_done, name="follow-up-done"),
    path("follow-ups/<int:followup_id>/snooze/", views.follow_up_snooze, name="follow-up-snooze"),
]
