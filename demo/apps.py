from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo network `make run` loads; at the top of the layering, it may import every app."""

    name = "demo"
    verbose_name = "Demo network"
