"""Everything an owner has in Kith as one versioned JSON document, and back; contacts as CSV.

The document is built from each model's _meta: a field added later is exported and imported
without editing this module. A new model the owner owns needs a line in KINDS. An import reads
only the fields a model has and ignores other keys, so a file from before a field was dropped
(a contact's tie_strength and next_recall_at, reserved columns replaced by insights) still imports.

Objects refer to each other by their exported "id"; an import gives them new ids and remaps
every reference. A recall card and a tie have no id of their own: their key is their contact
("contact"), remapped like any reference, and a contact has at most one of each. Dates and datetimes are ISO 8601, UUIDs are strings, and files (photos) are
embedded as base64 with their extension, so an export is complete on its own.

An export is a file anyone can edit, so an import trusts nothing in it: every value passes the
validation the forms apply, and a photo is re-drawn from its pixels like an uploaded one.
What Kith reads without a form (a recall card's FSRS columns, the card an undo writes back, a
tie's layer and reason) is checked against what the code reading it accepts.

Insights: recall cards, recall logs (the owner's own answers) and weekly recall snapshots are
history that cannot be recomputed, so they travel as they are. A tie is mostly derived from
the interactions and recall, but its quiet_until, let_go_on and flagged_on are the owner's
review decisions: ties are exported and imported as they are, so the account shows the same
at once, and the recompute that follows every finished import (import_data calls
portability.runs.insights_recompute_after_import) derives the figures again from the imported
data. That recompute never rewrites quiet_until or let_go_on, and keeps flagged_on while the
tie is still weak.
"""

import base64
import binascii
import csv
import datetime
import decimal
import json
import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import Any, TextIO

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from insights.models import RecallCard, RecallLog, RecallSnapshot, Tie
from insights.recall import CARD_COLUMNS
from insights.ties import LAYERS, WEAK_REASON_WORDS
from interactions.models import Event, FollowUp, Interaction
from invitations.models import DeclineMessage, DigestSent, IntroductionRequest, Invitation, Review
from network.models import Contact, OwnerSettings, Tag
from network.photos import MAX_PHOTO_BYTES, TOO_LARGE, reencode_photo
from portability.importing import ImportFileError
from portability.models import ImportRun

FORMAT = "kith-export"
FORMAT_VERSION = 1

# In dependency order: a kind refers only to kinds above it.
KINDS: dict[str, type[models.Model]] = {
    "tags": Tag,
    "contacts": Contact,
    "events": Event,
    "interactions": Interaction,
    "follow_ups": FollowUp,
    "invitations": Invitation,
    "import_runs": ImportRun,
    "decline_messages": DeclineMessage,
    "introduction_requests": IntroductionRequest,
    "reviews": Review,
    "digests_sent": DigestSent,
    "recall_cards": RecallCard,
    "recall_logs": RecallLog,
    "recall_snapshots": RecallSnapshot,
    "ties": Tie,
}
# Kinds added after version 1 was first written: an export from before them has none.
ADDED_LATER = {
    "decline_messages",
    "introduction_requests",
    "reviews",
    "digests_sent",
    "recall_cards",
    "recall_logs",
    "recall_snapshots",
    "ties",
}
# Kith makes these by itself (the default decline on first use, a review opened, the weekly
# digest, recall cards, ties and this week's snapshot from a recompute), so they do not make an
# account "already used"; an export holding its own replaces them.
MADE_BY_KITH = {DeclineMessage, Review, DigestSent, RecallCard, RecallSnapshot, Tie}
# An import run is kept as history; the file that was uploaded is not part of the network.
LEFT_OUT = {ImportRun: {"file"}, Contact: {"name_key"}}  # name_key follows the name
# A run still waiting or running cannot resume without its file in another account.
FINISHED_RUNS = [ImportRun.Status.DONE, ImportRun.Status.FAILED]
BATCH_SIZE = 500
CHUNK_CHARS = 64 * 1024

CSV_COLUMNS = [
    "Name",
    "Company",
    "Title",
    "Email",
    "Phone",
    "LinkedIn",
    "Location",
    "How we met",
    "Stands for",
    "Tags",
    "LinkedIn status",
    "Connected on",
    "Last interaction",
    "In person count",
    "Other interactions",
    "Archived",
    "Notes",
]
# A spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def data_export_chunks(owner) -> Iterator[str]:
    """The owner's export as JSON text, in pieces of about CHUNK_CHARS.

    One object (with its photo) is in memory at a time, so an export of 30,000 contacts with
    photos streams in bounded memory. Every query reads the same snapshot of the database: an
    import running meanwhile cannot make one object refer to another the export left out.
    """
    with _snapshot():
        yield from _buffered(_export_pieces(owner))


