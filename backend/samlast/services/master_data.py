"""Create, update and delete the coordinator's master data, with reference checks.

A `Resource` says how one model is written: which fields refer to other rows
(checked before writing, so a bad id is a 422 naming the field, not a 500 from
the database) and how nested lists (windows, lines, compartments) are replaced.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from samlast import clock
from samlast.errors import Conflict, Forbidden, NotFound, ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import (
    Cluster,
    DeliveryPoint,
    Municipality,
    Order,
    OrderLine,
    ProductArea,
    ReceivingWindow,
    Role,
    SlotTemplate,
    Supplier,
    Terminal,
    User,
    Vehicle,
    VehicleCompartment,
)
from samlast.models.base import Base
from samlast.services import jobs, lookups, planning, replan

log = logging.getLogger(__name__)

Setter = Callable[[Any, Any], None]


class _Identified(Protocol):
    """A model class (the class itself) with an integer primary key column ``id``."""

    id: InstrumentedAttribute[int]


@dataclass(frozen=True)
class Resource:
    model: type[Base]
    label: str
    references: dict[str, type[Base]] = field(default_factory=dict)
    setters: dict[str, Setter] = field(default_factory=dict)
    search_column: str | None = "name"
    validate: Callable[[Any], None] | None = None
    # Called after a committed change with the object and the watched values before it.
    on_change: Callable[[Any, dict[str, Any]], None] | None = None
    watch: tuple[str, ...] = ()
    # The error code when a row is a record of what happened and may no longer change, else None.
    locked: Callable[[Any], str | None] | None = None
    # What a user may read of it (the coordinator everything); a role with no read raises Forbidden.
    scope: Callable[[User, sa.Select], sa.Select] = field(default=lambda user, query: query)
    # Narrows a list by its query arguments (e.g. an order's date).
    list_filter: Callable[[dict, sa.Select], sa.Select] | None = None

    def id_column(self) -> InstrumentedAttribute[int]:
        """The model's ``id``: every resource's model has one, which Base does not declare.

        A method: mypy would type a property returning a descriptor as the descriptor's value.
        """
        return cast(_Identified, self.model).id

    @property
    def table(self) -> sa.Table:
        table = self.model.__table__
        assert isinstance(table, sa.Table)  # a declarative model maps one table (typed as any FromClause)
        return table

    @property
    def noun(self) -> str:
        """The table key suffix of the resource's name (noun.delivery_point)."""
        return self.label.replace(" ", "_")

    def snapshot(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name, None) for name in self.watch}

    def changed(self, obj: Any, before: dict[str, Any]) -> None:
        if self.on_change is not None:
            self.on_change(obj, before)


def get_or_404(resource: Resource, object_id: int) -> Any:
    return lookups.get_or_404(resource.model, object_id, what=Message(f"noun.{resource.noun}"))


