from django.urls import path

from invitations import views

app_name = "invitations"

urlpatterns = [
    path("review/", views.review, name="review"),
    path("review/start/", views.review_start, name="review-start"),
    path(
        "review/invitations/<int:invitation_id>/",
        views.review_decide,
        name="review-decide",
    ),
    path("review/undo/", views.review_undo, name="review-undo"),
    path("review/finish/", views.review_finish, name="review-finish"),
    path("invitations/", views.invitation_list, name="invitation-list"),
    path("invitations/new/", views.invitation_add, name="invitation-add"),
    path(
        "invitations/<int:invitation_id>/decide/", views.invitation_decide, name="invitation-decide"
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        views.invitation_decline,
        name="invitation-decline",
    ),
    path(
        "invitations/<int:invitation_id>/invite/", views.invitation_invite, name="invitation-invite"
    ),
    path("invitations/messages/", views.decline_message_list, name="decline-message-list"),
    path(
        "invitations/messages/<int:declinemessage_id>/",
        views.decline_message_edit,
        name="decline-message-edit",
    ),
    path(
        "invitations/messages/<int:declinemessage_id>/delete/",
        views.decline_message_delete,
        name="decline-message-delete",
    ),
    path(
        "invitations/messages/<int:declinemessage_id>/default/",
        views.decline_message_default,
        name="decline-message-default",
    ),
]
