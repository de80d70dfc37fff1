"""Keep the owner's time zone in the session, so pages need no query to find it."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from network.middleware import TIMEZONE_SESSION_KEY
from network.models import OwnerSettings


@receiver(user_logged_in)
def remember_timezone(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[TIMEZONE_SESSION_KEY] = OwnerSettings.for_user(user).timezone