def data_import(owner, document: Any) -> dict[str, int]:
    """Loads an export into the owner's empty account, all or nothing; returns counts per kind.

    Every value goes through the models' own validation (choices, lengths, validators and
    clean(), the rules the forms apply) and every photo is re-drawn by reencode_photo. Raises
    ImportFileError naming the first bad value by its path, e.g. `interactions[12].kind:
    "telepathy" is not a kind Kith knows`, for a document that is not a version 1 Kith export
    or holds anything a form would refuse, and for an account that already holds a network.
    """
    _check_outline(document)
    saved_files: list[FieldFile] = []
    try:
        with transaction.atomic():
            _refuse_non_empty(owner)
            _replace_made_by_kith(owner, document)
            settings = _load_settings(owner, document["settings"])
            # "Not in the future" means in the owner's own day, as on the forms.
            with timezone.override(settings.timezone):
                id_maps: dict[type[models.Model], dict[int, int]] = {}
                counts = {
                    key: _load_kind(owner, key, model, document.get(key, []), id_maps, saved_files)
                    for key, model in KINDS.items()
                }
    except (IntegrityError, DataError) as error:
        _delete_files(saved_files)
        raise ImportFileError(f"The export holds something Kith cannot store: {error}.") from error
    except BaseException:
        _delete_files(saved_files)
        raise
    return counts


