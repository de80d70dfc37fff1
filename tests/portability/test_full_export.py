"""A full export carries everything an owner has; importing it into an empty account gives it
all back: nothing lost, nothing of anyone else's, nothing half done."""

import base64
import csv
import datetime
import io
import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from config import celery_app
from insights.compute import recompute_owner
from insights.models import RecallCard, RecallLog, RecallSnapshot, Tie
from insights.recall import recall_answer, recall_cards_ensure, recall_undo
from interactions.models import Interaction
from invitations.models import DeclineMessage, DigestSent, Invitation, Review
from network.models import Contact, OwnerSettings
from portability.full_export import (
    ADDED_LATER,
    CHUNK_CHARS,
    FORMAT_VERSION,
    KINDS,
    LEFT_OUT,
    contacts_csv,
    data_export_chunks,
    data_import,
)
from portability.importing import ImportFileError
from portability.models import ImportRun
from tests.factories import (
    ContactFactory,
    DeclineMessageFactory,
    DigestSentFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    IntroductionRequestFactory,
    InvitationFactory,
    OwnerSettingsFactory,
    ReviewFactory,
    TagFactory,
    UserFactory,
)

# Which exported field refers to which kind: the round trip compares ids through these.
REFERENCES = {
    "contacts": {"tags": "tags"},
    "interactions": {"contact": "contacts", "event": "events"},
    "follow_ups": {"contact": "contacts", "interaction": "interactions"},
    "invitations": {"contact": "contacts"},
    "introduction_requests": {"requester": "contacts", "target": "contacts"},
    "recall_cards": {"contact": "contacts"},
    "recall_logs": {"contact": "contacts"},
    "ties": {"contact": "contacts"},
}
MARKER = "Zanzibar-Marker-7"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _export(owner) -> dict:
    return json.loads("".join(data_export_chunks(owner)))


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _picture(encoded: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGB")


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _moment(days_ago: int) -> datetime.datetime:
    return timezone.now().replace(microsecond=123456) - datetime.timedelta(days=days_ago)


def _network(owner) -> None:
    """Something of every kind and every state, with derived fields and old timestamps."""
    OwnerSettingsFactory(
        owner=owner,
        timezone="Europe/Oslo",
        review_weekday=2,
        policy_min_in_person=2,
        policy_min_virtual=5,
        policy_window_months=6,
        recall_desired_retention=0.85,
        recall_daily_limit=7,
    )
    friends = TagFactory(owner=owner, name="Friends")
    work = TagFactory(owner=owner, name="Work")
    TagFactory(owner=owner, name="Unused")
    ada = ContactFactory(
        owner=owner,
        full_name="Ada Lovelace",
        email="ada@example.org",
        phone="+47 555 01 234",
        linkedin_url="https://www.linkedin.com/in/ada",
        location="Oslo",
        how_we_met="PyCon, over coffee",
        notes="Ålesund — likes ∑ and “quotes”",
        closeness=Contact.Closeness.CLOSE,
        linkedin_status=Contact.LinkedInStatus.CONNECTED,
        connected_on=datetime.date(2023, 5, 4),
        photo=SimpleUploadedFile("face.PNG", _png(), content_type="image/png"),
    )
    ada.tags.set([friends, work])
    bob = ContactFactory(
        owner=owner,
        full_name="Bob Archived",
        is_archived=True,
        linkedin_status=Contact.LinkedInStatus.INVITED,
    )
    bob.tags.set([work])
    cleo = ContactFactory(owner=owner, full_name="Cléo", company="", title="")
    Contact.objects.filter(pk=ada.pk).update(
        last_interaction_on=_days_ago(1),
        in_person_count=3,
        other_interaction_count=4,
    )

    dinner = EventFactory(owner=owner, name="Dinner", notes="At Maaemo")
    conference = EventFactory(
        owner=owner, name="Conference", source="ics", external_id="uid-1@example.org"
    )
    first = None
    for number, kind in enumerate(Interaction.Kind.values):
        interaction = InteractionFactory(
            owner=owner,
            contact=bob if number % 2 else ada,
            kind=kind,
            occurred_on=_days_ago(number + 1),
            initiated_by=Interaction.Initiator.values[number % 3],
            note=f"About {kind}",
        )
        first = first or interaction
    batch = uuid.uuid4()
    InteractionFactory(owner=owner, contact=ada, event=dinner, batch=batch)
    InteractionFactory(owner=owner, contact=cleo, event=dinner, batch=batch)
    InteractionFactory(
        owner=owner,
        contact=cleo,
        event=conference,
        source=Interaction.Source.IMPORT,
        external_id="uid-1@example.org/cleo",
    )

    FollowUpFactory(owner=owner, contact=ada, interaction=first, done_at=_moment(2))
    FollowUpFactory(owner=owner, contact=cleo, due_on=_days_ago(-7), note="Send the slides")

    Direction, Status = Invitation.Direction, Invitation.Status
    InvitationFactory(
        owner=owner,
        direction=Direction.INCOMING,
        profile_url="https://www.linkedin.com/in/dora",
        deferred_until=_days_ago(-30),
        sent_at=_moment(3),
    )
    InvitationFactory(
        owner=owner,
        direction=Direction.INCOMING,
        status=Status.ACCEPTED,
        contact=cleo,
        decided_at=_moment(2),
        decision_note="Met at dinner",
    )
    declined = InvitationFactory(
        owner=owner,
        direction=Direction.INCOMING,
        status=Status.DECLINED,
        decided_at=_moment(1),
        decline_message="Let us meet first.",
        contact=ada,
        undo_state={
            "status": "pending",
            "decided_at": None,
            "deferred_until": None,
            "decline_message": "",
            "contact_id": ada.pk,
        },
    )
    InvitationFactory(
        owner=owner,
        direction=Direction.OUTGOING,
        source=Invitation.Source.LINKEDIN,
        external_id="invitation-42",
    )
    InvitationFactory(
        owner=owner,
        direction=Direction.OUTGOING,
        status=Status.WITHDRAWN,
        contact=bob,
        decided_at=_moment(4),
    )

    ImportRun.objects.create(
        owner=owner,
        kind=ImportRun.Kind.LINKEDIN,
        original_name="Basic_LinkedInDataExport.zip",
        options={"since": "2024-01-01"},
        status=ImportRun.Status.DONE,
        summary={"counts": {"contacts": {"created": 3}}, "skipped": [], "skipped_total": 0},
        finished_at=_moment(9),
    )
    ImportRun.objects.create(
        owner=owner,
        kind=ImportRun.Kind.ICS,
        original_name="calendar.ics",
        status=ImportRun.Status.FAILED,
        error="calendar.ics is not a calendar.",
        finished_at=_moment(8),
    )

    DeclineMessageFactory(owner=owner, title="Kind", is_default=True)
    DeclineMessageFactory(owner=owner, title="Short", text="Let us meet first.")
    IntroductionRequestFactory(
        owner=owner, requester=ada, target=cleo, status="introduced", decided_at=_moment(1)
    )
    ReviewFactory(
        owner=owner,
        started_at=_moment(7),
        finished_at=_moment(7),
        accepted=1,
        declined=1,
        skipped=1,
        skipped_items=[f"invitation:{declined.pk}"],
    )
    DigestSentFactory(owner=owner, week=_days_ago(7), sent_at=_moment(7))
    _recall_and_ties(owner, ada, bob, cleo)

    # Old, distinct timestamps: an import that stamped "now" would show in the comparison.
    for model in KINDS.values():
        stamped = [
            field.name
            for field in model._meta.concrete_fields
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        ]
        model.objects.filter(owner=owner).update(
            **{
                name: F(name) - datetime.timedelta(days=400 - 100 * number)
                for number, name in enumerate(stamped)
            }
        )


def _recall_and_ties(owner, ada, bob, cleo) -> None:
    """Recall checks answered through FSRS (one taken back), snapshots of two weeks, ties
    computed, and the owner's review decisions on them."""
    settings = OwnerSettings.for_user(owner)
    recall_cards_ensure(owner)
    recall_answer(owner, settings, ada, 3, _moment(20))
    recall_answer(owner, settings, ada, 4, _moment(2))
    recall_undo(owner, recall_answer(owner, settings, cleo, 3, _moment(4)), now=_moment(4))
    recall_answer(owner, settings, cleo, 1, _moment(1))
    recompute_owner(owner)
    this_week = RecallSnapshot.objects.get(owner=owner)
    RecallSnapshot.objects.create(
        owner=owner,
        week=this_week.week - datetime.timedelta(days=7),
        total=2,
        recalled=1,
        forgotten=0,
        never_checked=1,
    )
    Tie.objects.filter(contact=ada).update(quiet_until=_days_ago(-30))
    Tie.objects.filter(contact=cleo).update(flagged_on=_days_ago(3))
    # Let go in a review, then archived: the tie row and its decision stay.
    Tie.objects.create(contact=bob, owner=owner, let_go_on=_days_ago(20), computed_on=_days_ago(1))


def _without_ids(document: dict) -> dict:
    """The document with every id and reference replaced by the object's position in its kind."""
    # Recall cards and ties have no id of their own: their key is their contact.
    positions = {
        key: {item["id"]: number for number, item in enumerate(document[key])}
        for key in KINDS
        if all("id" in item for item in document[key])
    }
    result = {"settings": document["settings"]}
    for key in KINDS:
        result[key] = []
        for item in document[key]:
            item = dict(item)
            if "id" in item:
                item["id"] = positions[key][item["id"]]
            for field, target in REFERENCES.get(key, {}).items():
                value = item[field]
                if isinstance(value, list):
                    item[field] = [positions[target][old] for old in value]
                elif value is not None:
                    item[field] = positions[target][value]
            # Ids kept inside JSON fields.
            if item.get("undo_state", {}).get("contact_id") is not None:
                state = item["undo_state"]
                item["undo_state"] = state | {
                    "contact_id": positions["contacts"][state["contact_id"]]
                }
            if "skipped_items" in item:
                item["skipped_items"] = [
                    positions["invitations"][int(entry.split(":")[1])]
                    for entry in item["skipped_items"]
                ]
            result[key].append(item)
    return result


def _differences(first: dict, second: dict) -> list[str]:
    differences = [
        f"settings.{name}: {first['settings'].get(name)!r} != {second['settings'].get(name)!r}"
        for name in first["settings"].keys() | second["settings"].keys()
        if first["settings"].get(name) != second["settings"].get(name)
    ]
    for key in KINDS:
        if len(first[key]) != len(second[key]):
            differences.append(f"{key}: {len(first[key])} != {len(second[key])} objects")
            continue
        for number, (before, after) in enumerate(zip(first[key], second[key], strict=True)):
            differences += [
                f"{key}[{number}].{name}: {before.get(name)!r} != {after.get(name)!r}"
                for name in sorted(before.keys() | after.keys())
                if before.get(name) != after.get(name)
            ]
    return differences


def _row_counts(user) -> dict[str, int]:
    return {key: model.objects.filter(owner=user).count() for key, model in KINDS.items()}


def _photo_files(media_root, user) -> list:
    return list((media_root / "photos" / str(user.pk)).glob("*"))


def test_an_imported_export_exports_again_exactly_the_same(owner, other_user, media_root):
    _network(owner)
    first = _export(owner)
    assert {item["kind"] for item in first["interactions"]} == set(Interaction.Kind.values)
    assert {(i["direction"], i["status"]) for i in first["invitations"]} >= {
        ("incoming", "pending"),
        ("incoming", "accepted"),
        ("incoming", "declined"),
        ("outgoing", "pending"),
        ("outgoing", "withdrawn"),
    }
    assert {item["done_at"] is None for item in first["follow_ups"]} == {True, False}
    assert any(contact["is_archived"] for contact in first["contacts"])
    assert first["contacts"][0]["photo"]["extension"] == ".png"

    counts = data_import(other_user, json.loads(json.dumps(first)))
    second = _export(other_user)

    assert counts == {key: len(first[key]) for key in KINDS}
    assert second["user"] == {"username": "intruder", "email": "intruder@example.org"}
    assert second["version"] == FORMAT_VERSION
    assert {c["id"] for c in first["contacts"]}.isdisjoint(c["id"] for c in second["contacts"])
    # A photo is re-drawn on the way in, like an upload: the same picture, new bytes.
    photos = [document["contacts"][0].pop("photo") for document in (first, second)]
    assert _differences(_without_ids(first), _without_ids(second)) == []
    assert [photo["extension"] for photo in photos] == [".png", ".jpg"]
    before, after = (_picture(photo["base64"]) for photo in photos)
    assert before.size == after.size == (4, 4)
    pixels = zip(before.getpixel((1, 1)), after.getpixel((1, 1)), strict=True)
    assert max(abs(a - b) for a, b in pixels) < 8
    [photo] = _photo_files(media_root, other_user)
    assert photo.suffix == ".jpg"
    assert len(_photo_files(media_root, owner)) == 1


def test_the_export_carries_every_field_of_every_model(owner):
    _network(owner)
    document = _export(owner)
    for key, model in KINDS.items():
        fields = {field.name for field in model._meta.concrete_fields} | {
            field.name for field in model._meta.many_to_many
        }
        expected = fields - {"owner"} - LEFT_OUT.get(model, set())
        assert document[key], f"the network has no {key}"
        assert all(set(item) == expected for item in document[key]), key
        relations = {
            field.name
            for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
            if field.is_relation and field.name != "owner"
        }
        assert relations == set(REFERENCES.get(key, {})), f"update REFERENCES for {key}"
    assert document["settings"]["timezone"] == "Europe/Oslo"
    assert "file" not in document["import_runs"][0]


def test_the_export_leaves_out_imports_that_have_not_finished(owner):
    ImportRun.objects.create(owner=owner, kind=ImportRun.Kind.VCARD, original_name="a.vcf")
    assert _export(owner)["import_runs"] == []


def test_the_export_takes_the_same_queries_however_big_the_network(
    owner, django_assert_num_queries
):
    _network(owner)
    # settings, tags, contacts, their tags, events, interactions, follow-ups, invitations,
    # import runs, decline messages, introduction requests, reviews, digests sent,
    # recall cards, recall logs, recall snapshots, ties
    with django_assert_num_queries(17):
        _export(owner)
    for contact in ContactFactory.create_batch(5, owner=owner):
        contact.tags.add(TagFactory(owner=owner))
        InteractionFactory(owner=owner, contact=contact)
        FollowUpFactory(owner=owner, contact=contact)
        DeclineMessageFactory(owner=owner)
        IntroductionRequestFactory(owner=owner, requester=contact)
    recompute_owner(owner)  # their recall cards and ties
    recall_answer(owner, OwnerSettings.for_user(owner), contact, 2, _moment(1))
    with django_assert_num_queries(17):
        _export(owner)


def test_another_users_data_never_appears_in_an_export(owner, other_user):
    _network(owner)
    contact = ContactFactory(owner=other_user, full_name=f"{MARKER} Contact", notes=MARKER)
    TagFactory(owner=other_user, name=MARKER).contacts.add(contact)
    event = EventFactory(owner=other_user, name=MARKER)
    interaction = InteractionFactory(owner=other_user, contact=contact, event=event, note=MARKER)
    FollowUpFactory(owner=other_user, contact=contact, interaction=interaction, note=MARKER)
    InvitationFactory(owner=other_user, name=MARKER, contact=contact)
    ImportRun.objects.create(
        owner=other_user, kind="ics", original_name=MARKER, status=ImportRun.Status.DONE
    )

    document = _export(owner)

    assert MARKER not in json.dumps(document)
    assert {key: len(document[key]) for key in KINDS} == _row_counts(owner)


def test_import_refuses_an_account_that_already_has_a_network_and_changes_nothing(
    owner, other_user, media_root
):
    _network(owner)
    document = _export(owner)
    existing = ContactFactory(owner=other_user, full_name="Already here")
    before = _row_counts(other_user)

    with pytest.raises(ImportFileError, match="already has contacts"):
        data_import(other_user, document)

    assert _row_counts(other_user) == before
    assert list(Contact.objects.filter(owner=other_user)) == [existing]
    assert _photo_files(media_root, other_user) == []


def _wrong_version(document: dict) -> None:
    document["version"] = 2


def _no_contacts(document: dict) -> None:
    del document["contacts"]


def _contacts_not_a_list(document: dict) -> None:
    document["contacts"] = {"Ada": 1}


def _bad_date(document: dict) -> None:
    document["interactions"][-1]["occurred_on"] = "2024-02-30"


def _unknown_contact(document: dict) -> None:
    document["interactions"][-1]["contact"] = 999999


def _text_for_a_count(document: dict) -> None:
    document["contacts"][-1]["in_person_count"] = "three"


def _photo_not_an_image(document: dict) -> None:
    document["contacts"][0]["photo"]["base64"] = "aGVsbG8="


def _not_an_export(document: dict) -> None:
    document["format"] = "vcard"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_wrong_version, "This export is version 2; this Kith reads version 1."),
        (_no_contacts, "The export has no “contacts”; is the file complete?"),
        (_contacts_not_a_list, "“contacts” should be a list, not an object."),
        (_bad_date, "interactions[8].occurred_on: “2024-02-30” value has the correct format"),
        (
            _unknown_contact,
            "interactions[8].contact: refers to contact 999999, which is not in the file.",
        ),
        (_text_for_a_count, "contacts[2].in_person_count: should be a whole number, not text."),
        (_photo_not_an_image, "contacts[0].photo: This file is not a photo Kith can read"),
        (_not_an_export, "This is not a Kith export"),
    ],
    ids=lambda value: getattr(value, "__name__", "")[1:],
)
def test_a_damaged_export_is_refused_clearly_and_changes_nothing(
    owner, other_user, media_root, damage, message
):
    _network(owner)
    document = json.loads(json.dumps(_export(owner)))
    damage(document)

    with pytest.raises(ImportFileError, match=re.escape(message)):
        data_import(other_user, document)

    assert set(_row_counts(other_user).values()) == {0}
    assert _photo_files(media_root, other_user) == []


