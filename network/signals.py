"""Keep the owner's time zone in the session, so pages need no query to find it; and say when
contacts were created in bulk (bulk_create sends no post_save), for the layers above."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from network.middleware import TIMEZONE_SESSION_KEY
from network.models import OwnerSettings

# Sent with owner= after contacts were created with bulk_create (e.g. at Log a meeting).
contacts_created = Signal()


@receiver(user_logged_in)
def remember_timezone(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[TIMEZONE_SESSION_KEY] = OwnerSettings.for_user(user).timezone
