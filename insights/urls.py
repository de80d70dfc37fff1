from django.urls import path

from insights import recall_views, review_views, views
from insights.people import PEOPLE_LISTS

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
    # One URL per list behind a dashboard number, with no parameter: the owner-isolation walk
    # opens each, and an unknown list is the resolver's 404.
    *(
        path(f"people/{slug}/", views.people, {"slug": slug}, name=f"people-{slug}")
        for slug in PEOPLE_LISTS
    ),
    path("people/<int:contact_id>/follow-up/", views.people_follow_up, name="people-follow-up"),
    path("review/ties/<int:contact_id>/", review_views.review_tie_decide, name="review-tie-decide"),
]
