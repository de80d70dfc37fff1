"""LinkedIn profile addresses, normalised so that one person has one address."""

import functools
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

CANONICAL_HOST = "www.linkedin.com"
PROFILE_PREFIXES = ("in", "pub")
MAX_LENGTH = 300  # Contact.linkedin_url's
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def normalize_linkedin_url(value: str) -> str:
    """The canonical form of a profile address: https, www.linkedin.com, /in/<slug>, lower case,
    no query, fragment or trailing slash. An empty value stays empty.

    Raises ValidationError for anything that is not a LinkedIn profile address.
    """
    value = value.strip()
    if not value:
        return ""
    # urlsplit silently drops line breaks; refused instead, as no real address has one (and
    # one in a vCard line would start a card of the sender's choosing).
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "A web address cannot contain line breaks or other control characters.",
            code="control_character",
        )
    if "://" not in value:
        value = f"https://{value}"
    try:
        parts = urlsplit(value)
    except ValueError as error:  # e.g. "http://[::1": urllib's "Invalid IPv6 URL"
        raise ValidationError(
            "This is not a web address Kith can read; a LinkedIn profile address looks like "
            "https://www.linkedin.com/in/jane-doe.",
            code="invalid",
        ) from error
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in {"http", "https"} or not (
        host == "linkedin.com" or host.endswith(".linkedin.com")
    ):
        raise ValidationError(
            "Enter a LinkedIn profile address, like https://www.linkedin.com/in/jane-doe.",
            code="not_linkedin",
        )
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) < 2 or segments[0].lower() not in PROFILE_PREFIXES:
        raise ValidationError(
            "This LinkedIn address does not point at a person's profile; it should look like "
            "https://www.linkedin.com/in/jane-doe.",
            code="not_a_profile",
        )
    if segments[0].lower() == "in":
        segments = segments[:2]  # /in/<slug>/details/... is still the same person
    path = "/".join(segment.lower() for segment in segments)
    url = f"https://{CANONICAL_HOST}/{path}"
    if len(url) > MAX_LENGTH:
        raise ValidationError(
            f"This address is longer than {MAX_LENGTH} characters.", code="too_long"
        )
    return url


@functools.lru_cache(maxsize=65536)
def linkedin_url_or_blank(value: str | None) -> str:
    """A normalised profile address, or "" for anything that is not one (e.g. a bare /in).

    Cached: a messages file names the same few thousand addresses hundreds of thousands of times.
    """
    try:
        return normalize_linkedin_url(value or "")
    except ValidationError:
        return ""
