"""Goods in at the terminal (terminal staff and the coordinator): the day's expected arrivals and
a supplier's delivery received line by line."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast import clock
from samlast.api.security import current_user, require_roles
from samlast.models import Role
from samlast.schemas.goods_in import (
    ExpectedArrivalsSchema,
    ExpectedQuerySchema,
    GoodsReceiptInputSchema,
    GoodsReceiptResultSchema,
)
from samlast.services import goods_in

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
