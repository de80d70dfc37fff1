import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from kombu.exceptions import OperationalError

from interactions.forms import parse_id
from network.htmx import template_for
from network.models import Contact
from portability.duplicates import contacts_merge, duplicate_pairs, fields_picked_from_other
from portability.forms import ImportForm
from portability.full_export import contacts_csv, data_export_chunks
from portability.importing import MAX_UPLOAD_BYTES
from portability.models import ImportRun
from portability.runs import import_run_fail
from portability.tasks import import_run
from portability.vcard import vcard_export

logger = logging.getLogger(__name__)
RECENT_RUNS = 10
NOT_QUEUED = "Kith could not hand this import to its background worker (is the broker running?); nothing was changed."
DISMISSED_SESSION_KEY = "kith_dismissed_duplicates"


@login_required
@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    length = request.META.get("CONTENT_LENGTH", "")
    too_large = length.isascii() and length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 2**20
    form = ImportForm(
        None if too_large else (request.POST or None), None if too_large else request.FILES or None
    )
    if too_large:
        messages.error(
            request,
            f"That file is larger than {MAX_UPLOAD_BYTES // 2**20} MB, the most Kith accepts.",
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = ImportRun.objects.create(
            owner=request.user,
            kind=data["kind"],
            file=data["file"],
            original_name=data["file"].name[:255],
            options={key: data[key].isoformat() for key in ("since", "until") if data[key]},
        )
        transaction.on_commit(lambda: _enqueue(run))
        return redirect(run)
    runs = ImportRun.objects.owned_by(request.user)[:RECENT_RUNS]
    return render(request, "portability/import_index.html", {"form": form, "runs": runs})


def _enqueue(run: ImportRun) -> None:
    try:
        import_run.delay(run.pk)
    except OperationalError:
        logger.exception("Could not queue import %s", run.pk)
        import_run_fail(run, NOT_QUEUED)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def import_detail(request: HttpRequest, importrun_id: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.owned_by(request.user), pk=importrun_id)
    return render(
        request,
        template_for(request, "portability/import_detail.html", "status"),
        {"run": run},
    )


@login_required
@require_GET
def export_data(request: HttpRequest) -> StreamingHttpResponse:
    # Streamed: 30,000 contacts with photos are never held in memory at once.
    response = StreamingHttpResponse(
        data_export_chunks(request.user), content_type="application/json; charset=utf-8"
    )
    return _download(response, "json")


@login_required
@require_GET
def export_contacts_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    contacts_csv(request.user, response)
    return _download(response, "csv")


@login_required
@require_GET
def export_vcard(request: HttpRequest) -> HttpResponse:
    return _download(
        HttpResponse(vcard_export(request.user), content_type="text/vcard; charset=utf-8"), "vcf"
    )


def _download[R: (HttpResponse, StreamingHttpResponse)](response: R, suffix: str) -> R:
    response["Content-Disposition"] = (
        f'attachment; filename="kith-{timezone.localdate():%Y-%m-%d}.{suffix}"'
    )
    return response


@login_required
@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    dismissed = {frozenset(pair) for pair in request.session.get(DISMISSED_SESSION_KEY, [])}
    pairs = duplicate_pairs(request.user, dismissed=dismissed)
    return render(request, "portability/duplicates.html", {"pairs": pairs})


def _pair_for_user(request: HttpRequest) -> tuple[Contact, Contact]:
    keep, other = parse_id(request.POST.get("keep")), parse_id(request.POST.get("other"))
    if keep is None or other is None or keep == other:
        raise ValueError("Choose two different contacts to merge.")
    contacts = Contact.objects.owned_by(request.user).in_bulk([keep, other])
    if len(contacts) != 2:
        raise ValueError("One of these contacts is no longer in your network.")
    return contacts[keep], contacts[other]


@login_required
@require_POST
def duplicates_merge(request: HttpRequest) -> HttpResponse:
    try:
        keep, other = _pair_for_user(request)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("portability:duplicates")
    names = f"{keep.full_name} and {other.full_name}"
    merged = contacts_merge(request.user, keep, other, fields_picked_from_other(request.POST))
    messages.success(
        request,
        f"{names} are now one person, {merged.full_name}: every interaction, invitation and "
        "tag is kept.",
    )
    return redirect(merged)


@login_required
@require_POST
def duplicates_dismiss(request: HttpRequest) -> HttpResponse:
    try:
        keep, other = _pair_for_user(request)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("portability:duplicates")
    dismissed = request.session.get(DISMISSED_SESSION_KEY, [])
    request.session[DISMISSED_SESSION_KEY] = [*dismissed, [keep.pk, other.pk]][-500:]
    messages.success(request, f"{keep.full_name} and {other.full_name} stay two people.")
    return redirect("portability:duplicates")
