"""Goods in at the terminal (terminal staff and the coordinator): the day's expected arrivals and
a supplier's delivery received line by line."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast import clock
from samlast.api.downloads import file_response
from samlast.api.ranges import date_range
from samlast.api.security import current_user, require_roles
from samlast.errors import ValidationFailed
from samlast.i18n import Message, text
from samlast.i18n.web import request_locale
from samlast.models import Role
from samlast.schemas.goods_in import (
    DespatchAdviceResultSchema,
    ExpectedArrivalsSchema,
    ExpectedQuerySchema,
    FollowUpQuerySchema,
    GoodsReceiptInputSchema,
    GoodsReceiptResultSchema,
    SupplierFollowUpSchema,
)
from samlast.schemas.imports import ImportFileSchema
from samlast.services import despatch, goods_in

blp = Blueprint("goods_in", __name__, url_prefix="/api/v1/goods-in", description="Goods in at the terminal")


@blp.route("/expected")
class Expected(MethodView):
    @require_roles(Role.TERMINAL, Role.COORDINATOR)
    @blp.arguments(ExpectedQuerySchema, location="query")
    @blp.response(200, ExpectedArrivalsSchema)
    def get(self, args):
        """The day's expected arrivals per supplier, and what goods in has received."""
        return goods_in.expected(current_user(), args.get("date") or clock.today(), args.get("terminal_id"))


@blp.route("/receipts")
class Receipts(MethodView):
    @require_roles(Role.TERMINAL, Role.COORDINATOR)
    @blp.arguments(GoodsReceiptInputSchema)
    @blp.response(201, GoodsReceiptResultSchema)
    @blp.alt_response(200, schema=GoodsReceiptResultSchema, description="A replay of a stored receipt")
    def post(self, data):
        """Receive a supplier's delivery: per line the quantity, temperature and any deviation, and
        the supplier driver's name and signature (the hand-over). Idempotent by client_id."""
        answer, replay = goods_in.receive(current_user(), data)
        return (answer, 200) if replay else answer


@blp.route("/suppliers")
class SupplierFollowUp(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(FollowUpQuerySchema, location="query")
    @blp.response(200, SupplierFollowUpSchema(many=True))
    def get(self, args):
        """Per supplier and ISO week: on time at the terminal, completeness, short lines and
        temperature deviations (default: the last 8 weeks)."""
        start, end = date_range(args, 56, past=True)
        return goods_in.supplier_follow_up(start, end)


@blp.route("/suppliers.csv")
class SupplierFollowUpCsv(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(FollowUpQuerySchema, location="query")
    @blp.response(200, description="CSV export", content_type="text/csv")
    def get(self, args):
        """The supplier follow-up for Excel in the reader's language."""
        start, end = date_range(args, 56, past=True)
        locale = request_locale()
        filename = text("csv.suppliers.filename", {"start": start.isoformat(), "end": end.isoformat()}, locale)
        return file_response(
            goods_in.supplier_follow_up_csv(goods_in.supplier_follow_up(start, end), locale), "text/csv", filename
        )


@blp.route("/despatch-advices")
class DespatchAdvices(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(201, DespatchAdviceResultSchema)
    def post(self, files):
        """A supplier's despatch advice (Peppol BIS Despatch Advice 3, UBL 2.1 XML) as multipart `file`
        or as the body: goods in then expects what it says was shipped. All or nothing; every error
        names the element and its line."""
        upload = files.get("file")
        data = upload.read() if upload is not None else request.get_data()
        if not data:
            raise ValidationFailed("import.no_file", {}, {"file": [Message("field.required")]})
        return despatch.import_advice(data)