def contacts_csv(owner, stream: TextIO) -> None:
    """Writes the owner's contacts, archived ones too, as CSV safe to open in a spreadsheet.

    stream is a text stream (a file opened with encoding="utf-8" and newline="", or an
    HttpResponse); a byte-order mark comes first so Excel reads accents.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for contact in Contact.objects.owned_by(owner).prefetch_related("tags"):
        row = [
            contact.full_name,
            contact.company,
            contact.title,
            contact.email,
            contact.phone,
            contact.linkedin_url,
            contact.location,
            contact.how_we_met,
            contact.stands_for,
            ", ".join(tag.name for tag in contact.tags.all()),
            contact.get_linkedin_status_display(),
            contact.connected_on,
            contact.last_interaction_on,
            contact.in_person_count,
            contact.other_interaction_count,
            "yes" if contact.is_archived else "no",
            contact.notes,
        ]
        writer.writerow([_spreadsheet_safe(value) for value in row])


def _spreadsheet_safe(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


# Export


@contextmanager
def _snapshot() -> Iterator[None]:
    if connection.in_atomic_block:
        yield  # a caller's transaction already decides what the export sees
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # PostgreSQL's default gives each query its own snapshot; this makes it one.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _buffered(pieces: Iterator[str]) -> Iterator[str]:
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= CHUNK_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def _export_pieces(owner) -> Iterator[str]:
    """The document one object per line: readable, and diffable between two exports."""
    head = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "user": {"username": owner.get_username(), "email": owner.email},
        "settings": _settings_document(owner),
    }
    yield "{\n"
    for key, value in head.items():
        yield f"{_json(key)}: {_json(value)},\n"
    for number, (key, model) in enumerate(KINDS.items()):
        yield f"{_json(key)}: ["
        for position, obj in enumerate(_owned(model, owner).iterator(chunk_size=BATCH_SIZE)):
            yield ("\n" if position == 0 else ",\n") + _json(_object_document(obj))
        yield "\n]" if number == len(KINDS) - 1 else "\n],\n"
    yield "\n}\n"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _owned(model: type[models.Model], owner) -> models.QuerySet:
    objects = model.objects.filter(owner=owner).order_by("pk")
    if model is ImportRun:
        objects = objects.filter(status__in=FINISHED_RUNS)
    many_to_many = [field.name for field in model._meta.many_to_many]
    return objects.prefetch_related(*many_to_many) if many_to_many else objects


def _fields(model: type[models.Model]) -> list[models.Field]:
    """Every concrete field the document carries: all but the owner and what is left out."""
    left_out = {"owner", *LEFT_OUT.get(model, ())}
    return [field for field in model._meta.concrete_fields if field.name not in left_out]


def _settings_document(owner) -> dict:
    # Settings are created on first use; an owner who never opened them has the defaults.
    settings = OwnerSettings.objects.filter(owner=owner).first() or OwnerSettings(owner=owner)
    return {
        field.name: _exported_value(field, settings)
        for field in _fields(OwnerSettings)
        if not field.primary_key
    }


def _object_document(obj: models.Model) -> dict:
    model = type(obj)
    document = {field.name: _exported_value(field, obj) for field in _fields(model)}
    for field in model._meta.many_to_many:
        document[field.name] = [related.pk for related in getattr(obj, field.name).all()]
    return document


def _exported_value(field: models.Field, obj: models.Model) -> Any:
    if isinstance(field, models.FileField):
        return _file_document(getattr(obj, field.attname))
    value = field.value_from_object(obj)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _file_document(file: FieldFile) -> dict | None:
    if not file:
        return None
    try:
        with file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        # The file was already lost from storage; the rest of the export is still worth having.
        return None
    return {
        "extension": PurePath(file.name).suffix.lower(),
        "base64": base64.b64encode(data).decode("ascii"),
    }


# Import


def _check_outline(document: Any) -> None:
    if not isinstance(document, dict):
        raise ImportFileError(
            f"This is not a Kith export: it should be a JSON object, not {_json_type(document)}."
        )
    if document.get("format") != FORMAT:
        raise ImportFileError(f"This is not a Kith export: its “format” is not “{FORMAT}”.")
    version = document.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise ImportFileError(
            f"This export is version {version!r}; this Kith reads version {FORMAT_VERSION}. "
            "Export again from a Kith of the same version."
        )
    if not isinstance(document.get("settings"), dict):
        raise ImportFileError(_missing_or_wrong(document, "settings", "an object"))
    for key in KINDS:
        if key in ADDED_LATER and key not in document:
            continue
        if not isinstance(document.get(key), list):
            raise ImportFileError(_missing_or_wrong(document, key, "a list"))


def _missing_or_wrong(document: dict, key: str, expected: str) -> str:
    if key not in document:
        return f"The export has no “{key}”; is the file complete?"
    return f"In the export, “{key}” should be {expected}, not {_json_type(document[key])}."


def _refuse_non_empty(owner) -> None:
    # Import runs do not count: an account may have tried an import that failed.
    present = [
        key
        for key, model in KINDS.items()
        if model is not ImportRun
        and model not in MADE_BY_KITH
        and model.objects.filter(owner=owner).exists()
    ]
    if present:
        held = ", ".join(key.replace("_", " ") for key in present)
        raise ImportFileError(
            f"This account already has {held}. A full export is imported only into an empty "
            "account, so that nothing is duplicated or mixed up."
        )


def _replace_made_by_kith(owner, document: dict) -> None:
    for key, model in KINDS.items():
        if model in MADE_BY_KITH and document.get(key):
            model.objects.filter(owner=owner).delete()


def _load_settings(owner, document: dict) -> OwnerSettings:
    settings = OwnerSettings.for_user(owner)
    for field in _fields(OwnerSettings):
        if not field.primary_key and field.name in document:
            value = _imported_value(field, document[field.name], f"settings.{field.name}", {})
            setattr(settings, field.attname, value)
    _validate(settings, "settings", skipped=["owner"])
    settings.save()
    return settings


def _load_kind(
    owner,
    key: str,
    model: type[models.Model],
    items: list,
    id_maps: dict[type[models.Model], dict[int, int]],
    saved_files: list[FieldFile],
) -> int:
    """Creates the objects of one kind, in batches, and records their new ids in id_maps."""
    pk = model._meta.pk
    # A key that is a reference (a card's contact) is imported like one; an "id" is replaced.
    fields = [field for field in _fields(model) if field is not pk or pk.is_relation]
    automatic = [field for field in fields if _is_automatic(field)]
    # References are checked against the document (id_maps), photos by reencode_photo.
    skipped = ["owner", *(f.name for f in fields if f.is_relation or isinstance(f, FileField))]
    objects, old_ids, automatic_values, related_ids = [], [], [], []
    seen: set[int] = set()
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        old_id = _item_id(where, item, seen, pk)
        seen.add(old_id)
        values, files = {}, {}
        for field in fields:
            path = f"{where}.{field.name}"
            if field.name not in item:
                if not (field.has_default() or field.null or field.blank):
                    raise ImportFileError(f"{path} is missing.")
            elif isinstance(field, FileField):
                files[field] = _file_content(item[field.name], path)
            else:
                values[field.attname] = _imported_value(field, item[field.name], path, id_maps)
        _remap_inner_references(model, values, where, id_maps)
        _check_insights(model, values, where)
        # A person keeps the source the document records; one without it came from this file.
        defaults = {"source": Contact.Source.JSON} if model is Contact else {}
        obj = model(owner=owner, **(defaults | values))
        _validate(obj, where, skipped)
        _refuse_unfinished_run(obj, where)
        for field, content in files.items():
            if content is not None:
                getattr(obj, field.attname).save(content.name, content, save=False)
                saved_files.append(getattr(obj, field.attname))
        objects.append(obj)
        old_ids.append(old_id)
        automatic_values.append(
            {f.attname: values[f.attname] for f in automatic if f.attname in values}
        )
        related_ids.append(
            {
                field: _related_ids(
                    field, item.get(field.name, []), f"{where}.{field.name}", id_maps
                )
                for field in model._meta.many_to_many
            }
        )

    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    if automatic:
        # bulk_create stamps auto_now fields with the time of the import; put the originals back.
        for obj, originals in zip(objects, automatic_values, strict=True):
            for attname, value in originals.items():
                setattr(obj, attname, value)
        model.objects.bulk_update(objects, [f.name for f in automatic], batch_size=BATCH_SIZE)
    for field in model._meta.many_to_many:
        _link(field, objects, related_ids)
    id_maps[model] = {old: obj.pk for old, obj in zip(old_ids, objects, strict=True)}
    return len(objects)


def _remap_inner_references(
    model: type[models.Model], values: dict, where: str, id_maps: dict[type[models.Model], dict]
) -> None:
    """Ids kept inside JSON fields follow their objects to their new ids. Undo writes them back
    without a form, so a value naming anything outside the file is refused here."""
    if model is Invitation and values.get("undo_state"):
        state = dict(values["undo_state"])
        path = f"{where}.undo_state"
        if state.get("status", Invitation.Status.PENDING) not in Invitation.Status.values:
            raise ImportFileError(f"{path}.status: {_json(state['status'])} is not a status.")
        if state.get("contact_id") is not None:
            state["contact_id"] = _new_id(
                Contact, state["contact_id"], f"{path}.contact_id", id_maps
            )
        values["undo_state"] = state
    if model is Review and values.get("skipped_items"):
        values["skipped_items"] = [
            _skipped_item(raw, f"{where}.skipped_items[{number}]", id_maps)
            for number, raw in enumerate(values["skipped_items"])
        ]


def _check_insights(model: type[models.Model], values: dict, where: str) -> None:
    """What the recall and tie code reads without a form must be what it can read: fsrs gets
    a card's columns as they are, undo writes card_before back, pages name a tie's layer."""
    if model is RecallCard:
        _check_card(values, where)
    elif model is RecallLog:
        values["card_before"] = _card_before(values.get("card_before", {}), where)
    elif model is RecallSnapshot:
        if values["week"].weekday() != 0:
            raise ImportFileError(
                f"{where}.week: {values['week'].isoformat()} is not a Monday "
                "(a snapshot is the week starting that Monday)."
            )
    elif model is Tie:
        _check_tie(values, where)


def _check_card(columns: dict, where: str) -> None:
    state = columns.get("state", 1)
    stability, difficulty = columns.get("stability"), columns.get("difficulty")
    if state not in (1, 2, 3):
        raise ImportFileError(
            f"{where}.state: {_json(state)} is not a card state Kith knows "
            "(1 learning, 2 review, 3 relearning)."
        )
    if state in (1, 3) and columns.get("step") is None:
        raise ImportFileError(f"{where}.step: a card in state {state} needs its step.")
    if state != 1 and (stability is None or difficulty is None):
        raise ImportFileError(
            f"{where}.stability: a card in state {state} needs its stability and difficulty."
        )
    if stability is not None and not (math.isfinite(stability) and stability > 0):
        raise ImportFileError(f"{where}.stability: should be above 0, not {_json(stability)}.")
    if difficulty is not None and not (math.isfinite(difficulty) and 1 <= difficulty <= 10):
        raise ImportFileError(
            f"{where}.difficulty: should be from 1 to 10, not {_json(difficulty)}."
        )
    if columns.get("reviews", 0) > 0 and None in (
        columns.get("last_rating"),
        columns.get("last_review"),
    ):
        raise ImportFileError(
            f"{where}.last_rating: a card checked before needs its last rating and last review."
        )


def _card_before(raw: dict, where: str) -> dict:
    """The card an undo restores, each column checked as a card's own; kept JSON-ready."""
    path = f"{where}.card_before"
    if not isinstance(raw, dict) or set(raw) != set(CARD_COLUMNS):
        raise ImportFileError(f"{path}: should be an object with {', '.join(CARD_COLUMNS)}.")
    columns = {}
    for name in CARD_COLUMNS:
        field = RecallCard._meta.get_field(name)
        columns[name] = _imported_value(field, raw[name], f"{path}.{name}", {})
    _validate(RecallCard(contact_id=0, **columns), path, skipped=["owner", "contact"])
    _check_card(columns, path)
    return {
        name: value.isoformat() if isinstance(value, datetime.datetime) else value
        for name, value in columns.items()
    }


