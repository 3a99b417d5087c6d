"""The coordinator's deviations: what drivers and kitchens reported, handled with a note, opened again."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.i18n.web import request_locale
from samlast.schemas.deviations import (
    DeviationListArgsSchema,
    DeviationSchema,
    ReopenDeviationSchema,
    ResolveDeviationSchema,
)
from samlast.services import deviations

blp = Blueprint(
    "deviations",
    __name__,
    url_prefix="/api/v1",
    description="Deviations reported by drivers and kitchen staff, in the reader's language; handled with "
    "a note and opened again, every step kept.",
)


@blp.route("/deviations/")
class Deviations(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(DeviationListArgsSchema, location="query")
    @blp.response(200, DeviationSchema(many=True))
    def get(self, args):
        """Deviations to resolve (the kitchen reported missing, damaged... goods, or received another
        quantity than the driver left): open ones (default), `resolved` ones (latest first) or `all`."""
        locale = request_locale()
        return [deviations.view(deviation, locale) for deviation in deviations.listed(args["status"])]


@blp.route("/deviations/<int:deviation_id>/resolve")
class ResolveDeviation(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(ResolveDeviationSchema)
    @blp.response(200, DeviationSchema)
    def post(self, data, deviation_id):
        """Mark as handled with a note saying who handled it and how; kept, and can be undone (reopen)."""
        return deviations.view(deviations.resolve(current_user(), deviation_id, data["note"]), request_locale())


@blp.route("/deviations/<int:deviation_id>/reopen")
class ReopenDeviation(MethodView):
    @require_roles(*COORDINATOR)
    @blp.arguments(ReopenDeviationSchema)
    @blp.response(200, DeviationSchema)
    def post(self, data, deviation_id):
        """Undo "handled": the deviation is open again; who handled it, and who reopened it, stay recorded."""
        return deviations.view(deviations.reopen(current_user(), deviation_id, data["note"]), request_locale())
