"""Everything an owner has in Kith as one versioned JSON document, and back; contacts as CSV.

The document is built from each model's _meta: a field added later is exported and imported
without editing this module. A new model the owner owns needs a line in KINDS.

Objects refer to each other by their exported "id"; an import gives them new ids and remaps
every reference. Dates and datetimes are ISO 8601, UUIDs are strings, and files (photos) are
embedded as base64 with their extension, so an export is complete on its own.
"""

import base64
import binascii
import csv
import datetime
import decimal
import io
import re
import uuid
from pathlib import PurePath
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from PIL import Image

from interactions.models import Event, FollowUp, Interaction
from invitations.models import Invitation
from network.models import Contact, OwnerSettings, Tag
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
}
# An import run is kept as history; the file that was uploaded is not part of the network.
LEFT_OUT = {ImportRun: {"file"}}
# A run still waiting or running cannot resume without its file in another account.
FINISHED_RUNS = [ImportRun.Status.DONE, ImportRun.Status.FAILED]
EXTENSION = re.compile(r"(\.[a-z0-9]{1,9})?")
BATCH_SIZE = 500

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


def data_export(owner) -> dict:
    """Everything the owner has, as a JSON-able document; one query per kind."""
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "user": {"username": owner.get_username(), "email": owner.email},
        "settings": _settings_document(owner),
    }
    for key, model in KINDS.items():
        document[key] = [_object_document(obj) for obj in _owned(model, owner)]
    return document


def data_import(owner, document: dict) -> dict[str, int]:
    """Loads an export into the owner's empty account, all or nothing; returns counts per kind.

    Raises ImportFileError, with a message a person understands, for a document that is not a
    version 1 Kith export or is damaged, and for an account that already holds a network.
    """
    _check_outline(document)
    saved_files: list[FieldFile] = []
    try:
        with transaction.atomic():
            _refuse_non_empty(owner)
            _load_settings(owner, document["settings"])
            id_maps: dict[type[models.Model], dict[int, int]] = {}
            counts = {
                key: _load_kind(owner, key, model, document[key], id_maps, saved_files)
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
        if model is not ImportRun and model.objects.filter(owner=owner).exists()
    ]
    if present:
        held = ", ".join(key.replace("_", " ") for key in present)
        raise ImportFileError(
            f"This account already has {held}. A full export is imported only into an empty "
            "account, so that nothing is duplicated or mixed up."
        )


def _load_settings(owner, document: dict) -> None:
    settings = OwnerSettings.for_user(owner)
    for field in _fields(OwnerSettings):
        if not field.primary_key and field.name in document:
            value = _imported_value(field, document[field.name], "The settings", {})
            setattr(settings, field.attname, value)
    settings.save()


def _load_kind(
    owner,
    key: str,
    model: type[models.Model],
    items: list,
    id_maps: dict[type[models.Model], dict[int, int]],
    saved_files: list[FieldFile],
) -> int:
    """Creates the objects of one kind, in batches, and records their new ids in id_maps."""
    fields = [field for field in _fields(model) if not field.primary_key]
    automatic = [field for field in fields if _is_automatic(field)]
    objects, old_ids, automatic_values, related_ids = [], [], [], []
    seen: set[int] = set()
    for position, item in enumerate(items, 1):
        old_id = _item_id(key, position, item, seen)
        seen.add(old_id)
        where = f"In the export, {model._meta.verbose_name} {old_id}"
        values, files = {}, {}
        for field in fields:
            if field.name not in item:
                if not (field.has_default() or field.null or field.blank):
                    raise ImportFileError(f"{where} has no “{field.name}”.")
            elif isinstance(field, models.FileField):
                files[field] = _file_content(field, item[field.name], where)
            else:
                values[field.attname] = _imported_value(field, item[field.name], where, id_maps)
        obj = model(owner=owner, **values)
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
                field: _related_ids(field, item.get(field.name, []), where, id_maps)
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


def _is_automatic(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _item_id(key: str, position: int, item: Any, seen: set[int]) -> int:
    if not isinstance(item, dict):
        raise ImportFileError(
            f"In the export, item {position} of “{key}” should be an object, "
            f"not {_json_type(item)}."
        )
    old_id = item.get("id")
    if not _is_whole_number(old_id):
        raise ImportFileError(f"In the export, item {position} of “{key}” has no numeric “id”.")
    if old_id in seen:
        raise ImportFileError(f"In the export, two of “{key}” have the id {old_id}.")
    return old_id


def _imported_value(
    field: models.Field, raw: Any, where: str, id_maps: dict[type[models.Model], dict[int, int]]
) -> Any:
    if raw is None:
        if field.null:
            return None
        raise ImportFileError(f"{where}: “{field.name}” cannot be empty.")
    if field.is_relation:
        return _new_id(field.related_model, raw, where, id_maps)
    if isinstance(field, models.JSONField):
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
        raise ImportFileError(
            f"{where}: “{field.name}” should be {expected}, not {_json_type(raw)}."
        )
    if isinstance(field, models.CharField) and field.max_length and len(raw) > field.max_length:
        raise ImportFileError(
            f"{where}: “{field.name}” is longer than {field.max_length} characters."
        )
    try:
        value = field.to_python(raw)
    except ValidationError as error:
        raise ImportFileError(f"{where}: “{field.name}”: {' '.join(error.messages)}") from error
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _new_id(
    model: type[models.Model], old_id: Any, where: str, id_maps: dict[type[models.Model], dict]
) -> int:
    new_id = id_maps.get(model, {}).get(old_id) if _is_whole_number(old_id) else None
    if new_id is None:
        raise ImportFileError(
            f"{where} refers to {model._meta.verbose_name} {old_id!r}, which is not in the file."
        )
    return new_id


def _related_ids(
    field: models.ManyToManyField, raw: Any, where: str, id_maps: dict[type[models.Model], dict]
) -> list[int]:
    if not isinstance(raw, list):
        raise ImportFileError(
            f"{where}: “{field.name}” should be a list of ids, not {_json_type(raw)}."
        )
    return [_new_id(field.related_model, old_id, where, id_maps) for old_id in raw]


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


def _file_content(field: models.FileField, raw: Any, where: str) -> ContentFile | None:
    if raw is None:
        return None
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("extension"), str)
        and isinstance(raw.get("base64"), str)
    ):
        raise ImportFileError(
            f"{where}: “{field.name}” should be an object with “extension” and “base64”."
        )
    extension = raw["extension"].lower()
    if not EXTENSION.fullmatch(extension):
        raise ImportFileError(f"{where}: “{field.name}” has an odd extension, {extension!r}.")
    try:
        data = base64.b64decode(raw["base64"], validate=True)
    except binascii.Error as error:
        raise ImportFileError(f"{where}: “{field.name}” is not valid base64.") from error
    if isinstance(field, models.ImageField):
        # As Django's image form field does: any failure to read it means it is not an image.
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except Exception as error:
            raise ImportFileError(
                f"{where}: “{field.name}” is not an image Kith can read."
            ) from error
    return ContentFile(data, name=f"{field.name}{extension}")


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
