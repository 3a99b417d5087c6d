"""CRUD endpoints for master data, with per-role read scopes."""

from __future__ import annotations

from samlast.api.crud import crud_blueprint
from samlast.models import Role
from samlast.schemas.fleet import VehicleSchema
from samlast.schemas.master_data import (
    ClusterSchema,
    DeliveryPointSchema,
    MunicipalitySchema,
    ProductAreaSchema,
    SupplierSchema,
    TerminalSchema,
)
from samlast.schemas.orders import OrderQuerySchema, OrderSchema
from samlast.schemas.users import UserSchema
from samlast.services import master_data as res

ALL_ROLES = tuple(Role)


def blueprints():
    return [
        crud_blueprint("clusters", res.CLUSTERS, ClusterSchema, read_roles=ALL_ROLES),
        crud_blueprint("municipalities", res.MUNICIPALITIES, MunicipalitySchema, read_roles=ALL_ROLES),
        crud_blueprint("terminals", res.TERMINALS, TerminalSchema, read_roles=ALL_ROLES),
        crud_blueprint("product_areas", res.PRODUCT_AREAS, ProductAreaSchema, read_roles=ALL_ROLES),
        crud_blueprint(
            "delivery_points",
            res.DELIVERY_POINTS,
            DeliveryPointSchema,
            read_roles=(Role.COORDINATOR, Role.RECIPIENT),
        ),
        crud_blueprint(
            "suppliers",
            res.SUPPLIERS,
            SupplierSchema,
            read_roles=(Role.COORDINATOR, Role.PRODUCER),
        ),
        crud_blueprint(
            "orders",
            res.ORDERS,
            OrderSchema,
            read_roles=(Role.COORDINATOR, Role.RECIPIENT, Role.PRODUCER),
            list_args=OrderQuerySchema,
        ),
        crud_blueprint("vehicles", res.VEHICLES, VehicleSchema),
        crud_blueprint("users", res.USERS, UserSchema),
    ]
