"""Images from the phone (signatures, photos): checked by content, re-encoded, bounded."""

from __future__ import annotations

import base64
import binascii
import io
import warnings

from PIL import Image, UnidentifiedImageError

from samlast.errors import ValidationFailed

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_SIDE_PX = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def decode_data_url(value: str, field_name: str) -> bytes:
    header, _, payload = value.partition(",")
    if not header.startswith("data:image/") or ";base64" not in header:
        raise ValidationFailed(
            "Send images as base64 data URLs.", {field_name: ["Not an image data URL."]}
        )
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(
            "The image is not valid base64.", {field_name: ["Invalid base64."]}
        ) from None
    if len(raw) > MAX_IMAGE_BYTES:
        raise ValidationFailed(
            "The image is too large.", {field_name: [f"Over {MAX_IMAGE_BYTES} bytes."]}
        )
    return raw


def _open(raw: bytes, field_name: str, *, decode_scale: int = 1) -> tuple[Image.Image, str, tuple]:
    """Open by content (never trusting the declared type) and decode, or refuse with a 422.
    Returns the image, its format and its size as sent.

    ``decode_scale`` 8 decodes a JPEG at 1/8 size: every byte of it is still read, so a
    truncated or corrupt file is found at a fraction of the cost of a full decode.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationFailed(
                    "Only JPEG, PNG and WebP images are accepted.",
                    {field_name: [f"{image.format} not accepted."]},
                )
            fmt, size = image.format, image.size
            if decode_scale > 1 and fmt == "JPEG":
                image.draft("RGB", (image.width // decode_scale, image.height // decode_scale))
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise ValidationFailed(
            "The file is not a readable image.", {field_name: ["Not an image."]}
        ) from None
    return image, fmt, size


def check(raw: bytes, field_name: str) -> tuple[str, int, int]:
    """Accept or refuse an upload without re-encoding it: (content type, width, height).

    For the request path of a proof of delivery; :func:`reencode` runs later, in a worker,
    before the image is used.
    """
    _, fmt, (width, height) = _open(raw, field_name, decode_scale=8)
    return f"image/{fmt.lower()}", width, height


def reencode(raw: bytes, field_name: str, *, as_png: bool = False) -> tuple[bytes, str, int, int]:
    """Open by content, shrink, and write a fresh file.

    Re-encoding drops metadata (location in EXIF) and anything smuggled after the image.
    """
    image, _, _ = _open(raw, field_name)
    image.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX))
    out = io.BytesIO()
    if as_png:
        # No optimize pass: it halves the CPU of a signature for a few hundred bytes.
        image.save(out, format="PNG")
        content_type = "image/png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=82)
        content_type = "image/jpeg"
    return out.getvalue(), content_type, image.width, image.height
