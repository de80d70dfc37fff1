"""Photos from any source (the contact form, a vCard, a full export) become images Kith made.

A file that merely *starts* like an image can be something else as well: a GIF header followed
by JavaScript is a valid GIF for `Image.verify()` and a valid script for a browser. So a photo
is never stored as it came: Pillow decodes every pixel, and Kith writes a new file from those
pixels alone (JPEG, or PNG when the picture has transparency), under a name Kith chooses.
Nothing of the original bytes survives, metadata included (a phone photo's GPS position).
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# A 40-megapixel picture is larger than any phone takes; beyond that it is a decompression bomb
# (a small file that decodes to gigabytes).
MAX_PHOTO_PIXELS = 40_000_000
# Photos are shown as small portraits; a larger stored copy only costs disk and export size.
MAX_SIDE = 1024
JPEG_QUALITY = 85
# Formats a camera, a phone or another address book writes (an iPhone MPO opens as JPEG). Pillow reads many more (PSD, EPS,
# ICO, TGA...), each one more parser facing hostile input for no gain.
READABLE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")
# Stored extension -> the only content type the photo view serves a file as.
# .jpeg and .gif are kept by photos uploaded before Kith re-encoded them; served as images with
# nosniff, a browser never runs them as a script.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}

TOO_LARGE = (
    f"This photo is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB; choose a smaller one."
)
NOT_AN_IMAGE = "This file is not a photo Kith can read; use a JPEG, PNG, GIF or WebP image."


def reencode_photo(data: bytes) -> ContentFile:
    """A new JPEG or PNG drawn from the pixels of data, upright and at most MAX_SIDE wide or high.

    Raises ValidationError, with a message for the person who chose the file, for anything that
    is not a whole raster image or is too large (in bytes or in pixels).
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    image = _decoded(data)
    try:
        transparent = _has_transparency(image)
        image = ImageOps.exif_transpose(image).convert("RGBA" if transparent else "RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        output = io.BytesIO()
        if transparent:
            image.save(output, "PNG", optimize=True)
            name = "photo.png"
        else:
            image.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
            name = "photo.jpg"
    except (OSError, ValueError, SyntaxError) as error:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from error
    finally:
        image.close()
    return ContentFile(output.getvalue(), name=name)


def content_type_for(name: str) -> str | None:
    """The image content type of a stored photo, from the extension Kith gave it; None otherwise."""
    dot = name.rfind(".")
    return CONTENT_TYPES.get(name[dot:].lower()) if dot >= 0 else None


def _decoded(data: bytes) -> Image.Image:
    too_many_pixels = (
        f"This photo has too many pixels; Kith takes up to "
        f"{MAX_PHOTO_PIXELS // 1_000_000} megapixels."
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; Kith refuses outright.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=READABLE_FORMATS)
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                image.close()
                raise ValidationError(too_many_pixels, code="too_many_pixels")
            # An animated GIF or a multi-page TIFF: the first frame is the photo.
            image.seek(0)
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise ValidationError(too_many_pixels, code="too_many_pixels") from error
    except Exception as error:
        # Pillow reports a damaged or hostile file with many exception types (OSError,
        # SyntaxError, struct.error, ...): all of them mean "not an image".
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from error
    return image


def _has_transparency(image: Image.Image) -> bool:
    if image.mode == "P":
        return "transparency" in image.info
    if image.mode in ("RGBA", "LA", "PA"):
        # Many PNGs carry an alpha channel that is opaque everywhere: those are plain photos.
        return image.getchannel("A").getextrema()[0] < 255
    return False
