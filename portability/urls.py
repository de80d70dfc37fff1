from django.urls import path

from portability import views

app_name = "portability"

urlpatterns = [
    path("import/", views.import_index, name="import"),
]
