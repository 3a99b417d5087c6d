"""CRUD endpoints for master data, with per-role read scopes."""

from __future__ import annotations

import sqlalchemy as sa

from samlast.api.crud import crud_blueprint
from samlast.errors import Forbidden
from samlast.models import DeliveryPoint, Order, Role, Supplier, User
from samlast.schemas.fleet import VehicleSchema
from samlast.schemas.inventory import (
    ClusterSchema,
    DeliveryPointSchema,
    MunicipalitySchema,
    ProductAreaSchema,
    SupplierSchema,
    TerminalSchema,
)
from samlast.schemas.orders import OrderQuerySchema, OrderSchema
from samlast.schemas.users import UserSchema
from samlast.services import inventory as res

ALL_ROLES = tuple(Role)


def _scope_delivery_points(user: User, query: sa.Select) -> sa.Select:
    if user.role == Role.COORDINATOR:
        return query
    if user.role == Role.RECIPIENT:
        return query.where(DeliveryPoint.id.in_(user.delivery_point_ids))
    raise Forbidden()


def _scope_suppliers(user: User, query: sa.Select) -> sa.Select:
    if user.role == Role.COORDINATOR:
        return query
    if user.role == Role.PRODUCER:
        return query.where(Supplier.id == user.supplier_id)
    raise Forbidden()


def _scope_orders(user: User, query: sa.Select) -> sa.Select:
    if user.role == Role.COORDINATOR:
        return query
    if user.role == Role.RECIPIENT:
        return query.where(Order.delivery_point_id.in_(user.delivery_point_ids))
    if user.role == Role.PRODUCER:
        return query.where(Order.supplier_id == user.supplier_id)
    raise Forbidden()


def _filter_orders(args: dict, query: sa.Select) -> sa.Select:
    if "date" in args:
        query = query.where(Order.requested_date == args["date"])
    for name in ("delivery_point_id", "supplier_id", "status"):
        if name in args:
            query = query.where(getattr(Order, name) == args[name])
    return query


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
            scope=_scope_delivery_points,
        ),
        crud_blueprint(
            "suppliers",
            res.SUPPLIERS,
            SupplierSchema,
            read_roles=(Role.COORDINATOR, Role.PRODUCER),
            scope=_scope_suppliers,
        ),
        crud_blueprint(
            "orders",
            res.ORDERS,
            OrderSchema,
            read_roles=(Role.COORDINATOR, Role.RECIPIENT, Role.PRODUCER),
            scope=_scope_orders,
            list_args=OrderQuerySchema,
            list_filter=_filter_orders,
        ),
        crud_blueprint("vehicles", res.VEHICLES, VehicleSchema),
        crud_blueprint("users", res.USERS, UserSchema),
    ]
