"""CSV import endpoint: one file per request, all-or-nothing."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.security import COORDINATOR, require_roles
from samlast.errors import ValidationFailed
from samlast.i18n import Message
from samlast.i18n.web import request_locale
from samlast.schemas.imports import ImportFileSchema, ImportResultSchema
from samlast.services import imports

blp = Blueprint(
    "imports",
    __name__,
    url_prefix="/api/v1/imports",
    description="CSV import of delivery points, suppliers, vehicles and orders "
    "(formats in docs/import/README.md). Send the file as multipart field `file` "
    "or as a text/csv body.",
)


def _row_errors(result: imports.ImportResult) -> list[dict]:
    """Each error with its row, column, the cell as written and what is wrong with it."""
    return [
        {"row": e.row, "column": e.column, "value": e.value, "code": e.message.key, "message": e.message}
        for e in result.errors
    ]


@blp.route("/<any(delivery_points, suppliers, vehicles, orders):kind>")
class Import(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, ImportResultSchema)
    def post(self, files, kind):
        upload = files.get("file")
        data = upload.read() if upload is not None else request.get_data()
        if not data:
            raise ValidationFailed("import.no_file", {}, {"file": [Message("field.required")]})
        result = imports.import_csv(kind, data)
        if not result.ok:
            summary = result.summary
            raise ValidationFailed("import.failed", summary.params, {"rows": _row_errors(result)})
        return {
            "kind": kind,
            "created": result.created,
            "updated": result.updated,
            "message": result.summary.render(request_locale()),
        }
