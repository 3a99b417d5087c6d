"""The lot planner: a product area's annual volume as lots a small producer can bid on (a zip)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.downloads import file_response
from samlast.api.security import COORDINATOR, require_roles
from samlast.clock import today
from samlast.i18n.web import request_locale
from samlast.schemas.tender_lots import DistributorPackQuerySchema, TenderPackQuerySchema
from samlast.services import distributor_pack, tender_lots

blp = Blueprint(
    "lots",
    __name__,
    url_prefix="/api/v1/lots",
    description="Split a product area's annual volume by geography, delivery day and size into lots for a tender.",
)


@blp.route("/tender-pack.zip")
class TenderPack(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(TenderPackQuerySchema, location="query")
    @blp.response(200, description="README, lots.csv and one CSV per lot, zipped", content_type="application/zip")
    def get(self, args):
        name, body = tender_lots.tender_pack(
            args["product_area_id"], args["max_kg"], args.get("until") or today(), request_locale()
        )
        return file_response(body, "application/zip", f"{name}.zip")


@blp.route("/distributor-pack.zip")
class DistributorPack(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(DistributorPackQuerySchema, location="query")
    @blp.response(200, description="Summary PDF and CSV files, zipped", content_type="application/zip")
    def get(self, args):
        """The tender data pack for procuring the distributor: annual volumes per temperature class,
        deliveries per week and per delivery point with its receiving windows, planned km per week and
        the terminal's throughput per weekday, from the year up to `until`."""
        name, body = distributor_pack.distributor_pack(args.get("until") or today(), request_locale())
        return file_response(body, "application/zip", f"{name}.zip")
