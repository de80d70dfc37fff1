from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        # interactions/ and network/ must not import insights/ (layers import downwards only):
        # they send signals, and ties follow them from here.
        from insights import signals, weak_review

        signals.connect()
        # The flagged weak ties: the second part of invitations' weekly review.
        weak_review.register()