def test_a_document_that_is_not_an_object_is_refused(other_user):
    with pytest.raises(ImportFileError, match="should be a JSON object, not a list"):
        data_import(other_user, [])


def test_the_csv_neutralises_spreadsheet_formulas_and_keeps_plain_cells(owner, tmp_path):
    contact = ContactFactory(
        owner=owner,
        full_name='=HYPERLINK("https://evil.example","Click")',
        company="+1",
        title="-2",
        location="@SUM(A1:A9)",
        phone="\t=1+1",
        how_we_met="Met at PyCon, Oslo",
        notes="Plain; with “quotes” and Ålesund",
    )
    contact.tags.set([TagFactory(owner=owner, name="=cmd"), TagFactory(owner=owner, name="Work")])
    path = tmp_path / "contacts.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        contacts_csv(owner, stream)

    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        header, row = list(csv.reader(stream))
    cells = dict(zip(header, row, strict=True))
    assert cells["Name"] == '\'=HYPERLINK("https://evil.example","Click")'
    assert cells["Company"] == "'+1"
    assert cells["Title"] == "'-2"
    assert cells["Location"] == "'@SUM(A1:A9)"
    assert cells["Phone"] == "'\t=1+1"
    assert cells["Tags"] == "'=cmd, Work"
    assert cells["How we met"] == "Met at PyCon, Oslo"
    assert cells["Notes"] == "Plain; with “quotes” and Ålesund"
    assert cells["LinkedIn status"] == "Not connected"
    assert cells["Archived"] == "no"
    assert cells["In person count"] == "0"


