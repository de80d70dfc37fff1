"""Blocks of portability that other apps' pages show.

Layering: portability sits above invitations, so invitations' Python never imports it; the
Invitations page composes the two in its template instead (as base.html links to the import
page), and this tag keeps the ImportRun query where the model lives. A tag rather than an htmx
fragment loaded after the page, so the block is there without JavaScript too.
"""

from django import template

from portability.forms import SUFFIXES
from portability.models import ImportRun

register = template.Library()


@register.inclusion_tag("portability/linkedin_snapshot.html", takes_context=True)
def linkedin_snapshot(context) -> dict:
    """When the owner last imported LinkedIn's export, how to get a fresh one, and a form that
    takes it right there (posted to the import pipeline)."""
    user = context["request"].user
    last = (
        ImportRun.objects.owned_by(user)
        .filter(kind=ImportRun.Kind.LINKEDIN, status=ImportRun.Status.DONE)
        .order_by("-finished_at", "-pk")
        .only("finished_at", "created_at", "original_name")
        .first()
    )
    return {
        "last_import": last,
        "kind": ImportRun.Kind.LINKEDIN,
        "accept": ",".join(sorted(SUFFIXES[ImportRun.Kind.LINKEDIN])),
        "csrf_token": context.get("csrf_token"),
    }
