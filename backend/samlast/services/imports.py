"""CSV import of delivery points, suppliers, vehicles and orders.

All-or-nothing per file: every row is validated first and every error is
reported with its row and column; only a file without errors is written, in
one transaction. Re-importing updates rows by external id instead of
duplicating them. Row numbers count the header as row 1, as a spreadsheet does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import InstrumentedAttribute

from samlast.errors import ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.i18n.validation import as_message
from samlast.models import (
    DeliveryPoint,
    Municipality,
    Order,
    OrderLine,
    ProductArea,
    ReceivingWindow,
    Supplier,
    TemperatureClass,
    Terminal,
    Vehicle,
    VehicleCompartment,
)
from samlast.models.base import Base
from samlast.schemas.imports import ROW_SCHEMAS
from samlast.services import geocoding
from samlast.services.master_data import replace_collection

MAX_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    """One error of a file: the spreadsheet row (header = 1), the column, what is wrong, the cell."""

    row: int
    column: str
    message: Message
    value: str = ""


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> Message:
        if self.ok:
            return Message(
                "import.done", created=self.created, updated=self.updated, what=Message(f"import.kind.{self.kind}")
            )
        rows = sorted({e.row for e in self.errors})
        return Message("import.failed", errors=Message("import.errorCount", n=len(self.errors)),
                       rows=Message("import.rowCount", n=len(rows)))  # fmt: skip


class _Errors(list):
    def add(self, row: int, column: str, message: Message, value: Any = "") -> None:
        self.append(RowError(row, column, message, "" if value is None else str(value)))

    def on(self, row: int, columns: set[str]) -> bool:
        return any(e.row == row and e.column in columns for e in self)


def _read_rows(data: bytes, errors: _Errors) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel's default on Swedish Windows
        except UnicodeDecodeError:
            errors.add(1, "", Message("import.not_text_encoding"))
            return []
    if "\x00" in text:
        errors.add(1, "", Message("import.not_text"))
        return []
    if not text.strip():
        errors.add(1, "", Message("import.empty"))
        return []
    first_line = next(iter(text.splitlines()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        if reader.fieldnames:
            reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
        return list(reader)
    except csv.Error as exc:
        errors.add(reader.line_num or 1, "", Message("import.not_csv", detail=str(exc)))
        return []


def _check_header(kind: str, rows: list[dict[str, str]], errors: _Errors) -> set[str]:
    """Report each required column missing from the header; returns those columns."""
    schema = ROW_SCHEMAS[kind]()
    header = set(rows[0]) if rows else set()
    missing = {name for name, schema_field in schema.fields.items() if schema_field.required and name not in header}
    for name in sorted(missing):
        errors.add(1, name, Message("import.column_missing"))
    return missing


def _parse(kind: str, rows: list[dict[str, str]], errors: _Errors, missing: set[str]) -> list[tuple[int, dict]]:
    """Every row with the values that could be read: a row with errors still has its other
    cells checked against the database, so one report lists every error of the file."""
    schema = ROW_SCHEMAS[kind]()
    parsed = []
    for number, row in enumerate(rows, start=2):
        try:
            parsed.append((number, schema.load(row)))
        except ValidationError as exc:
            for column, messages in sorted(exc.messages_dict.items()):
                if column in missing:
                    continue  # said once, on the header
                for message in _flatten(messages):
                    errors.add(number, column, as_message(message), row.get(column))
            parsed.append((number, exc.valid_data or {}))
    return parsed


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    return [m for value in messages for m in _flatten(value)]


_Model = TypeVar("_Model", bound=Base)
#: The imported models: each row is keyed by its unique ``external_id``.
_Imported = TypeVar("_Imported", DeliveryPoint, Supplier, Vehicle, Order)


def _lookup(model: type[_Model], column: InstrumentedAttribute[str], values: set[str]) -> dict[str, _Model]:
    rows = db.session.scalars(sa.select(model).where(column.in_(values))).all() if values else []
    return {getattr(row, column.key): row for row in rows}


def _existing(model: type[_Imported], rows: list[tuple[int, dict]], key: str = "external_id") -> dict[str, _Imported]:
    return _lookup(model, model.external_id, {data[key] for _, data in rows})


def _duplicates(rows: list[tuple[int, dict]], errors: _Errors, key: str = "external_id") -> None:
    seen: dict[str, int] = {}
    for number, data in rows:
        if key not in data:
            continue
        if data[key] in seen:
            errors.add(number, key, Message("import.duplicate", row=seen[data[key]]), data[key])
        seen.setdefault(data[key], number)


_PLACE = {"lat", "lon", "address"}
#: What is added to a row's address for the geocoder, per kind of file that has addresses.
PLACES: dict[str, Callable[[dict], str]] = {"delivery_points": lambda d: d["municipality"], "suppliers": lambda d: ""}


def _query(data: dict, place: Callable) -> str:
    return f"{data['address']}, {place(data)}, Sweden"


def addresses_to_look_up(kind: str, data: bytes) -> list[str]:
    """The addresses of a file that the geocoder must be asked for (rows without lat/lon whose
    address is not cached yet): what makes an import slow."""
    place = PLACES.get(kind)
    if place is None:
        return []
    errors = _Errors()
    rows = _read_rows(data, errors)
    if not rows:
        return []
    schema = ROW_SCHEMAS[kind]()
    queries = []
    for row in rows:
        try:
            values = schema.load(row)
        except ValidationError as exc:
            values = exc.valid_data or {}
        if ("lat" not in values or "lon" not in values) and values.get("address") and (
            kind != "delivery_points" or values.get("municipality")
        ):
            queries.append(_query(values, place))
    return geocoding.uncached(queries)


def _fill_coordinates(rows: list[tuple[int, dict]], errors: _Errors, place: Callable) -> None:
    """Geocode rows without lat/lon; on failure name every row that needs coordinates."""
    needing = [(n, d) for n, d in rows if ("lat" not in d or "lon" not in d) and not errors.on(n, _PLACE)]
    if not needing:
        return
    without_address = [n for n, d in needing if not d.get("address")]
    for number in without_address:
        errors.add(number, "lat", Message("import.coordinates_or_address"))
    queries = {n: _query(d, place) for n, d in needing if d.get("address")}
    if errors or not queries:
        return
    try:
        found = geocoding.geocode_many(queries.values())
    except geocoding.GeocodingUnavailable:
        for number in queries:
            errors.add(number, "lat", Message("import.geocoding_unavailable"), queries[number])
        return
    for number, data in needing:
        coordinates = found.get(queries[number])
        if coordinates is None:
            errors.add(number, "address", Message("import.address_not_found"), data["address"])
        else:
            data["lat"], data["lon"] = coordinates


def _upsert(model: type[_Imported], existing: dict[str, _Imported], data: dict, result: ImportResult) -> _Imported:
    obj = existing.get(data["external_id"])
    if obj is None:
        obj = model()
        db.session.add(obj)
        result.created += 1
    else:
        result.updated += 1
    for name, value in data.items():
        setattr(obj, name, value)
    return obj


def _import_delivery_points(rows, errors: _Errors, result: ImportResult) -> None:
    municipalities = {m.name.lower(): m for m in db.session.scalars(sa.select(Municipality))}
    for number, data in rows:
        if "municipality" in data and data["municipality"].lower() not in municipalities:
            errors.add(number, "municipality", Message("import.unknown_municipality"), data["municipality"])
    _duplicates(rows, errors)
    _fill_coordinates(rows, errors, place=PLACES["delivery_points"])
    if errors:
        return
    existing = _existing(DeliveryPoint, rows)
    for _, data in rows:
        data["municipality"] = municipalities[data.pop("municipality").lower()]
        windows = data.pop("windows")
        point = _upsert(DeliveryPoint, existing, data, result)
        replace_collection(point, "receiving_windows", [ReceivingWindow(**w) for w in windows])


def _import_suppliers(rows, errors: _Errors, result: ImportResult) -> None:
    areas = {a.name.lower(): a for a in db.session.scalars(sa.select(ProductArea))}
    for number, data in rows:
        unknown = [n for n in data.get("product_areas", []) if n.lower() not in areas]
        if unknown:
            errors.add(number, "product_areas", Message("import.unknown_product_area"), "|".join(unknown))
    _duplicates(rows, errors)
    _fill_coordinates(rows, errors, place=PLACES["suppliers"])
    if errors:
        return
    existing = _existing(Supplier, rows)
    for _, data in rows:
        names = data.pop("product_areas")
        supplier = _upsert(Supplier, existing, data, result)
        supplier.product_areas = [areas[n.lower()] for n in names]


def _import_vehicles(rows, errors: _Errors, result: ImportResult) -> None:
    terminals = {t.name.lower(): t for t in db.session.scalars(sa.select(Terminal))}
    for number, data in rows:
        if "terminal" in data and data["terminal"].lower() not in terminals:
            errors.add(number, "terminal", Message("import.unknown_terminal"), data["terminal"])
        if "shift_start" in data and "shift_end" in data and data["shift_start"] >= data["shift_end"]:
            errors.add(number, "shift_end", Message("import.shift_order"), f"{data['shift_end']:%H:%M}")
        capacities_kg = [data.get(f"{c.value}_kg") for c in TemperatureClass]
        if None not in capacities_kg and not any(kg > 0 for kg in capacities_kg):
            errors.add(number, "ambient_kg", Message("import.no_capacity"))
    _duplicates(rows, errors)
    if errors:
        return
    existing = _existing(Vehicle, rows)
    for _, data in rows:
        data["terminal"] = terminals[data.pop("terminal").lower()]
        capacities = {c: (data.pop(f"{c.value}_kg"), data.pop(f"{c.value}_pallets")) for c in TemperatureClass}
        vehicle = _upsert(Vehicle, existing, data, result)
        compartments = [
            VehicleCompartment(temperature_class=c, capacity_kg=kg, capacity_pallets=pallets)
            for c, (kg, pallets) in capacities.items()
            if kg > 0
        ]
        replace_collection(vehicle, "compartments", compartments)


def _import_orders(rows, errors: _Errors, result: ImportResult) -> None:
    points = _lookup(
        DeliveryPoint, DeliveryPoint.external_id, {d["delivery_point"] for _, d in rows if "delivery_point" in d}
    )
    suppliers = _lookup(Supplier, Supplier.external_id, {d["supplier"] for _, d in rows if "supplier" in d})
    areas = {a.name.lower(): a for a in db.session.scalars(sa.select(ProductArea))}
    heads: dict[str, tuple[int, dict]] = {}
    lines: dict[str, list[dict]] = {}
    for number, data in rows:
        if "delivery_point" in data and data["delivery_point"] not in points:
            errors.add(number, "delivery_point", Message("import.unknown_delivery_point"), data["delivery_point"])
        if "supplier" in data and data["supplier"] not in suppliers:
            errors.add(number, "supplier", Message("import.unknown_supplier"), data["supplier"])
        area = areas.get(data.get("product_area", "").lower())
        if data.get("product_area") and area is None:
            errors.add(number, "product_area", Message("import.unknown_product_area"), data["product_area"])
        data["product_area"] = area
        if "temperature_class" not in data:
            if area is None:
                errors.add(number, "temperature_class", Message("import.temperature_or_area"))
            else:
                data["temperature_class"] = area.temperature_class
        if "order_external_id" not in data:
            continue
        first = heads.setdefault(data["order_external_id"], (number, data))
        lines.setdefault(data["order_external_id"], []).append(data)
        for key in ("delivery_point", "supplier", "requested_date"):
            if key in first[1] and key in data and first[1][key] != data[key]:
                errors.add(number, key, Message("import.differs_from_row", row=first[0]), data[key])
    if errors:
        return
    existing = _lookup(Order, Order.external_id, set(heads))
    for external_id, (_, head) in heads.items():
        order = _upsert(
            Order,
            existing,
            {
                "external_id": external_id,
                "delivery_point": points[head["delivery_point"]],
                "supplier": suppliers[head["supplier"]],
                "requested_date": head["requested_date"],
            },
            result,
        )
        new_lines = [
            OrderLine(line_no=i + 1, **{k: v for k, v in line.items() if k in _LINE_FIELDS})
            for i, line in enumerate(lines[external_id])
        ]
        replace_collection(order, "lines", new_lines)


_LINE_FIELDS = {
    "article", "product_area", "quantity", "unit", "weight_kg", "pallet_places", "volume_m3",
    "temperature_class",
}  # fmt: skip

IMPORTERS = {
    "delivery_points": _import_delivery_points,
    "suppliers": _import_suppliers,
    "vehicles": _import_vehicles,
    "orders": _import_orders,
}


def row_errors(result: ImportResult) -> list[dict]:
    """Each error with its row, column, the cell as written and what is wrong with it."""
    return [
        {"row": e.row, "column": e.column, "value": e.value, "code": e.message.key, "message": e.message}
        for e in result.errors
    ]


def _rows_and_header(kind: str, data: bytes, errors: _Errors) -> tuple[list[dict[str, str]], set[str]]:
    """The file's rows and the required columns its header lacks (each error added to `errors`)."""
    rows = _read_rows(data, errors)
    if not errors and not rows:
        errors.add(2, "", Message("import.no_rows"))
    return rows, _check_header(kind, rows, errors) if rows else set()