def test_the_csv_lists_archived_contacts_and_no_one_elses(owner, other_user):
    ContactFactory(owner=owner, full_name="Archived Person", is_archived=True)
    ContactFactory(owner=other_user, full_name=MARKER)
    stream = io.StringIO()
    contacts_csv(owner, stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue().removeprefix("\ufeff"))))
    assert [(row["Name"], row["Archived"]) for row in rows] == [("Archived Person", "yes")]


def test_the_commands_move_a_network_from_one_user_to_another(owner, other_user, tmp_path):
    _network(owner)
    path = tmp_path / "owner.json"
    call_command("export_data", "--user", "owner", str(path), stdout=io.StringIO())
    assert json.loads(path.read_text(encoding="utf-8"))["user"]["username"] == "owner"

    out = io.StringIO()
    call_command("import_data", "--user", "intruder", str(path), stdout=out)

    assert "contacts: 3" in out.getvalue().splitlines()
    assert "follow ups: 2" in out.getvalue().splitlines()
    assert _row_counts(other_user) == _row_counts(owner)


def test_export_data_writes_readable_utf8_json_to_standard_output(owner):
    ContactFactory(owner=owner, full_name="Åse Ødegård")
    out = io.StringIO()
    call_command("export_data", "--user", "owner", "-", stdout=out)
    assert '\n"contacts": [\n{"id": ' in out.getvalue()
    assert [c["full_name"] for c in json.loads(out.getvalue())["contacts"]] == ["Åse Ødegård"]


