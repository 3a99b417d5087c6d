"""One factory for the coordinator's CRUD endpoints, so each resource is a few lines.

Reads are scoped per role by the resource (samlast.services.master_data: a recipient
sees only their own delivery points, a producer only their own supplier); objects
outside the scope answer 404, so ids of other tenants' objects are not even confirmed.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema

from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.models import Role
from samlast.schemas.common import ListQuerySchema
from samlast.services import master_data
from samlast.services.master_data import Resource

#: A list answers one page (limit/offset); this header gives the number of rows of every page together.
TOTAL_HEADER = "X-Total-Count"
_TOTAL_DOC = {
    TOTAL_HEADER: {"description": "Rows matching the query, all pages together", "schema": {"type": "integer"}}
}


def _patch_schema(schema_cls: type[Schema]) -> Schema:
    # A named subclass keeps the OpenAPI document free of duplicate schema names.
    base = schema_cls.__name__.removesuffix("Schema")
    return type(f"{base}PatchSchema", (schema_cls,), {})(partial=True)


def crud_blueprint(
    name: str,
    resource: Resource,
    schema_cls: type[Schema],
    out_cls: type[Schema],
    *,
    read_roles: tuple[Role, ...] = COORDINATOR,
    list_args: type[Schema] = ListQuerySchema,
) -> Blueprint:
    """`schema_cls` reads what is written; `out_cls` answers a row (the same fields, documented as
    always there: samlast.schemas.common.ResponseSchema)."""
    url = name.replace("_", "-")
    blp = Blueprint(
        name, __name__, url_prefix=f"/api/v1/{url}", description=f"{resource.label.capitalize()}s"
    )

    @blp.route("/")
    class Collection(MethodView):
        @require_roles(*read_roles)
        @blp.arguments(list_args, location="query")
        @blp.response(200, out_cls(many=True), headers=_TOTAL_DOC)
        def get(self, args):
            rows, total = master_data.read_page(resource, current_user(), args)
            return rows, {TOTAL_HEADER: str(total)}

        @require_roles(*COORDINATOR)
        @blp.arguments(schema_cls)
        @blp.response(201, out_cls)
        def post(self, data):
            return master_data.create(resource, data)

    @blp.route("/<int:object_id>")
    class Item(MethodView):
        @require_roles(*read_roles)
        @blp.response(200, out_cls)
        def get(self, object_id):
            return master_data.read_one(resource, current_user(), object_id)

        @require_roles(*COORDINATOR)
        @blp.arguments(_patch_schema(schema_cls))
        @blp.response(200, out_cls)
        def patch(self, data, object_id):
            return master_data.update(resource, master_data.get_or_404(resource, object_id), data)

        @require_roles(*COORDINATOR)
        @blp.response(204)
        def delete(self, object_id):
            master_data.delete(resource, master_data.get_or_404(resource, object_id))

    return blp
