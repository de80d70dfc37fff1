from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        # interactions/ and network/ must not import insights/ (layers import downwards only):
        # they send signals, and ties follow them from here.
        from insights import signals

        signals.connect()