def _check_references(resource: Resource, data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name, model in resource.references.items():
        value = data.get(name)
        if value is not None and db.session.get(model, value) is None:
            errors[name] = [Message("field.unknown_reference", id=value)]
    if errors:
        raise ValidationFailed("record.unknown_references", {"count": len(errors)}, errors)


def _check_unique(resource: Resource, data: dict[str, Any], current_id: int | None) -> None:
    errors: dict[str, list[str]] = {}
    for column in resource.table.columns:
        if not column.unique or column.name not in data:
            continue
        query = sa.select(resource.id_column()).where(column == data[column.name])
        if current_id is not None:
            query = query.where(resource.id_column() != current_id)
        if db.session.scalar(query) is not None:
            errors[column.name] = [Message("field.already_used", value=data[column.name])]
    if errors:
        raise ValidationFailed("record.not_unique", {"count": len(errors)}, errors)


def assign(resource: Resource, obj: Any, data: dict[str, Any]) -> None:
    """Apply loaded data to a model object without committing."""
    _check_references(resource, data)
    _check_unique(resource, data, getattr(obj, "id", None))
    for name, value in data.items():
        setter = resource.setters.get(name)
        if setter is not None:
            setter(obj, value)
        else:
            setattr(obj, name, value)
    if resource.validate is not None:
        resource.validate(obj)


def _commit(resource: Resource) -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict("record.in_use", {"what": Message(f"noun.{resource.noun}")}) from exc


def create(resource: Resource, data: dict[str, Any]) -> Any:
    obj = resource.model()
    try:
        assign(resource, obj, data)
    except Exception:
        db.session.rollback()
        raise
    db.session.add(obj)
    _commit(resource)
    resource.changed(obj, {})
    return obj


def _check_unlocked(resource: Resource, obj: Any) -> None:
    if resource.locked is not None and (reason := resource.locked(obj)) is not None:
        raise Conflict(reason)


def update(resource: Resource, obj: Any, data: dict[str, Any]) -> Any:
    _check_unlocked(resource, obj)
    before = resource.snapshot(obj)
    try:
        assign(resource, obj, data)
    except IntegrityError as exc:  # a flush while replacing nested rows
        db.session.rollback()
        raise Conflict("record.in_use", {"what": Message(f"noun.{resource.noun}")}) from exc
    except Exception:
        db.session.rollback()
        raise
    _commit(resource)
    resource.changed(obj, before)
    return obj


def delete(resource: Resource, obj: Any) -> None:
    _check_unlocked(resource, obj)
    before = resource.snapshot(obj)
    db.session.delete(obj)
    _commit(resource)
    resource.changed(None, before)


def read_one(resource: Resource, user: User, object_id: int) -> Any:
    """One row the user may read; one outside their scope is as missing as one that is not there."""
    query = resource.scope(user, sa.select(resource.model).where(resource.id_column() == object_id))
    obj = db.session.scalar(query)
    if obj is None:
        raise NotFound("record.not_found", {"what": Message(f"noun.{resource.noun}"), "id": object_id})
    return obj


def read_page(resource: Resource, user: User, args: dict[str, Any]) -> tuple[Sequence[Any], int]:
    """A page (limit/offset) of the rows the user may read, and how many there are on every page."""
    query = list_query(resource, args.get("q"))
    if resource.list_filter is not None:
        query = resource.list_filter(args, query)
    query = resource.scope(user, query)
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    return db.session.scalars(query.limit(args["limit"]).offset(args["offset"])).all(), total


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


def list_query(resource: Resource, q: str | None) -> sa.Select:
    query = sa.select(resource.model)
    if q and resource.search_column:
        # autoescape: "_" and "%" in a search are literal characters, not wildcards.
        column = getattr(resource.model, resource.search_column)
        query = query.where(column.icontains(q, autoescape=True))
    return query.order_by(resource.id_column())


# Nested setters -------------------------------------------------------------


#: The models a nested setter refers to by a list of ids.
_Referenced = TypeVar("_Referenced", ProductArea, DeliveryPoint)


def _rows_by_id(model: type[_Referenced], ids: Sequence[int], field_name: str) -> list[_Referenced]:
    rows = db.session.scalars(sa.select(model).where(model.id.in_(ids))).all()
    missing = sorted(set(ids) - {row.id for row in rows})
    if missing:
        raise ValidationFailed(
            "record.unknown_references",
            {"count": len(missing)},
            {field_name: [Message("field.unknown_reference", id=missing)]},
        )
    return sorted(rows, key=lambda row: ids.index(row.id))


def replace_collection(obj: Any, attribute: str, children: list[Any]) -> None:
    """Swap a child collection; old rows are deleted first so unique keys can be reused."""
    if getattr(obj, "id", None) is not None and getattr(obj, attribute):
        getattr(obj, attribute).clear()
        db.session.flush()
    setattr(obj, attribute, children)


def _set_windows(point: DeliveryPoint, windows: list[dict]) -> None:
    replace_collection(point, "receiving_windows", [ReceivingWindow(**w) for w in windows])


def _set_product_areas(supplier: Supplier, ids: list[int]) -> None:
    supplier.product_areas = _rows_by_id(ProductArea, ids, "product_area_ids")


def _set_lines(order: Order, lines: list[dict]) -> None:
    area_ids = [line["product_area_id"] for line in lines if line.get("product_area_id")]
    _rows_by_id(ProductArea, area_ids, "lines")
    replace_collection(
        order, "lines", [OrderLine(line_no=i + 1, **line) for i, line in enumerate(lines)]
    )


def _set_compartments(vehicle: Vehicle, compartments: list[dict]) -> None:
    replace_collection(vehicle, "compartments", [VehicleCompartment(**c) for c in compartments])


def _set_password(user: User, password: str) -> None:
    user.set_password(password)


def _set_user_points(user: User, ids: list[int]) -> None:
    user.delivery_points = _rows_by_id(DeliveryPoint, ids, "delivery_point_ids")


def _validate_user(user: User) -> None:
    if not user.password_hash:
        raise ValidationFailed("user.password_required", {}, {"password": [Message("field.required")]})
    if user.role == Role.PRODUCER and user.supplier_id is None:
        raise ValidationFailed("user.producer_needs_supplier", {}, {"supplier_id": [Message("field.required")]})
    if user.role != Role.PRODUCER and user.supplier_id is not None:
        raise ValidationFailed(
            "user.supplier_only_for_producers", {}, {"supplier_id": [Message("field.only_producers")]}
        )
    if user.role == Role.TERMINAL and user.terminal_id is None:
        raise ValidationFailed("user.terminal_staff_need_terminal", {}, {"terminal_id": [Message("field.required")]})
    if user.role != Role.TERMINAL and user.terminal_id is not None:
        raise ValidationFailed(
            "user.terminal_only_for_terminal_staff", {}, {"terminal_id": [Message("field.only_terminal_staff")]}
        )
    if user.role == Role.RECIPIENT and not user.delivery_points:
        raise ValidationFailed("user.recipient_needs_point", {}, {"delivery_point_ids": [Message("field.required")]})


def _later(first: str, second: str) -> Callable[[Any], None]:
    """Check the stored result, not only the request: a PATCH may send one of the two."""

    def value(obj: Any, name: str) -> Any:
        current = getattr(obj, name)
        default = obj.__table__.c[name].default  # a new row gets its default on insert
        if current is None and default is not None and default.is_scalar:
            return default.arg
        return current

    def check(obj: Any) -> None:
        start, end = value(obj, first), value(obj, second)
        if start is not None and end is not None and start >= end:
            later = Message("field.later_than", other=Message(f"label.{first}"))
            raise ValidationFailed("record.invalid", {"count": 1}, {second: [later]})

    return check


CLUSTERS = Resource(Cluster, "cluster")
MUNICIPALITIES = Resource(Municipality, "municipality", references={"cluster_id": Cluster})
TERMINALS = Resource(
    Terminal,
    "terminal",
    references={"cluster_id": Cluster},
    validate=_later("opens_at", "closes_at"),
)
PRODUCT_AREAS = Resource(ProductArea, "product area")
DELIVERY_POINTS = Resource(
    DeliveryPoint,
    "delivery point",
    references={"municipality_id": Municipality},
    setters={"receiving_windows": _set_windows},
    scope=_scope_delivery_points,
)
SUPPLIERS = Resource(
    Supplier, "supplier", setters={"product_area_ids": _set_product_areas}, scope=_scope_suppliers
)
def _replan_for_order(order: Order | None, before: dict[str, Any]) -> None:

    dates = {before.get("requested_date"), order.requested_date if order else None}
    if order is not None and order.requested_date is not None and order.requested_date >= clock.today():
        # At once: the new order's delivery into the stored plan, pushed; the re-plan below improves it.
        # The order is committed already; the insertion commits its own plan version (a savepoint
        # around it would be closed by that commit).
        plan_date = order.requested_date
        for terminal in replan.planned_terminals(plan_date):
            try:
                planning.insert_new_deliveries(terminal, plan_date)
            except Exception:  # the order is saved whatever happens here; the re-plan still comes
                db.session.rollback()
                log.exception("Instant insertion for %s failed", plan_date)
    replan.replan_dates({d for d in dates if d is not None}, jobs.ORDER_CHANGED)


def _replan_for_vehicle(vehicle: Vehicle | None, before: dict[str, Any]) -> None:

    if vehicle is None or (before.get("active") and not vehicle.active):
        replan.replan_vehicle_dropout(before.get("id"), "vehicle dropped out")


ORDERS = Resource(
    Order,
    "order",
    references={"delivery_point_id": DeliveryPoint, "supplier_id": Supplier},
    setters={"lines": _set_lines},
    search_column="external_id",
    on_change=_replan_for_order,
    watch=("requested_date",),
    locked=lambda order: "order.delivered" if order.delivered_at is not None else None,
    scope=_scope_orders,
    list_filter=_filter_orders,
)
VEHICLES = Resource(
    Vehicle,
    "vehicle",
    references={"terminal_id": Terminal, "driver_id": User},
    setters={"compartments": _set_compartments},
    validate=_later("shift_start", "shift_end"),
    on_change=_replan_for_vehicle,
    watch=("id", "active"),
)
USERS = Resource(
    User,
    "user",
    references={"supplier_id": Supplier, "terminal_id": Terminal},
    setters={"password": _set_password, "delivery_point_ids": _set_user_points},
    search_column="username",
    validate=_validate_user,
)
SLOT_TEMPLATES = Resource(
    SlotTemplate,
    "slot template",
    references={"terminal_id": Terminal},
    validate=_later("start", "end"),
)
