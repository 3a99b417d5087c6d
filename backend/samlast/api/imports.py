"""CSV import endpoint: one file per request, all-or-nothing."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.errors import ValidationFailed
from samlast.i18n import Message
from samlast.i18n.web import request_locale
from samlast.schemas.imports import ImportFileSchema, ImportResultSchema, ImportRunSchema
from samlast.services import import_runs, imports

blp = Blueprint(
    "imports",
    __name__,
    url_prefix="/api/v1/imports",
    description="CSV import of delivery points, suppliers, vehicles and orders "
    "(formats in docs/import/README.md). Send the file as multipart field `file` "
    "or as a text/csv body.",
)


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
            raise ValidationFailed("import.failed", summary.params, {"rows": imports.row_errors(result)})
        return {
            "kind": kind,
            "created": result.created,
            "updated": result.updated,
            "message": result.summary.render(request_locale()),
        }


@blp.route("/<any(delivery_points, suppliers, vehicles, orders):kind>/runs")
class ImportRuns(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(202, ImportRunSchema)
    def post(self, files, kind):
        """Import a file off the request path: answers at once; the addresses without coordinates
        are looked up first (one a second, with progress), then the file is imported all or
        nothing. Poll the run for its progress and outcome."""
        upload = files.get("file")
        data = upload.read() if upload is not None else request.get_data()
        if not data:
            raise ValidationFailed("import.no_file", {}, {"file": [Message("field.required")]})
        return import_runs.start(kind, data, upload.filename if upload is not None else "", current_user())


@blp.route("/runs/<run_id>")
class ImportRunView(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, ImportRunSchema)
    def get(self, run_id):
        """An import run's progress, and its outcome once done (errors by row when refused)."""
        return import_runs.get(run_id)