@pytest.mark.parametrize("command", ["export_data", "import_data"])
def test_the_commands_refuse_an_unknown_user(db, command, tmp_path):
    with pytest.raises(CommandError, match="There is no user called"):
        call_command(command, "--user", "nobody", str(tmp_path / "x.json"))


def test_import_data_refuses_a_missing_file(other_user, tmp_path):
    with pytest.raises(CommandError, match=r"missing\.json is not a file"):
        call_command("import_data", "--user", "intruder", str(tmp_path / "missing.json"))


def test_import_data_refuses_a_file_that_is_not_json(other_user, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "kith-export",', encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken.json is not valid JSON \(line 1"):
        call_command("import_data", "--user", "intruder", str(path))
    assert set(_row_counts(other_user).values()) == {0}


def test_import_data_refuses_an_account_with_contacts(owner, other_user, tmp_path):
    _network(owner)
    path = tmp_path / "owner.json"
    call_command("export_data", "--user", "owner", str(path), stdout=io.StringIO())
    ContactFactory(owner=other_user)
    with pytest.raises(CommandError, match=r"already has contacts\..* Nothing was imported\."):
        call_command("import_data", "--user", "intruder", str(path))
    assert Contact.objects.filter(owner=other_user).count() == 1


# Hostile documents: a crafted file is refused whole, at the first value a form would refuse.


def _hostile_document(owner) -> dict:
    _network(owner)
    return json.loads(json.dumps(_export(owner)))


def _assert_nothing_imported(user, media_root) -> None:
    assert set(_row_counts(user).values()) == {0}
    assert _photo_files(media_root, user) == []
    assert not OwnerSettings.objects.filter(owner=user).exclude(timezone="UTC").exists()


def test_a_telepathic_interaction_from_the_future_refuses_the_whole_file(
    owner, other_user, media_root
):
    InteractionFactory.create_batch(5, owner=owner, contact__full_name="Someone")
    document = _hostile_document(owner)
    document["interactions"][12]["kind"] = "telepathy"
    document["interactions"][13]["occurred_on"] = "2999-01-01"

    with pytest.raises(ImportFileError) as refused:
        data_import(other_user, document)

    assert str(refused.value) == (
        'interactions[12].kind: "telepathy" is not a kind Kith knows '
        "(in_person, call, video, message, email, group)."
    )
    _assert_nothing_imported(other_user, media_root)


def _set(path: str, value):
    """A damage that puts value at path, e.g. "contacts[0].linkedin_url"."""
    key, rest = path.split("[", 1)
    index, field = rest.split("].", 1)

    def damage(document: dict) -> None:
        document[key][int(index)][field] = value

    damage.__name__ = path
    return damage


def _set_setting(name: str, value):
    def damage(document: dict) -> None:
        document["settings"][name] = value

    damage.__name__ = f"settings.{name}"
    return damage


def _future(days: int = 1) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _card_before(column: str, value):
    def damage(document: dict) -> None:
        document["recall_logs"][0]["card_before"][column] = value

    damage.__name__ = f"recall_logs[0].card_before.{column}"
    return damage


def _card_twice(document: dict) -> None:
    document["recall_cards"][1]["contact"] = document["recall_cards"][0]["contact"]


_card_twice.__name__ = "recall_cards[1].contact"


def _tie_twice(document: dict) -> None:
    document["ties"][2]["contact"] = document["ties"][0]["contact"]


_tie_twice.__name__ = "ties[2].contact"


CARD_INJECTION = "https://www.linkedin.com/in/ada\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Injected"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_set("contacts[0].linkedin_url", "javascript:alert(document.cookie)"), "valid URL"),
        (_set("contacts[0].linkedin_url", CARD_INJECTION), "valid URL"),
        (_set("contacts[0].linkedin_url", "https://www.linkedin.com/in/a\x0bb"), "valid URL"),
        (_set("contacts[0].linkedin_url", "http://[::1"), "valid URL"),
        (_set("contacts[0].linkedin_url", "https://evil.example/in/ada"), "LinkedIn profile"),
        (_set("invitations[0].profile_url", "javascript:alert(1)"), "valid URL"),
        (_set("invitations[0].profile_url", CARD_INJECTION), "valid URL"),
        (_set_setting("timezone", "Mars/Olympus_Mons"), "Choose a time zone from the list"),
        (_set_setting("policy_window_months", 0), "greater than or equal to 1"),
        (_set_setting("recall_desired_retention", 5.0), "less than or equal to 0.97"),
        (_set_setting("policy_min_virtual", 0), None),  # with policy_min_in_person 0 below
        (_set_setting("review_weekday", 9), "9 is not a review weekday Kith knows"),
        (_set("import_runs[0].status", "running"), '"running": an import that has not finished'),
        (_set("import_runs[0].status", "pending"), '"pending": an import that has not finished'),
        (_set("import_runs[0].kind", "mimikatz"), '"mimikatz" is not a kind Kith knows'),
        (_set("import_runs[0].summary", "<script>"), "should be an object, not text"),
        (_set("interactions[0].occurred_on", "2999-01-01"), "This date is in the future"),
        (_set("interactions[0].initiated_by", "god"), '"god" is not a initiated by Kith knows'),
        (_set("events[0].date", _future()), "This date is in the future"),
        (_set("events[0].name", "   "), "Give the event a name."),
        (_set("contacts[0].connected_on", _future()), "cannot be in the future"),
        (_set("contacts[0].linkedin_status", "best_friend"), "is not a linkedin status Kith"),
        (_set("contacts[0].closeness", 9), "9 is not a closeness Kith knows"),
        (_set("contacts[0].email", "not-an-email"), "Enter a valid email address."),
        (_set("contacts[0].full_name", "x" * 201), "is longer than 200 characters"),
        (_set("contacts[0].in_person_count", -1), "greater than or equal to 0"),
        (_set("contacts[0].tags", [999]), "refers to tag 999, which is not in the file"),
        (_set("follow_ups[0].interaction", 999), "refers to interaction 999"),
        (_set("invitations[0].status", "stalking"), '"stalking" is not a status Kith knows'),
        (_set("recall_logs[0].rating", 5), "5 is not a rating Kith knows (1, 2, 3, 4)"),
        (_set("recall_logs[0].rating", 0), "0 is not a rating Kith knows"),
        (_set("recall_logs[0].contact", 999999), "refers to contact 999999, which is not in"),
        (_set("recall_logs[0].contact", None), "cannot be empty"),
        (_set("recall_logs[0].card_before", {}), "should be an object with state, step"),
        (_card_before("last_rating", 9), "9 is not a last rating Kith knows"),
        (_card_before("state", 5), "5 is not a card state Kith knows"),
        (_card_before("due", "soon"), "“soon” value has an invalid format"),
        (_set("recall_cards[0].contact", 999999), "refers to contact 999999"),
        (_set("recall_cards[0].contact", "1"), "should be a whole number, not text"),
        (_card_twice, "already has a recall card earlier in the file"),
        (_set("recall_cards[0].last_rating", 7), "7 is not a last rating Kith knows"),
        (_set("recall_cards[0].state", 0), "0 is not a card state Kith knows"),
        (_set("recall_cards[0].stability", None), "needs its stability and difficulty"),
        (_set("recall_cards[0].stability", -1.5), "should be above 0, not -1.5"),
        (_set("recall_cards[0].difficulty", 11), "should be from 1 to 10, not 11"),
        (_set("recall_cards[0].reviews", -1), "greater than or equal to 0"),
        (_set("recall_cards[0].due", None), "cannot be empty"),
        (_set("recall_snapshots[0].week", "2025-03-05"), "2025-03-05 is not a Monday"),
        (_set("recall_snapshots[0].total", -3), "greater than or equal to 0"),
        (_set("ties[0].contact", 999999), "refers to contact 999999"),
        (_tie_twice, "already has a tie earlier in the file"),
        (_set("ties[0].layer", 42), "42 is not a layer Kith knows (1 to 7)"),
        (_set("ties[0].score", 1000), "should be from 0 to 100, not 1000"),
        (_set("ties[0].health", "great"), '"great" is not a health Kith knows'),
        (_set("ties[0].weak_reason", "bored"), '"bored" is not a weak-tie reason Kith knows'),
        (_set("ties[0].factors", [1]), "should be a list of objects with “name”"),
        (_set("ties[0].let_go_on", "yesterday"), "“yesterday” value has an invalid date format"),
    ],
    ids=lambda value: getattr(value, "__name__", None) or str(value)[:20],
)
def test_each_hostile_value_is_refused_naming_its_path_and_nothing_changes(
    owner, other_user, media_root, damage, message
):
    document = _hostile_document(owner)
    if damage.__name__ == "settings.policy_min_virtual":
        document["settings"]["policy_min_in_person"] = 0
        message = "Keep at least one rule of your connection policy"
    damage(document)

    with pytest.raises(ImportFileError) as refused:
        data_import(other_user, document)

    assert str(refused.value).startswith(damage.__name__.split(".")[0])
    assert damage.__name__ in str(refused.value) or damage.__name__.startswith("settings")
    assert message in str(refused.value)
    _assert_nothing_imported(other_user, media_root)


