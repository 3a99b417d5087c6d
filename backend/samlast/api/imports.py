"""CSV import endpoint: one file per request, all-or-nothing."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.errors import ValidationFailed
from samlast.i18n import Message
from samlast.i18n.web import request_locale
from samlast.schemas.imports import (
    ImportFileSchema,
    ImportResultSchema,
    ImportRunSchema,
    PartyMappingInputSchema,
    PartyMappingSchema,
    PeppolImportSchema,
)
from samlast.services import import_runs, imports, peppol_orders

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


@blp.route("/peppol")
class PeppolImport(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, PeppolImportSchema)
    def post(self, files):
        """Peppol BIS Ordering 3 documents (UBL 2.1 Order, OrderChange, OrderCancellation): one XML
        (refused whole with 422, every error by element and line) or a zip of many (each document
        whole or not at all; the answer lists each). Formats in docs/import/README.md."""
        upload = files.get("file")
        data = upload.read() if upload is not None else request.get_data()
        if not data:
            raise ValidationFailed("import.no_file", {}, {"file": [Message("field.required")]})
        outcomes = peppol_orders.import_upload(data, upload.filename if upload is not None else "")
        imported = sum(1 for outcome in outcomes if outcome["ok"])
        return {"documents": outcomes, "imported": imported, "refused": len(outcomes) - imported}


@blp.route("/peppol/mappings")
class PeppolMappings(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, PartyMappingSchema(many=True))
    def get(self):
        """How document identifiers (GLN, organisation numbers) map to delivery points and suppliers."""
        return peppol_orders.mappings()

    @require_roles(*COORDINATOR)
    @blp.arguments(PartyMappingInputSchema)
    @blp.response(201, PartyMappingSchema)
    def post(self, data):
        """Map an identifier a document gave (and was refused for) to a delivery point or supplier."""
        return peppol_orders.add_mapping(data)
