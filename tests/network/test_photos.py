"""Photos are re-drawn by Kith from their pixels, and served only as images."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from network.models import Contact
from network.photos import MAX_PHOTO_BYTES, MAX_SIDE, reencode_photo


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _image_bytes(mode="RGB", size=(40, 30), color="teal", format="PNG", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format, **options)
    return buffer.getvalue()


def _gif_javascript_polyglot() -> bytes:
    """A file that is a GIF for Pillow and a script for a browser.

    `GIF89a` followed by a width of `/*` opens a comment; the script closes it after the image
    data and runs. Browsers execute it when it is served as text/javascript.
    """
    gif = bytearray(_image_bytes(format="GIF", size=(10, 10)))
    gif[6:8] = b"/*"  # the logical screen width, read as 10799 px
    return bytes(gif) + b"*/=1;alert(document.cookie);//"


def _opened(content) -> Image.Image:
    content.seek(0)
    return Image.open(io.BytesIO(content.read()))


def test_a_photo_becomes_a_jpeg_drawn_by_kith():
    photo = reencode_photo(_image_bytes(format="BMP"))
    assert photo.name == "photo.jpg"
    assert _opened(photo).format == "JPEG"


def test_a_photo_with_transparency_stays_transparent_as_png():
    photo = reencode_photo(_image_bytes(mode="RGBA", color=(0, 0, 0, 0)))
    assert photo.name == "photo.png"
    assert _opened(photo).getpixel((0, 0))[3] == 0


def test_an_opaque_png_is_stored_as_a_jpeg():
    assert reencode_photo(_image_bytes(mode="RGBA", color=(10, 20, 30, 255))).name == "photo.jpg"


def test_a_large_photo_is_scaled_down_keeping_its_shape():
    photo = _opened(reencode_photo(_image_bytes(size=(4000, 2000), format="JPEG")))
    assert photo.size == (MAX_SIDE, MAX_SIDE // 2)


def test_a_sideways_phone_photo_is_stored_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    photo = _opened(reencode_photo(_image_bytes(size=(60, 20), format="JPEG", exif=exif)))
    assert photo.size == (20, 60)


def test_the_photos_metadata_is_not_kept():
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Maker"
    photo = reencode_photo(_image_bytes(format="JPEG", exif=exif))
    assert b"Secret Camera Maker" not in photo.read()


def test_an_animated_gif_keeps_its_first_frame():
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (10, 10), color) for color in ("red", "blue")]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    red, _green, blue = _opened(reencode_photo(buffer.getvalue())).getpixel((5, 5))
    assert red > 200 and blue < 50


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><script>alert(1)</script></html>",
        b"GIF89a=1;alert(1)//",
        b"%PDF-1.4\n",
        _image_bytes(format="PNG")[:60],  # a truncated file: its header alone is not an image
    ],
    ids=["empty", "html", "gif-header-and-script", "pdf", "truncated-png"],
)
def test_what_is_not_a_whole_image_is_refused(data):
    with pytest.raises(ValidationError, match="not a photo Kith can read"):
        reencode_photo(data)


def test_the_gif_javascript_polyglot_becomes_a_plain_jpeg_without_the_script():
    photo = reencode_photo(_gif_javascript_polyglot())
    data = photo.read()
    assert photo.name == "photo.jpg"
    assert data.startswith(b"\xff\xd8") and b"alert" not in data


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = _image_bytes(mode="1", size=(12_000, 12_000))  # 144 megapixels in about 20 KB
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError, match="too many pixels"):
        reencode_photo(bomb)


def test_a_photo_just_over_the_pixel_cap_is_refused():
    with pytest.raises(ValidationError, match="too many pixels"):
        reencode_photo(_image_bytes(mode="1", size=(8_000, 5_001)))


def test_a_file_over_the_byte_cap_is_refused():
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        reencode_photo(b"\xff\xd8" + b"\0" * MAX_PHOTO_BYTES)


def _post_photo(client, upload: SimpleUploadedFile):
    return client.post(
        reverse("network:contact-create"),
        {"full_name": "Photo Person", "linkedin_status": "not_connected", "photo": upload},
    )


@pytest.mark.parametrize("name", ["face.gif", "face.js", "face.html"])
def test_a_gif_javascript_polyglot_from_the_form_is_served_only_as_a_redrawn_jpeg(
    owner_client, owner, name
):
    upload = SimpleUploadedFile(name, _gif_javascript_polyglot(), content_type="text/javascript")
    _post_photo(owner_client, upload)
    contact = Contact.objects.get(owner=owner)
    assert contact.photo.name.endswith(".jpg")
    response = owner_client.get(reverse("network:contact-photo", args=[contact.pk]))
    served = b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/jpeg"
    assert served.startswith(b"\xff\xd8") and b"alert" not in served


def test_a_script_posing_as_a_photo_is_refused_and_nothing_is_stored(owner_client, media_root):
    upload = SimpleUploadedFile("face.gif", b"GIF89a=1;alert(1)//", content_type="image/gif")
    response = _post_photo(owner_client, upload)
    assert "not a photo Kith can read" in response.content.decode()
    assert not Contact.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_a_photo_is_stored_under_a_name_kith_chooses(owner_client, owner):
    upload = SimpleUploadedFile("../../évil name.png", _image_bytes(), content_type="image/png")
    _post_photo(owner_client, upload)
    name = Contact.objects.get(owner=owner).photo.name
    assert name.startswith(f"photos/{owner.pk}/") and name.endswith(".jpg")
    assert "evil" not in name and "évil" not in name


def test_the_form_says_plainly_when_a_photo_is_too_large(owner_client):
    upload = SimpleUploadedFile("huge.png", _image_bytes(mode="1", size=(12_000, 12_000)))
    response = _post_photo(owner_client, upload)
    assert "too many pixels" in response.content.decode()
    assert not Contact.objects.exists()


def test_editing_a_contact_without_a_new_photo_keeps_the_photo(owner_client, owner):
    _post_photo(owner_client, SimpleUploadedFile("face.png", _image_bytes()))
    contact = Contact.objects.get(owner=owner)
    kept = contact.photo.name
    owner_client.post(
        reverse("network:contact-edit", args=[contact.pk]),
        {"full_name": "Renamed Person", "linkedin_status": "not_connected"},
    )
    contact.refresh_from_db()
    assert (contact.full_name, contact.photo.name) == ("Renamed Person", kept)


def test_the_photo_is_served_as_an_image_that_a_browser_will_not_sniff(owner_client, owner):
    _post_photo(owner_client, SimpleUploadedFile("face.png", _image_bytes()))
    contact = Contact.objects.get(owner=owner)
    response = owner_client.get(reverse("network:contact-photo", args=[contact.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline"


@pytest.mark.parametrize("extension", [".js", ".html", ".svg", ""])
def test_a_stored_file_without_an_image_extension_is_never_served(owner_client, owner, extension):
    # What an older Kith could have stored from a crafted import.
    contact = Contact.objects.create(owner=owner, full_name="Old Import")
    contact.photo.save(f"photo{extension}", ContentFile(b"alert(1)"), save=True)
    response = owner_client.get(reverse("network:contact-photo", args=[contact.pk]))
    assert response.status_code == 404


def test_clearing_the_photo_removes_it_and_its_file(owner_client, owner):
    _post_photo(owner_client, SimpleUploadedFile("face.png", _image_bytes()))
    contact = Contact.objects.get(owner=owner)
    storage, old = contact.photo.storage, contact.photo.name
    owner_client.post(
        reverse("network:contact-edit", args=[contact.pk]),
        {"full_name": "Photo Person", "linkedin_status": "not_connected", "photo-clear": "on"},
    )
    contact.refresh_from_db()
    assert not contact.photo
    assert not storage.exists(old)
