from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = "Invitations"

    def ready(self) -> None:
        # network/ must not import invitations/ (layers import downwards only), so the link from
        # a contact saved by hand to its invitations is made here, listening to network's model.
        from invitations import signals

        signals.connect()