def test_the_first_bad_value_in_file_order_is_the_one_named(owner, other_user):
    document = _hostile_document(owner)
    document["contacts"][1]["closeness"] = 42
    document["contacts"][2]["closeness"] = 43
    document["interactions"][0]["kind"] = "telepathy"
    with pytest.raises(ImportFileError, match=r"^contacts\[1\]\.closeness: 42 is not"):
        data_import(other_user, document)


def _gif_javascript_polyglot() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(buffer, "GIF")
    gif = bytearray(buffer.getvalue())
    gif[6:8] = b"/*"  # the screen width opens a script comment that the tail closes
    return bytes(gif) + b"*/=1;alert(document.cookie);//"


@pytest.mark.parametrize("extension", [".js", ".html", ".gif"])
def test_an_embedded_gif_that_is_also_javascript_is_stored_and_served_as_a_redrawn_jpeg(
    owner, other_user, client, media_root, extension
):
    document = _hostile_document(owner)
    document["contacts"][0]["photo"] = {
        "extension": extension,
        "base64": base64.b64encode(_gif_javascript_polyglot()).decode(),
    }
    data_import(other_user, document)

    contact = Contact.objects.get(owner=other_user, full_name="Ada Lovelace")
    assert contact.photo.name.endswith(".jpg")
    client.force_login(other_user)
    response = client.get(reverse("network:contact-photo", args=[contact.pk]))
    served = b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert served.startswith(b"\xff\xd8") and b"alert" not in served


