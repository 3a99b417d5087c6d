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
    RegisterImportFileSchema,
    RegisterImportResultSchema,
    RegisterPreviewSchema,
)
from samlast.services import import_runs, imports, peppol_orders, registers

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


def _register_file(files) -> bytes:
    upload = files.get("file")
    data = upload.read() if upload is not None else b""
    if not data:
        raise ValidationFailed("import.no_file", {}, {"file": [Message("field.required")]})
    return data


@blp.route("/registers/<any(skolverket, preschools):source>/preview")
class RegisterPreview(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, RegisterPreviewSchema)
    def post(self, files, source):
        """Read an open register's file (Skolverket's school-unit register as JSON, or a preschool
        list as CSV): the active units of the cluster's municipalities, each matched to an existing
        delivery point by external id. Nothing is written; the whole file is refused (422) with
        every error by unit and field."""
        return registers.preview(source, _register_file(files))


@blp.route("/registers/<any(skolverket, preschools):source>")
class RegisterImport(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(RegisterImportFileSchema, location="files")
    @blp.response(200, RegisterImportResultSchema)
    def post(self, files, source):
        """Create or update delivery points from the units picked in the preview (the same file
        again, and the picked codes): all or nothing. An existing point keeps its kind, windows
        and contacts; its name, address and coordinates follow the register."""
        result = registers.import_units(source, _register_file(files), request.form.get("selected", "").split(","))
        message = Message("registers.done", created=result["created"], updated=result["updated"])
        return {**result, "message": message.render(request_locale())}
