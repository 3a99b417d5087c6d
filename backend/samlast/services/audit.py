"""The audit trail: who changed what and when, written in the same transaction as the change.

A session hook collects the changes of the audited models at every flush (`before_flush`) and
writes one `AuditEntry` per changed row when the transaction commits (`before_commit`), so an
entry exists exactly when its change was committed. Several flushes of one transaction (a
nested list replaced: old rows deleted and flushed, new rows added) make one entry: the first
old value and the last new one.

High-volume facts are not recorded row by row: driver events, proofs, positions, ETAs and
planning progress are records of what happened already. Only their corrections are (a flagged
event resolved, a deviation resolved or reopened), and a plan version as one entry with its counts.

Who acts comes from `acting_as` (the web layer sets it for an authenticated request, a job for
the user who asked for it); without it the entry is the system's. Secrets are never stored: a
password or token hash is written as MASK.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, attributes
from sqlalchemy.orm.relationships import RelationshipDirection

from samlast.extensions import db
from samlast.i18n import has, text
from samlast.models import (
    AUDIT_ACTIONS,
    AuditEntry,
    AuthToken,
    Booking,
    Cluster,
    DeliveryPoint,
    Deviation,
    DriverEvent,
    Municipality,
    Order,
    PartyMapping,
    Plan,
    ProductArea,
    RegionSite,
    SlotTemplate,
    StockArticle,
    StockBatch,
    StockIssue,
    StockMinimum,
    Supplier,
    Terminal,
    User,
    Vehicle,
)
from samlast.services import people_csv

CREATE, UPDATE, DELETE = AUDIT_ACTIONS
ACTIONS = AUDIT_ACTIONS
MASK = "***"
#: Never written as they are, in any entry.
SECRET_FIELDS = frozenset({"password_hash", "token_hash"})
#: Bookkeeping every row has; the entry's own time says when.
SKIPPED_FIELDS = frozenset({"created_at", "updated_at"})
_PENDING = "samlast.audit.pending"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    source: str


_actor: ContextVar[Actor | None] = ContextVar("samlast_audit_actor", default=None)


@contextmanager
def acting_as(user: User | None, source: str = "api") -> Iterator[None]:
    """Changes committed inside are recorded as made by `user` (None: by the system) via `source`."""
    actor = Actor(user.id, user.display_name or user.username, source) if user else Actor(None, "", source)
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def from_the_command_line() -> Callable[[], None]:
    """What a `flask samlast ...` command changes is recorded as done from the command line,
    until the returned function is called (when the command ends)."""
    token = _actor.set(Actor(None, "", "cli"))
    return lambda: _actor.reset(token)


def current_actor() -> Actor:
    return _actor.get() or Actor(None, "", "system")


@dataclass(frozen=True)
class Policy:
    """What of a model is recorded."""

    actions: frozenset[str] = frozenset(ACTIONS)
    #: Only changes of these fields make an update entry (None: any column or list).
    only: tuple[str, ...] | None = None
    #: Changes of these fields are not recorded (derived by planning or delivery).
    ignore: tuple[str, ...] = ()
    #: Written on every entry of the row, changed or not (what the row belongs to).
    context: tuple[str, ...] = ()
    #: A created row's entry: this summary instead of its columns.
    summary: Callable[[Any], dict[str, Any]] | None = None


def _plan_summary(plan: Plan) -> dict[str, Any]:
    return {
        "terminal_id": plan.terminal_id,
        "plan_date": plan.plan_date.isoformat(),
        "version": plan.version,
        "solver_status": plan.solver_status,
        "routes": len(plan.routes),
        "stops": sum(len(route.stops) for route in plan.routes),
        "unassigned": len(plan.unassigned or []),
    }


MASTER_DATA = Policy()
POLICIES: dict[type, Policy] = {
    Cluster: MASTER_DATA,
    Municipality: MASTER_DATA,
    Terminal: MASTER_DATA,
    ProductArea: MASTER_DATA,
    DeliveryPoint: MASTER_DATA,
    Supplier: MASTER_DATA,
    Vehicle: MASTER_DATA,
    SlotTemplate: MASTER_DATA,
    User: MASTER_DATA,
    # An order's status and delivery time follow from planning and proofs (facts of their own).
    Order: Policy(ignore=("status", "delivered_at")),
    # The confirmed pickup time is written by planning.
    Booking: Policy(ignore=("confirmed_time",)),
    Plan: Policy(actions=frozenset({CREATE}), summary=_plan_summary),
    Deviation: Policy(actions=frozenset({UPDATE}), only=("status", "resolved_at")),
    DriverEvent: Policy(actions=frozenset({UPDATE}), only=("resolved",), context=("job_key", "plan_date")),
    PartyMapping: MASTER_DATA,
    RegionSite: MASTER_DATA,
    StockArticle: MASTER_DATA,
    StockBatch: MASTER_DATA,
    StockMinimum: MASTER_DATA,
    # An issue from stock is made once and never changed (its order line is audited as an order's).
    StockIssue: Policy(actions=frozenset({CREATE})),
    # Logging in is no change; revoking a token (logout, a lost phone) is.
    AuthToken: Policy(actions=frozenset({UPDATE}), only=("revoked_at",), context=("user_id", "device")),
}
AUDITED_TABLES = tuple(sorted(model.__tablename__ for model in POLICIES))  # type: ignore[attr-defined]


def policy_of(obj: Any) -> Policy | None:
    return POLICIES.get(type(obj))


# Values as JSON ---------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value as JSON can hold it: dates and times as ISO text (UTC), enums by value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return str(value)


def _masked(name: str, value: Any) -> Any:
    return (MASK if value else value) if name in SECRET_FIELDS else plain(value)


def _child(obj: Any) -> Any:
    """A row of a nested list (an order line, a receiving window): its own columns, no keys."""
    mapper = sa.inspect(type(obj))
    return {
        column.key: plain(getattr(obj, column.key, None))
        for column in mapper.column_attrs
        if not any(c.primary_key or c.foreign_keys for c in column.columns)
    }


def _collection_value(relationship: Any, items: Sequence[Any]) -> list[Any]:
    if relationship.secondary is not None:  # a list of references: their ids
        return sorted(item.id for item in items if item.id is not None)
    return [_child(item) for item in items]


def _recorded_relationships(model: type) -> list[Any]:
    """The lists an entry records: nested rows it owns and many-to-many references."""
    relationships: Sequence[Any] = sa.inspect(model).relationships
    return [
        rel
        for rel in relationships
        if rel.uselist
        and (
            rel.secondary is not None
            or (rel.direction == RelationshipDirection.ONETOMANY and "delete-orphan" in rel.cascade)
        )
    ]


def _values(obj: Any) -> dict[str, Any]:
    """Every column and recorded list of a row, secrets masked."""
    mapper = sa.inspect(type(obj))
    values = {
        column.key: _masked(column.key, getattr(obj, column.key, None))
        for column in mapper.column_attrs
        if column.key not in SKIPPED_FIELDS
    }
    for rel in _recorded_relationships(type(obj)):
        values[rel.key] = _collection_value(rel, getattr(obj, rel.key))
    return values


def _stored_values(session: Session, obj: Any, columns: list[Any]) -> dict[str, Any]:
    """The values of `columns` as the database holds them (not yet flushed over)."""
    mapper = sa.inspect(type(obj))
    identity = sa.inspect(obj).identity
    if not identity:
        return {}
    query = sa.select(*(prop.columns[0] for prop in columns)).where(
        *(column == value for column, value in zip(mapper.primary_key, identity, strict=True))
    )
    row = session.connection().execute(query).first()  # a plain connection: no autoflush inside a flush
    return {} if row is None else {prop.key: value for prop, value in zip(columns, row, strict=True)}


def _update_changes(session: Session, obj: Any, policy: Policy) -> dict[str, list[Any]]:
    """{field: [old, new]} of what this flush changes in `obj`."""
    state = sa.inspect(obj)
    mapper = state.mapper
    changes: dict[str, list[Any]] = {}
    unknown = []  # set after the row was expired (a commit) and not read again: the old value was never loaded

    def wanted(name: str) -> bool:
        if name in SKIPPED_FIELDS or name in policy.ignore:
            return False
        return policy.only is None or name in policy.only

    for column in mapper.column_attrs:
        name = column.key
        if not wanted(name):
            continue
        history = state.attrs[name].load_history()
        if not history.has_changes():
            continue
        if not history.deleted and state.key is not None:
            unknown.append(column)
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            changes[name] = [_masked(name, old), _masked(name, new)]
    stored = _stored_values(session, obj, unknown) if unknown else {}
    for column in unknown:
        old, new = stored.get(column.key), getattr(obj, column.key)
        if old != new:
            changes[column.key] = [_masked(column.key, old), _masked(column.key, new)]
    for rel in _recorded_relationships(type(obj)):
        if not wanted(rel.key):
            continue
        history = attributes.get_history(obj, rel.key)
        if not (history.added or history.deleted):
            continue
        kept = list(history.unchanged or ())
        old = _collection_value(rel, kept + list(history.deleted or ()))
        new = _collection_value(rel, kept + list(history.added or ()))
        if old != new:
            changes[rel.key] = [old, new]
    return changes


# Collecting and writing ------------------------------------------------------------------


@dataclass
class _Pending:
    obj: Any
    action: str
    changes: dict[str, Any] = field(default_factory=dict)
    entity_id: str | None = None


def _pending(session: Session) -> dict[int, _Pending]:
    return session.info.setdefault(_PENDING, {})


def _collect(session: Session, _flush_context: Any, _instances: Any) -> None:
    pending = _pending(session)
    for obj in list(session.new):
        policy = policy_of(obj)
        if policy is not None and CREATE in policy.actions:
            pending[id(obj)] = _Pending(obj, CREATE)
    for obj in list(session.dirty):
        policy = policy_of(obj)
        if policy is None or UPDATE not in policy.actions and id(obj) not in pending:
            continue
        with session.no_autoflush:
            changes = _update_changes(session, obj, policy)
        if not changes:
            continue
        entry = pending.get(id(obj))
        if entry is None:
            pending[id(obj)] = _Pending(obj, UPDATE, changes)
        elif entry.action == UPDATE:  # another flush of the same transaction: first old, last new
            for name, (old, new) in changes.items():
                entry.changes[name] = [entry.changes.get(name, [old])[0], new]
        # a row created in this transaction is written with its values at commit
    for obj in list(session.deleted):
        policy = policy_of(obj)
        if policy is None:
            continue
        entry = pending.get(id(obj))
        if entry is not None and entry.action == CREATE:  # created and deleted again: nothing happened
            del pending[id(obj)]
            continue
        if DELETE in policy.actions:
            with session.no_autoflush:
                values = _values(obj)
            pending[id(obj)] = _Pending(obj, DELETE, values, _identity(obj))


def _identity(obj: Any) -> str:
    identity = sa.inspect(obj).identity
    return ":".join(str(part) for part in identity) if identity else ""


def _write(session: Session) -> None:
    if session.in_nested_transaction():
        return
    # The commit flushes after this hook: flush here, so that the last changes are collected and
    # new rows have their ids.
    session.flush()
    pending = session.info.pop(_PENDING, {})
    actor = current_actor()
    for item in pending.values():
        policy = POLICIES[type(item.obj)]
        if item.action == CREATE:
            changes = policy.summary(item.obj) if policy.summary else _values(item.obj)
        else:
            changes = item.changes
        if item.action == UPDATE:
            # (a secret's old and new value are both masked: a change all the same)
            changes = {
                name: change
                for name, change in changes.items()
                if change[0] != change[1] or name in SECRET_FIELDS
            }
            if not changes:
                continue
            changes |= {name: plain(getattr(item.obj, name)) for name in policy.context if name not in changes}
        session.add(
            AuditEntry(
                actor_user_id=actor.user_id,
                actor_name=actor.name,
                source=actor.source,
                action=item.action,
                entity=item.obj.__tablename__,
                entity_id=item.entity_id or _identity(item.obj),
                changes=changes,
            )
        )


def _drop(session: Session, previous: Any) -> None:
    if not getattr(previous, "nested", False):
        session.info.pop(_PENDING, None)


def init_app(_app: Any) -> None:
    """Hook every session: changes are collected at each flush and written at commit."""
    if not getattr(init_app, "_hooked", False):
        sa_event.listen(Session, "before_flush", _collect)
        sa_event.listen(Session, "before_commit", _write)
        sa_event.listen(Session, "after_soft_rollback", _drop)
        init_app._hooked = True  # type: ignore[attr-defined]


# Reading ----------------------------------------------------------------------------------


def _query(args: dict[str, Any], timezone: str) -> sa.Select:
    query = sa.select(AuditEntry)
    for name in ("entity", "entity_id", "action", "actor_user_id", "source"):
        if args.get(name) not in (None, ""):
            query = query.where(getattr(AuditEntry, name) == args[name])
    if args.get("actor"):
        query = query.where(AuditEntry.actor_name.icontains(args["actor"], autoescape=True))
    zone = ZoneInfo(timezone)
    if args.get("from"):
        query = query.where(AuditEntry.at >= datetime.combine(args["from"], time(0), tzinfo=zone))
    if args.get("to"):
        query = query.where(AuditEntry.at < datetime.combine(args["to"] + timedelta(days=1), time(0), tzinfo=zone))
    return query.order_by(AuditEntry.id.desc())


def entries_page(args: dict[str, Any], timezone: str) -> tuple[Sequence[AuditEntry], int]:
    """A page (limit/offset) of entries matching the filters, newest first, and how many match."""
    query = _query(args, timezone)
    total = db.session.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    return db.session.scalars(query.limit(args["limit"]).offset(args["offset"])).all(), total


def entries(args: dict[str, Any], timezone: str, limit: int = 100_000) -> Sequence[AuditEntry]:
    return db.session.scalars(_query(args, timezone).limit(limit)).all()


def record_text(key_prefix: str, value: str, locale: str) -> str:
    """An action, source or table in words; a value without words as it is."""
    key = f"{key_prefix}.{value}"
    return text(key, None, locale) if has(key) else value


def _cell(value: Any, locale: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return text("common.yes", None, locale) if value else text("common.no", None, locale)
    if isinstance(value, float):
        return people_csv.number(value, locale)
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def changes_text(entry: AuditEntry, locale: str) -> str:
    """"namn: Gamla → Nya; aktiv: ja → nej" (an update) or "namn: Nya; ..." (a create or delete)."""
    parts = []
    for name, value in (entry.changes or {}).items():
        if entry.action == UPDATE and isinstance(value, list) and len(value) == 2:
            parts.append(
                f"{record_text('audit.field', name, locale)}: {_cell(value[0], locale)} → {_cell(value[1], locale)}"
            )
        else:
            parts.append(f"{record_text('audit.field', name, locale)}: {_cell(value, locale)}")
    return "; ".join(parts)


CSV_HEADERS = (
    "csv.audit.at",
    "csv.audit.actor",
    "csv.audit.source",
    "csv.audit.action",
    "csv.audit.entity",
    "csv.audit.entity_id",
    "csv.audit.changes",
)


def entries_csv(rows: Sequence[AuditEntry], locale: str, timezone: str) -> str:
    """The entries for Excel in the reader's language (samlast.services.people_csv)."""
    zone = ZoneInfo(timezone)
    system = text("audit.system", None, locale)
    return people_csv.write(
        CSV_HEADERS,
        (
            [
                entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_name or system,
                record_text("audit.source", entry.source, locale),
                record_text("audit.action", entry.action, locale),
                record_text("audit.entity", entry.entity, locale),
                entry.entity_id,
                changes_text(entry, locale),
            ]
            for entry in rows
        ),
        locale,
    )