def _check_tie(values: dict, where: str) -> None:
    for name in ("score", "score_month_ago"):
        value = values.get(name)
        if value is not None and not (math.isfinite(value) and 0 <= value <= 100):
            raise ImportFileError(f"{where}.{name}: should be from 0 to 100, not {_json(value)}.")
    layer = values.get("layer")
    if layer is not None and not 1 <= layer <= len(LAYERS):
        raise ImportFileError(
            f"{where}.layer: {layer} is not a layer Kith knows (1 to {len(LAYERS)})."
        )
    reason = values.get("weak_reason", "")
    if reason and reason not in WEAK_REASON_WORDS:
        known = ", ".join(WEAK_REASON_WORDS)
        raise ImportFileError(
            f"{where}.weak_reason: {_json(reason)} is not a weak-tie reason Kith knows ({known})."
        )
    factors = values.get("factors", [])
    shape = {"name": str, "points": int | float, "words": str}
    if not isinstance(factors, list) or not all(
        isinstance(factor, dict)
        and set(factor) == set(shape)
        and all(isinstance(factor[key], kind) for key, kind in shape.items())
        and not isinstance(factor["points"], bool)
        for factor in factors
    ):
        raise ImportFileError(
            f"{where}.factors: should be a list of objects with “name”, “points” and “words”."
        )


