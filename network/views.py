from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from network.forms import ContactFilterForm, ContactForm, OwnerSettingsForm
from network.htmx import template_for
from network.middleware import TIMEZONE_SESSION_KEY
from network.models import Contact, OwnerSettings
from network.photos import content_type_for

CONTACTS_PER_PAGE = 50
TIMELINE_PER_PAGE = 25


def _get_contact_for_user(request: HttpRequest, contact_id: int) -> Contact:
    return get_object_or_404(Contact.objects.owned_by(request.user), pk=contact_id)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def contact_list(request: HttpRequest) -> HttpResponse:
    filters = ContactFilterForm(request.GET, owner=request.user)
    contacts = filters.filter(Contact.objects.owned_by(request.user)).prefetch_related("tags")
    page = Paginator(contacts, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        template_for(request, "network/contact_list.html", "results"),
        {"filters": filters, "page": page},
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    # The tie and the recall card are insights' rows, read through the reverse one-to-ones in
    # the contact's own query: network does not import insights, which sits above it.
    contact = get_object_or_404(
        Contact.objects.owned_by(request.user).select_related("tie", "recall_card"),
        pk=contact_id,
    )
    timeline = contact.interactions.select_related("event")
    page = Paginator(timeline, TIMELINE_PER_PAGE).get_page(request.GET.get("page"))
    # Asked by them or of them, in one query through the reverse relations: network does not
    # import invitations, which sits above it.
    introductions = (
        contact.introductions_asked.all() | contact.introductions_wanted.all()
    ).select_related("requester", "target")
    return render(
        request,
        template_for(request, "network/contact_detail.html", "history"),
        {
            "contact": contact,
            "tags": contact.tags.all(),
            "page": page,
            "introductions": introductions,
            # None until insights first computes them (a missing reverse row raises).
            "tie": getattr(contact, "tie", None),
            "recall_card": getattr(contact, "recall_card", None),
            "follow_up": contact.follow_ups.open().first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def contact_create(request: HttpRequest) -> HttpResponse:
    return _contact_form(request, Contact())


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_form(request, _get_contact_for_user(request, contact_id))


def _contact_form(request: HttpRequest, contact: Contact) -> HttpResponse:
    is_new = contact.pk is None
    form = ContactForm(
        request.POST or None, request.FILES or None, instance=contact, owner=request.user
    )
    if request.method == "POST" and form.is_valid() and (saved := form.save_unless_taken()):
        messages.success(request, f"{saved.full_name} {'added' if is_new else 'saved'}.")
        if request.htmx:
            return HttpResponseClientRedirect(saved.get_absolute_url())
        return redirect(saved)
    return render(
        request,
        template_for(request, "network/contact_form.html", "contact-form"),
        {"form": form, "contact": contact, "is_new": is_new},
    )


@login_required
@require_POST
def contact_archive(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _get_contact_for_user(request, contact_id)
    contact.archive()
    messages.success(
        request, f"{contact.full_name} is archived: hidden from lists, kept with everything logged."
    )
    return redirect(contact)


@login_required
@require_POST
def contact_unarchive(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _get_contact_for_user(request, contact_id)
    contact.unarchive()
    messages.success(request, f"{contact.full_name} is back in your network.")
    return redirect(contact)


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = _get_contact_for_user(request, contact_id)
    if request.method == "POST":
        name = contact.full_name
        contact.delete()
        messages.success(request, f"{name} and everything logged with them are deleted.")
        return redirect("network:contact-list")
    return render(
        request,
        "network/contact_confirm_delete.html",
        {"contact": contact},
    )


@login_required
@require_GET
def contact_photo(request: HttpRequest, contact_id: int) -> FileResponse:
    contact = _get_contact_for_user(request, contact_id)
    # Only a file Kith re-encoded has one of its image extensions; anything else stored under a
    # contact (from before re-encoding) is never served, so it can never run as a script.
    content_type = content_type_for(contact.photo.name)
    if not contact.photo or content_type is None:
        raise Http404("This contact has no photo.")
    try:
        photo = contact.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404("The photo file is missing.") from error
    response = FileResponse(photo, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def owner_settings(request: HttpRequest) -> HttpResponse:
    form = OwnerSettingsForm(request.POST or None, instance=OwnerSettings.for_user(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        request.session[TIMEZONE_SESSION_KEY] = form.instance.timezone
        messages.success(request, "Settings saved.")
        return redirect("network:settings")
    return render(request, "network/owner_settings.html", {"form": form})
