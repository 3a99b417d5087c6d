"""Images from the phone (signatures, photos): checked by content, re-encoded, bounded."""

from __future__ import annotations

import base64
import binascii
import io
import os
import warnings

from flask import current_app
from PIL import Image, UnidentifiedImageError

from samlast.errors import ValidationFailed
from samlast.i18n import Message

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_SIDE_PX = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def room_for(nbytes: int) -> bool:
    """Whether `nbytes` of uploads still leave UPLOAD_RESERVE_MB free on the disk that holds them
    (the SQLite file's; a PostgreSQL server's disk is not visible here, its "disk full" error is
    caught instead). The reserve keeps room for the delivery facts when photos fill the disk."""
    from samlast.extensions import db

    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return True
    stat = os.statvfs(os.path.dirname(os.path.abspath(url.database)))
    reserve = float(current_app.config["UPLOAD_RESERVE_MB"]) * 1024 * 1024
    return stat.f_bavail * stat.f_frsize - nbytes >= reserve


def decode_data_url(value: str, field_name: str) -> bytes:
    header, _, payload = value.partition(",")
    if not header.startswith("data:image/") or ";base64" not in header:
        raise ValidationFailed("image.not_data_url", {}, {field_name: [Message("field.image_not_data_url")]})
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("image.not_base64", {}, {field_name: [Message("field.image_unreadable")]}) from None
    if len(raw) > MAX_IMAGE_BYTES:
        mb = round(MAX_IMAGE_BYTES / 1_000_000, 1)
        raise ValidationFailed(
            "image.too_large", {"max_mb": mb}, {field_name: [Message("field.image_too_large", max_mb=mb)]}
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
                    "image.format",
                    {"format": image.format},
                    {field_name: [Message("field.image_format", format=image.format)]},
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
        raise ValidationFailed("image.unreadable", {}, {field_name: [Message("field.image_unreadable")]}) from None
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
