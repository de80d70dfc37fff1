from django.urls import path

from invitations import introductions_views, views

app_name = "invitations"

urlpatterns = [
    path("review/", views.review, name="review"),
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
    path("review/start/", views.review_start, name="review-start"),
    path(
        "review/invitations/<int:invitation_id>/",
        views.review_decide,
        name="review-decide",
    ),
    path("review/undo/", views.review_undo, name="review-undo"),
    path("review/finish/", views.review_finish, name="review-finish"),
    path("settings/policy-preview/", views.policy_preview, name="policy-preview"),
    path("introductions/", introductions_views.introduction_list, name="introduction-list"),
    path("introductions/new/", introductions_views.introduction_create, name="introduction-create"),
    path(
        "introductions/people/", introductions_views.introduction_people, name="introduction-people"
    ),
    path(
        "introductions/<int:introductionrequest_id>/",
        introductions_views.introduction_detail,
        name="introduction-detail",
    ),
    path(
        "introductions/<int:introductionrequest_id>/decide/",
        introductions_views.introduction_decide,
        name="introduction-decide",
    ),
    path(
        "introductions/<int:introductionrequest_id>/undo/",
        introductions_views.introduction_undo,
        name="introduction-undo",
    ),
    path(
        "introductions/<int:introductionrequest_id>/outcome/",
        introductions_views.introduction_outcome,
        name="introduction-outcome",
    ),
]
