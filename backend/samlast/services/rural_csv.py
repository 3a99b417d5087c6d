"""Residents' consignments registered from a CSV file (rural service): all or nothing, every
error named by row, column and value, as the master-data imports (services/imports.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError

from samlast.errors import ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.i18n.validation import as_message
from samlast.models import Consignment, DeliveryPoint, User
from samlast.schemas.rural import ConsignmentCsvRowSchema
from samlast.services import imports, planning, rural

CSV_COLUMNS = ("kind", "destination", "size_class", "resident_name")


def register_csv(user: User, data: bytes) -> list[Consignment]:
    """Consignments from a CSV file (columns: kind, destination [the service point's or locker's
    external id or name], pickup [the same, optional], size_class, temperature_class, resident_name,
    resident_phone, resident_email, reference, available_from, latest_date). All or nothing: every
    error is named by row, column and value."""
    errors = imports._Errors()
    rows = imports._read_rows(data, errors)
    if not errors and not rows:
        errors.add(2, "", Message("import.no_rows"))
    header = set(rows[0]) if rows else set()
    for column in CSV_COLUMNS:
        if rows and column not in header:
            errors.add(1, column, Message("import.column_missing"))
    external = {row.get(column, "").strip() for row in rows for column in ("destination", "pickup")} - {""}
    by_external = {point.external_id: point for point in db.session.scalars(
        sa.select(DeliveryPoint).where(DeliveryPoint.external_id.in_(external)))} if external else {}  # fmt: skip
    # An agent knows the places by name: a service point's or locker's name (any case) names it too,
    # when no other such place has that name.
    named: dict[str, list[DeliveryPoint]] = {}
    for point in db.session.scalars(sa.select(DeliveryPoint).where(DeliveryPoint.kind.in_(rural.DESTINATION_KINDS))):
        named.setdefault(point.name.casefold(), []).append(point)
    for value in external - by_external.keys():
        if len(same := named.get(value.casefold(), [])) == 1:
            by_external[value] = same[0]
    parsed = []
    schema = ConsignmentCsvRowSchema()
    for number, row in enumerate(rows, start=2):
        try:
            values: dict[str, Any] = schema.load(
                {key: value for key, value in row.items() if key in schema.fields and value != ""}
            )
        except ValidationError as exc:
            for column, messages in sorted(exc.messages_dict.items()):
                if column not in header and column in CSV_COLUMNS:
                    continue  # said once, on the header
                for message in imports._flatten(messages):
                    errors.add(number, column, as_message(message), row.get(column))
            valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
            values = {**valid, "invalid": True}  # its references are checked all the same
        for column in ("destination", "pickup"):
            value = values.pop(column, None)
            if value is None:
                continue
            found = by_external.get(value)
            if found is None:
                errors.add(number, column, Message("import.unknown_delivery_point"), value)
            else:
                values[f"{column}_point_id"] = found.id
        if values.pop("invalid", False) or errors.on(number, {"destination", "pickup"}):
            continue
        values = rural.with_defaults(user, values)
        points = rural.points_by_id({values.get("pickup_point_id"), values.get("destination_point_id")})
        for field, messages in rural.check_references(user, values, points).items():
            column = {"destination_point_id": "destination", "pickup_point_id": "pickup"}.get(field, field)
            for message in messages:
                errors.add(number, column, message, row.get(column))
        parsed.append(values)
    if errors:
        result = imports.ImportResult("consignments", errors=list(errors))
        raise ValidationFailed("import.failed", result.summary.params, {"rows": imports.row_errors(result)})
    terminal = planning.default_terminal()
    made = [rural.new_consignment(user, values, terminal) for values in parsed]
    db.session.add_all(made)
    db.session.commit()
    rural.plan(terminal.id)
    return made