def _refused(result: ImportResult, errors: _Errors) -> ImportResult:
    result.created = result.updated = 0
    result.errors = sorted(errors, key=lambda e: (e.row, e.column))[:MAX_ERRORS]
    return result


def refuse_unreadable(kind: str, data: bytes) -> None:
    """Raise ValidationFailed at once for a file that is not a CSV of `kind` at all (not text, no
    rows, required columns missing): worth no background run."""
    errors = _Errors()
    _rows_and_header(kind, data, errors)
    if errors:
        result = _refused(ImportResult(kind), errors)
        raise ValidationFailed("import.failed", result.summary.params, {"rows": row_errors(result)})


def import_csv(kind: str, data: bytes) -> ImportResult:
    """Validate and import one CSV file of `kind`; nothing is written if any row is wrong."""
    if kind not in IMPORTERS:
        raise ValueError(f"Unknown import kind {kind!r}.")
    result = ImportResult(kind)
    errors = _Errors()
    rows, missing = _rows_and_header(kind, data, errors)
    if rows:
        # Rows with errors are still checked against the database, so one report lists all.
        parsed = _parse(kind, rows, errors, missing)
        try:
            IMPORTERS[kind](parsed, errors, result)
        except Exception:
            db.session.rollback()
            raise
    if errors:
        db.session.rollback()
        return _refused(result, errors)
    db.session.commit()
    return result
