import contextlib
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import resolve_url
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

TIMEZONE_SESSION_KEY = "kith_timezone"


class OwnerTimezoneMiddleware:
    """Show dates and times in the owner's time zone, read from the session (no query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(TIMEZONE_SESSION_KEY) if hasattr(request, "session") else None
        timezone.deactivate()
        if name:
            with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
                timezone.activate(zoneinfo.ZoneInfo(name))
        return self.get_response(request)


class HtmxLoginRedirectMiddleware:
    """When a session has expired, an htmx request would swap the whole login page into a
    fragment; tell htmx to load the login page as a page instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        login = resolve_url(settings.LOGIN_URL)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response["Location"].startswith(login)
        ):
            page = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(f"{login}?{urlencode({REDIRECT_FIELD_NAME: page})}")
        return response