@pytest.mark.parametrize(
    "data",
    [b"<script>alert(1)</script>", b"GIF89a=1;alert(1)//", b"<svg onload=alert(1)>"],
    ids=["html", "gif-header-and-script", "svg"],
)
def test_an_embedded_photo_that_is_not_an_image_refuses_the_file(
    owner, other_user, media_root, data
):
    document = _hostile_document(owner)
    document["contacts"][0]["photo"] = {
        "extension": ".html",
        "base64": base64.b64encode(data).decode(),
    }
    with pytest.raises(ImportFileError, match=r"^contacts\[0\]\.photo: This file is not a photo"):
        data_import(other_user, document)
    _assert_nothing_imported(other_user, media_root)


def test_a_photo_that_fails_after_others_were_saved_leaves_no_file(owner, other_user, media_root):
    ContactFactory(
        owner=owner,
        full_name="Second Photo",
        photo=SimpleUploadedFile("b.png", _png(), content_type="image/png"),
    )
    document = _hostile_document(owner)
    [*_, last] = [contact for contact in document["contacts"] if contact["photo"]]
    last["photo"]["base64"] = base64.b64encode(b"not an image").decode()
    with pytest.raises(ImportFileError, match=r"\.photo: This file is not a photo"):
        data_import(other_user, document)
    _assert_nothing_imported(other_user, media_root)


