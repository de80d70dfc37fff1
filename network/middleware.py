import contextlib
import zoneinfo

from django.utils import timezone

TIMEZONE_SESSION_KEY = "kith_timezone"


class OwnerTimezoneMiddleware:
    """Show dates and times in the owner's time zone, read from the session (no query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(TIMEZONE_SESSION_KEY) if hasattr(request, "session") else None
        timezone.deactivate()
        if name:
            with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(zoneinfo.ZoneInfo(name))
        return self.get_response(request)
