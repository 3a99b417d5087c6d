"""CRUD endpoints for master data, with per-role read scopes."""

from __future__ import annotations

from samlast.api.crud import crud_blueprint
from samlast.models import Role
from samlast.schemas.fleet import VehicleOutSchema, VehicleSchema
from samlast.schemas.master_data import (
    ClusterOutSchema,
    ClusterSchema,
    DeliveryPointOutSchema,
    DeliveryPointSchema,
    MunicipalityOutSchema,
    MunicipalitySchema,
    ProductAreaOutSchema,
    ProductAreaSchema,
    SupplierOutSchema,
    SupplierSchema,
    TerminalOutSchema,
    TerminalSchema,
)
from samlast.schemas.orders import OrderOutSchema, OrderQuerySchema, OrderSchema
from samlast.schemas.users import UserOutSchema, UserSchema
from samlast.services import master_data as res

ALL_ROLES = tuple(Role)


def blueprints():
    return [
        crud_blueprint("clusters", res.CLUSTERS, ClusterSchema, ClusterOutSchema, read_roles=ALL_ROLES),
        crud_blueprint(
            "municipalities", res.MUNICIPALITIES, MunicipalitySchema, MunicipalityOutSchema, read_roles=ALL_ROLES
        ),
        crud_blueprint("terminals", res.TERMINALS, TerminalSchema, TerminalOutSchema, read_roles=ALL_ROLES),
        crud_blueprint(
            "product_areas", res.PRODUCT_AREAS, ProductAreaSchema, ProductAreaOutSchema, read_roles=ALL_ROLES
        ),
        crud_blueprint(
            "delivery_points",
            res.DELIVERY_POINTS,
            DeliveryPointSchema,
            DeliveryPointOutSchema,
            read_roles=(Role.COORDINATOR, Role.RECIPIENT),
        ),
        crud_blueprint(
            "suppliers",
            res.SUPPLIERS,
            SupplierSchema,
            SupplierOutSchema,
            read_roles=(Role.COORDINATOR, Role.PRODUCER),
        ),
        crud_blueprint(
            "orders",
            res.ORDERS,
            OrderSchema,
            OrderOutSchema,
            read_roles=(Role.COORDINATOR, Role.RECIPIENT, Role.PRODUCER),
            list_args=OrderQuerySchema,
        ),
        crud_blueprint("vehicles", res.VEHICLES, VehicleSchema, VehicleOutSchema),
        crud_blueprint("users", res.USERS, UserSchema, UserOutSchema),
    ]