def test_import_data_names_the_file_and_the_bad_value(owner, other_user, tmp_path, media_root):
    document = _hostile_document(owner)
    document["contacts"][0]["linkedin_url"] = "javascript:alert(1)"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_data", "--user", "intruder", str(path))

    assert str(refused.value).startswith(f"{path}: contacts[0].linkedin_url: Enter a valid URL")
    assert str(refused.value).endswith("Nothing was imported.")
    _assert_nothing_imported(other_user, media_root)


def test_the_export_view_streams_the_document(owner_client, owner):
    _network(owner)
    response = owner_client.get(reverse("portability:export-data"))
    assert response.streaming
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kith-')
    document = json.loads(b"".join(response.streaming_content))
    assert document["contacts"][0]["photo"]["extension"] == ".png"
    assert {key: len(document[key]) for key in KINDS} == _row_counts(owner)


def test_a_streamed_export_comes_in_pieces_that_each_hold_whole_objects(owner):
    ContactFactory.create_batch(300, owner=owner, notes="n" * 500)
    chunks = list(data_export_chunks(owner))
    assert len(chunks) > 1
    assert all(CHUNK_CHARS <= len(chunk) < 2 * CHUNK_CHARS for chunk in chunks[:-1])
    assert len(json.loads("".join(chunks))["contacts"]) == 300


@pytest.mark.django_db(transaction=True)
def test_export_data_outside_a_transaction_reads_one_snapshot_and_writes_the_file(tmp_path):
    # Outside a test transaction the export opens its own (REPEATABLE READ on PostgreSQL).
    owner = ContactFactory(full_name="Åse Ødegård").owner
    path = tmp_path / "backup.json"
    call_command("export_data", "--user", owner.username, str(path), stdout=io.StringIO())
    assert [c["full_name"] for c in json.loads(path.read_text("utf-8"))["contacts"]] == [
        "Åse Ødegård"
    ]
    assert not (tmp_path / "backup.json.part").exists()


def test_benchmark_export_reports_time_and_memory_and_cleans_up(db, media_root):
    out = io.StringIO()
    call_command("benchmark_export", "--contacts", "3", stdout=out)
    assert "3 contacts with their photo" in out.getvalue()
    assert "peak Python memory" in out.getvalue()
    assert not Contact.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_an_account_with_only_what_kith_made_by_itself_takes_the_export(owner, other_user):
    _network(owner)
    document = _export(owner)
    DeclineMessage.default_for(other_user)
    DigestSentFactory(owner=other_user, week=_days_ago(7))

    data_import(other_user, document)

    titles = DeclineMessage.objects.filter(owner=other_user, is_default=True)
    assert [message.title for message in titles] == ["Kind"]
    assert DigestSent.objects.filter(owner=other_user).count() == 1
    assert Review.objects.get(owner=other_user).skipped_items == [
        f"invitation:{Invitation.objects.get(owner=other_user, status='declined').pk}"
    ]


def test_an_export_from_before_reviews_decline_messages_and_insights_still_imports(
    owner, other_user
):
    _network(owner)
    document = _export(owner)
    for key in ADDED_LATER:
        del document[key]
    DeclineMessage.default_for(other_user)

    counts = data_import(other_user, document)

    assert counts["decline_messages"] == counts["recall_cards"] == counts["ties"] == 0
    assert counts["contacts"] == 3
    assert DeclineMessage.objects.get(owner=other_user).is_default


