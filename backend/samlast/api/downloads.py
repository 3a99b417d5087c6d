"""Files handed to the browser: one place that names them safely.

A file name may carry Swedish letters or a vehicle's name as typed; HTTP headers are Latin-1 and
gunicorn refuses a header with anything else, so the plain `filename` is an ASCII fallback and the
real name travels as RFC 6266 `filename*` (what werkzeug's send_file does for files on disk)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response


def content_disposition(filename: str, inline: bool = False) -> str:
    kind = "inline" if inline else "attachment"
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "samlast"
    if plain == filename:
        return f'{kind}; filename="{plain}"'
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(body, mimetype: str, filename: str, inline: bool = False) -> Response:
    """A download: `mimetype` may carry a charset ("text/csv; charset=utf-8")."""
    return Response(
        body,
        content_type=mimetype if "charset" in mimetype else None,
        mimetype=None if "charset" in mimetype else mimetype,
        headers={"Content-Disposition": content_disposition(filename, inline)},
    )
