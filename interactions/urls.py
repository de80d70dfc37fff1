from django.urls import path

from interactions import views

app_name = "interactions"

urlpatterns = [
    path("log/", views.log_meeting, name="log-meeting"),
]