# What a review skips: an invitation, or a weak tie named by its contact (ties are recomputed).
SKIPPED_KINDS: dict[str, type[models.Model]] = {"invitation": Invitation, "tie": Contact}


def _skipped_item(raw: Any, path: str, id_maps: dict[type[models.Model], dict]) -> str:
    kind, _, old_id = raw.partition(":") if isinstance(raw, str) else ("", "", "")
    # isdecimal, not isdigit: int() refuses digits such as "²".
    if kind not in SKIPPED_KINDS or not old_id.isdecimal():
        raise ImportFileError(
            f"{path}: should be “invitation:<id>” or “tie:<contact id>”, not {_json(raw)}."
        )
    return f"{kind}:{_new_id(SKIPPED_KINDS[kind], int(old_id), path, id_maps)}"


def _validate(obj: models.Model, where: str, skipped: list[str]) -> None:
    """The checks a form makes: each field's choices, length and validators, then clean().

    Uniqueness is left to the database (one query per object would not scale to 30,000).
    """
    try:
        obj.full_clean(exclude=skipped, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ImportFileError(_first_problem(obj, where, error)) from None


def _first_problem(obj: models.Model, where: str, error: ValidationError) -> str:
    problems = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
    for field in obj._meta.concrete_fields:
        if field.name in problems:
            return f"{where}.{field.name}: {_problem_text(obj, field, problems[field.name][0])}"
    first = next(iter(problems.values()))[0]
    return f"{where}: {' '.join(first.messages)}"


def _problem_text(obj: models.Model, field: models.Field, problem: ValidationError) -> str:
    if problem.code == "invalid_choice":
        known = ", ".join(str(value) for value, _ in field.flatchoices)
        label = field.name.replace("_", " ")
        return f"{_json(getattr(obj, field.attname))} is not a {label} Kith knows ({known})."
    return " ".join(problem.messages)


def _refuse_unfinished_run(obj: models.Model, where: str) -> None:
    if isinstance(obj, ImportRun) and obj.status not in FINISHED_RUNS:
        raise ImportFileError(
            f"{where}.status: {_json(obj.status)}: an import that has not finished cannot "
            "be moved to another Kith (its file is not in the export); "
            f"only {' and '.join(FINISHED_RUNS)} runs are."
        )


def _is_automatic(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _item_id(where: str, item: Any, seen: set[int], key: models.Field) -> int:
    """The object's id in the file: its "id", or its contact for a model keyed by its contact."""
    if not isinstance(item, dict):
        raise ImportFileError(f"{where}: should be an object, not {_json_type(item)}.")
    name = key.name if key.is_relation else "id"
    old_id = item.get(name)
    if not _is_whole_number(old_id):
        raise ImportFileError(
            f"{where}.{name}: should be a whole number, not {_json_type(old_id)}."
        )
    if old_id in seen and key.is_relation:
        kind, target = key.model._meta.verbose_name, key.related_model._meta.verbose_name
        raise ImportFileError(
            f"{where}.{name}: {target} {old_id} already has a {kind} earlier in the file; "
            f"a {target} has one at most."
        )
    if old_id in seen:
        raise ImportFileError(f"{where}.id: another of the same kind has the id {old_id}.")
    return old_id


def _imported_value(
    field: models.Field, raw: Any, path: str, id_maps: dict[type[models.Model], dict[int, int]]
) -> Any:
    if raw is None:
        if field.null:
            return None
        raise ImportFileError(f"{path}: cannot be empty (null).")
    if field.is_relation:
        return _new_id(field.related_model, raw, path, id_maps)
    if isinstance(field, models.JSONField):
        if not isinstance(raw, dict | list):
            raise ImportFileError(f"{path}: should be an object, not {_json_type(raw)}.")
        return raw
    if isinstance(field, models.BooleanField):
        expected, valid = "true or false", isinstance(raw, bool)
    elif isinstance(field, models.IntegerField):
        expected, valid = "a whole number", _is_whole_number(raw)
    elif isinstance(field, models.FloatField):
        expected, valid = "a number", isinstance(raw, int | float) and not isinstance(raw, bool)
    else:
        expected, valid = "text", isinstance(raw, str)
    if not valid:
        raise ImportFileError(f"{path}: should be {expected}, not {_json_type(raw)}.")
    if isinstance(field, models.CharField) and field.max_length and len(raw) > field.max_length:
        raise ImportFileError(f"{path}: is longer than {field.max_length} characters.")
    try:
        value = field.to_python(raw)
    except ValidationError as error:
        raise ImportFileError(f"{path}: {' '.join(error.messages)}") from error
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _new_id(
    model: type[models.Model], old_id: Any, path: str, id_maps: dict[type[models.Model], dict]
) -> int:
    new_id = id_maps.get(model, {}).get(old_id) if _is_whole_number(old_id) else None
    if new_id is None:
        raise ImportFileError(
            f"{path}: refers to {model._meta.verbose_name} {_json(old_id)}, "
            "which is not in the file."
        )
    return new_id


def _related_ids(
    field: models.ManyToManyField, raw: Any, path: str, id_maps: dict[type[models.Model], dict]
) -> list[int]:
    if not isinstance(raw, list):
        raise ImportFileError(f"{path}: should be a list of ids, not {_json_type(raw)}.")
    return [_new_id(field.related_model, old_id, path, id_maps) for old_id in raw]


def _link(
    field: models.ManyToManyField,
    objects: list[models.Model],
    related_ids: list[dict[models.ManyToManyField, list[int]]],
) -> None:
    through = field.remote_field.through
    own, other = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    links = [
        through(**{own: obj.pk, other: related_id})
        for obj, ids in zip(objects, related_ids, strict=True)
        for related_id in dict.fromkeys(ids[field])
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)


def _file_content(raw: Any, path: str) -> ContentFile | None:
    """A photo from the document, re-drawn by Kith; its extension in the document is ignored."""
    if raw is None:
        return None
    if not (isinstance(raw, dict) and isinstance(raw.get("base64"), str)):
        raise ImportFileError(f"{path}: should be an object with “extension” and “base64”.")
    if len(raw["base64"]) > MAX_PHOTO_BYTES * 4 // 3 + 4:
        raise ImportFileError(f"{path}: {TOO_LARGE}")
    try:
        data = base64.b64decode(raw["base64"], validate=True)
    except binascii.Error as error:
        raise ImportFileError(f"{path}: is not valid base64.") from error
    try:
        return reencode_photo(data)
    except ValidationError as error:
        raise ImportFileError(f"{path}: {' '.join(error.messages)}") from error


def _delete_files(files: list[FieldFile]) -> None:
    for file in files:
        file.storage.delete(file.name)


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"