def test_an_export_with_the_dropped_reserved_contact_columns_still_imports(owner, other_user):
    _network(owner)
    document = _export(owner)
    # Kith wrote these two (always empty or unused) until they were dropped from contacts.
    for contact in document["contacts"]:
        contact |= {"tie_strength": 0.7312345, "next_recall_at": "2025-01-05T10:00:00+00:00"}

    counts = data_import(other_user, document)

    assert counts["contacts"] == 3
    assert "tie_strength" not in _export(other_user)["contacts"][0]
    ada = Contact.objects.get(owner=other_user, full_name="Ada Lovelace")
    assert (ada.in_person_count, ada.tie.quiet_until) == (3, _days_ago(-30))


def _by_name(model, user) -> dict[str, dict]:
    """The user's rows of model by their contact's name, without ids and owner."""
    left_out = {"id", "contact", "owner"}
    names = [f.name for f in model._meta.concrete_fields if f.name not in left_out]
    rows = model.objects.filter(owner=user).order_by("contact__full_name", "pk")
    return {
        f"{row.contact.full_name} {number}": {name: getattr(row, name) for name in names}
        for number, row in enumerate(rows.select_related("contact"))
    }


def test_recall_history_and_review_decisions_land_in_the_second_account_exactly(owner, other_user):
    _network(owner)

    counts = data_import(other_user, _export(owner))

    assert counts["recall_cards"] == 2 and counts["recall_logs"] == 4 and counts["ties"] == 3
    for model in (RecallCard, RecallLog, Tie):
        assert _by_name(model, other_user) == _by_name(model, owner), model.__name__
    weeks = RecallSnapshot.objects.values_list("week", "total", "recalled", "forgotten")
    assert list(weeks.filter(owner=other_user)) == list(weeks.filter(owner=owner))
    ties = Tie.objects.filter(owner=other_user).select_related("contact")
    decisions = {(t.contact.full_name, t.quiet_until, t.let_go_on, t.flagged_on) for t in ties}
    assert decisions == {
        ("Ada Lovelace", _days_ago(-30), None, None),
        ("Bob Archived", None, _days_ago(20), None),
        ("Cléo", None, None, _days_ago(3)),
    }
    # The card is Cléo's own (the key followed her), and her last answer can still be undone.
    cleo = Contact.objects.get(owner=other_user, full_name="Cléo")
    assert (cleo.recall_card.reviews, cleo.recall_card.last_rating) == (1, 1)
    assert recall_undo(other_user, cleo.recall_logs.filter(undone_at=None).get())
    cleo.recall_card.refresh_from_db()
    assert (cleo.recall_card.reviews, cleo.recall_card.last_rating) == (0, None)


def test_the_recompute_after_an_import_keeps_the_owners_review_decisions(
    owner, other_user, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    _network(owner)
    # Exported as computed nine days ago: the recompute after the import makes it today.
    Tie.objects.filter(owner=owner).update(computed_on=_days_ago(9))
    path = tmp_path / "owner.json"
    path.write_text(json.dumps(_export(owner)), encoding="utf-8")
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_data", "--user", "intruder", str(path), stdout=io.StringIO())

    ties = {
        t.contact.full_name: t
        for t in Tie.objects.filter(owner=other_user).select_related("contact")
    }
    # Recomputed from the imported interactions and recall (not just copied from the file).
    assert {tie.computed_on for name, tie in ties.items() if name != "Bob Archived"} == {
        timezone.localdate()
    }
    assert ties["Ada Lovelace"].quiet_until == _days_ago(-30)
    assert ties["Ada Lovelace"].flagged_on is None
    assert ties["Bob Archived"].let_go_on == _days_ago(20)
    # Cléo was forgotten at her last check: still weak, so still in the review since that day.
    assert ties["Cléo"].weak_reason == "recall_forgotten"
    assert ties["Cléo"].flagged_on == _days_ago(3)
    assert RecallSnapshot.objects.filter(owner=other_user).count() == 2


def test_an_undo_that_would_reach_someone_elses_contact_is_refused(owner, other_user):
    _network(owner)
    document = _export(owner)
    stranger = ContactFactory(owner=UserFactory(username="third"))
    [declined] = [item for item in document["invitations"] if item["status"] == "declined"]
    declined["undo_state"]["contact_id"] = stranger.pk

    with pytest.raises(ImportFileError, match=r"undo_state\.contact_id: refers to contact"):
        data_import(other_user, document)

    assert set(_row_counts(other_user).values()) == {0}


def test_a_skipped_item_whose_id_is_a_superscript_digit_is_refused(owner, other_user):
    _network(owner)
    document = _export(owner)
    document["reviews"][0]["skipped_items"] = ["invitation:\u00b2"]

    with pytest.raises(ImportFileError, match=r"reviews\[0\]\.skipped_items\[0\]: should be"):
        data_import(other_user, document)

    assert set(_row_counts(other_user).values()) == {0}


def test_a_skipped_item_that_is_not_an_invitation_of_the_file_is_refused(owner, other_user):
    _network(owner)
    document = _export(owner)
    document["reviews"][0]["skipped_items"] = ["contact:1"]

    with pytest.raises(ImportFileError, match=r"reviews\[0\]\.skipped_items\[0\]: should be"):
        data_import(other_user, document)

    assert set(_row_counts(other_user).values()) == {0}
