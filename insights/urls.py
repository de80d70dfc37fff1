from django.urls import path

from insights import recall_views, review_views, views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recall/", recall_views.recall, name="recall"),
    path("recall/undo/", recall_views.recall_undo_view, name="recall-undo"),
    path("recall/<int:contact_id>/", recall_views.recall_reveal, name="recall-reveal"),
    path("recall/<int:contact_id>/answer/", recall_views.recall_answer_view, name="recall-answer"),
    path(
        "recall/<int:contact_id>/stands-for/",
        recall_views.recall_stands_for,
        name="recall-stands-for",
    ),
    path(
        "review/ties/<int:contact_id>/", review_views.review_tie_decide, name="review-tie-decide"
    ),
]
