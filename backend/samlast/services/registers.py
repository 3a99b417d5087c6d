"""Delivery points from open registers: Skolverket's school-unit register and a preschool list.

Two steps, so the coordinator decides what becomes a delivery point:

1. ``preview`` reads the file into units: only the active units of the cluster's municipalities
   (matched by municipality code; a national register file holds every school of Sweden), each
   matched to an existing delivery point by external id;
2. ``import_units`` imports the units the coordinator picked, all or nothing. A new point gets
   the register's name, address and coordinates, kind school kitchen (school units) or preschool;
   an existing point keeps everything the coordinator has set (kind, windows, contacts, access
   notes) and gets the register's name, address and coordinates.

The external id of a point from the register is the register's own code: the school-unit code
(skolenhetskod, 8 digits) for schools, the list's id for preschools; municipal systems use the
same codes, so a point imported earlier from a CSV with that id is matched too.

Formats (docs/import/README.md):

- Skolverket, Skolenhetsregistret API v2: a downloaded ``/v2/school-units/{code}`` document
  (``{"data": {"schoolUnitCode", "attributes": {...}}}``), a JSON array of those, or a list
  document whose ``data.attributes`` items carry the same attributes. Name from ``displayName``
  (or ``schoolName``/``name``), ``municipalityCode``, ``status`` (only ``AKTIV`` is offered), the
  visiting address (``addresses[type=BESOKSADRESS]``) and its ``geoCoordinates`` latitude and
  longitude where given. A unit without coordinates is looked up by its address when imported.
- Preschools: a CSV (comma or semicolon) with the columns ``id``, ``namn``, ``kommunkod`` (or
  ``kommun``), ``adress``, ``postnummer``, ``ort``, ``lat``, ``lon`` (English names accepted).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa

from samlast.errors import ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message
from samlast.models import DeliveryPoint, DeliveryPointKind, Municipality
from samlast.services import geocoding
from samlast.services.imports import RowError, _Errors, _read_rows

SOURCES = ("skolverket", "preschools")
#: Roughly Sweden: a coordinate outside is a mistake in the file (e.g. latitude and longitude swapped).
LAT_RANGE, LON_RANGE = (55.0, 69.2), (10.5, 24.3)
MAX_ERRORS = 200
_CODE = "registers.failed"


@dataclass(frozen=True)
class RegisterUnit:
    """A unit of a register file, as it would become a delivery point."""

    row: int  # the unit's place in the file: JSON item (1-based) or spreadsheet row (header = 1)
    external_id: str
    name: str
    kind: DeliveryPointKind
    municipality_code: str
    municipality: str = ""  # the cluster's name for it; empty when not in the cluster
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    active: bool = True
    #: The municipality as the file gives it (code or name), to say which were left out.
    municipality_given: str = ""


@dataclass
class RegisterFile:
    """What a file holds for this cluster, and what was left out."""

    units: list[RegisterUnit] = field(default_factory=list)
    other_municipalities: int = 0
    #: The municipalities left out, as the file names them, with their number of units.
    other_names: dict[str, int] = field(default_factory=dict)
    inactive: int = 0
    errors: list[RowError] = field(default_factory=list)


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(str(value).replace(",", ".").replace(" ", ""))
    except ValueError:
        return None


def _check_coordinates(row: int, lat_text: Any, lon_text: Any, errors: _Errors, columns=("lat", "lon")):
    """The pair as floats, or (None, None) when not given; an error for a pair that is not a place in Sweden."""
    if lat_text in (None, "") and lon_text in (None, ""):
        return None, None
    lat, lon = _number(lat_text), _number(lon_text)
    for column, value, text, (low, high) in (
        (columns[0], lat, lat_text, LAT_RANGE),
        (columns[1], lon, lon_text, LON_RANGE),
    ):
        if value is None or not low <= value <= high:
            errors.add(row, column, Message("registers.coordinate_outside", low=low, high=high), text)
    return (lat, lon) if not errors.on(row, set(columns)) else (None, None)


# -- Skolverket -------------------------------------------------------------------------------


def _school_items(document: Any) -> list[Any]:
    """The unit records of a v2 document: one unit, a list document, or an array of either."""
    if isinstance(document, list):
        return [item for element in document for item in _school_items(element)]
    if not isinstance(document, dict):
        return [document]
    data = document.get("data", document)
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("attributes"), list):
        return data["attributes"]
    return [data]


def _visiting_address(addresses: Any) -> dict:
    """The visiting address (where goods arrive), else the first address with coordinates."""
    if not isinstance(addresses, list):
        return {}
    usable = [a for a in addresses if isinstance(a, dict)]
    for address in usable:
        if address.get("type") == "BESOKSADRESS":
            return address
    return next((a for a in usable if (a.get("geoCoordinates") or {}).get("latitude")), {})


def _read_school_units(data: bytes, errors: _Errors) -> list[RegisterUnit]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        errors.add(1, "", Message("registers.not_json", detail=str(exc)[:120]))
        return []
    units = []
    for number, item in enumerate(_school_items(document), start=1):
        if not isinstance(item, dict):
            errors.add(number, "", Message("registers.not_a_unit"), str(item)[:60])
            continue
        inner = item.get("attributes")
        attributes: dict[str, Any] = inner if isinstance(inner, dict) else item
        code = str(item.get("schoolUnitCode") or attributes.get("schoolUnitCode") or "").strip()
        name = str(
            attributes.get("displayName") or attributes.get("schoolName") or attributes.get("name") or ""
        ).strip()
        if not code:
            errors.add(number, "schoolUnitCode", Message("field.required"))
        if not name:
            errors.add(number, "displayName", Message("field.required"), code)
        address = _visiting_address(attributes.get("addresses"))
        geo = address.get("geoCoordinates") or {}
        lat, lon = _check_coordinates(number, geo.get("latitude"), geo.get("longitude"), errors,
                                      ("geoCoordinates.latitude", "geoCoordinates.longitude"))  # fmt: skip
        street = ", ".join(
            part for part in (address.get("streetAddress"), " ".join(
                p for p in (address.get("postalCode"), address.get("locality")) if p)) if part
        )  # fmt: skip
        units.append(RegisterUnit(
            row=number, external_id=code[:64], name=name[:160], kind=DeliveryPointKind.SCHOOL_KITCHEN,
            municipality_code=(given := str(attributes.get("municipalityCode") or "").strip()), address=street[:255],
            lat=lat, lon=lon, municipality_given=given,
            active=str(attributes.get("status") or "AKTIV").upper() == "AKTIV",
        ))  # fmt: skip
    return units


# -- Preschool list ---------------------------------------------------------------------------

#: Accepted column names of the preschool list, Swedish and English, for each field.
_PRESCHOOL_COLUMNS = {
    "id": ("id", "external_id", "förskolekod", "kod"),
    "name": ("namn", "name", "förskola"),
    "municipality_code": ("kommunkod", "municipality_code"),
    "municipality": ("kommun", "municipality"),
    "address": ("adress", "address", "besöksadress"),
    "postal_code": ("postnummer", "postal_code"),
    "locality": ("ort", "postort", "locality"),
    "lat": ("lat", "latitud", "latitude"),
    "lon": ("lon", "longitud", "longitude"),
}


def _cell(row: dict[str, str], name: str) -> tuple[str, str]:
    """The column used for a field and its cell (stripped); ("", "") when the file has no such column."""
    for column in _PRESCHOOL_COLUMNS[name]:
        if column in row:
            return column, (row[column] or "").strip()
    return "", ""


def _by_name(name: str) -> str:
    """The key of a municipality named in a file (the register's codes are digits, so never this)."""
    return f"name:{name.lower()}"


def _read_preschools(data: bytes, errors: _Errors, municipalities: dict[str, Municipality]) -> list[RegisterUnit]:
    rows = _read_rows(data, errors)
    if errors:
        return []
    if not rows:
        errors.add(2, "", Message("import.no_rows"))
        return []
    header = rows[0]
    for name in ("id", "name"):
        if not _cell(header, name)[0]:
            errors.add(1, _PRESCHOOL_COLUMNS[name][0], Message("import.column_missing"))
    if not (_cell(header, "municipality_code")[0] or _cell(header, "municipality")[0]):
        errors.add(1, "kommunkod", Message("import.column_missing"))
    if errors:
        return []
    by_name = {m.name.lower(): m for m in municipalities.values()}
    units = []
    for number, row in enumerate(rows, start=2):
        (id_column, code), (name_column, name) = _cell(row, "id"), _cell(row, "name")
        if not code:
            errors.add(number, id_column, Message("field.required"))
        if not name:
            errors.add(number, name_column, Message("field.required"), code)
        # A list may cover more municipalities than the cluster's: the others are left out, by name.
        municipality_code = given = _cell(row, "municipality_code")[1]
        if not municipality_code:
            given = _cell(row, "municipality")[1]
            known = by_name.get(given.lower())
            # Named, not coded: a cluster municipality is found by its name even without a code.
            municipality_code = _by_name(known.name) if known else ""
        place = " ".join(p for p in (_cell(row, "postal_code")[1], _cell(row, "locality")[1]) if p)
        street = ", ".join(p for p in (_cell(row, "address")[1], place) if p)
        lat, lon = _check_coordinates(number, _cell(row, "lat")[1], _cell(row, "lon")[1], errors)
        units.append(RegisterUnit(row=number, external_id=code[:64], name=name[:160], kind=DeliveryPointKind.PRESCHOOL,
                                  municipality_code=municipality_code, address=street[:255], lat=lat, lon=lon,
                                  municipality_given=given))  # fmt: skip
    return units


# -- Both -------------------------------------------------------------------------------------


def _duplicates(units: list[RegisterUnit], errors: _Errors) -> None:
    seen: dict[str, int] = {}
    for unit in units:
        if unit.external_id and unit.external_id in seen:
            errors.add(unit.row, "id", Message("import.duplicate", row=seen[unit.external_id]), unit.external_id)
        seen.setdefault(unit.external_id, unit.row)


def read(source: str, data: bytes) -> RegisterFile:
    """The file's active units in the cluster's municipalities (each with the cluster's name for
    its municipality), what was left out, and every error of those units."""
    if source not in SOURCES:
        raise ValueError(f"Unknown register {source!r}.")
    if not data:
        raise ValidationFailed("import.no_file", {}, {"file": [Message("field.required")]})
    every = list(db.session.scalars(sa.select(Municipality)))
    municipalities = {m.code: m for m in every if m.code} | {_by_name(m.name): m for m in every}
    errors = _Errors()
    units = (
        _read_school_units(data, errors) if source == "skolverket" else _read_preschools(data, errors, municipalities)
    )
    result = RegisterFile()
    for unit in units:
        if unit.municipality_code not in municipalities:
            result.other_municipalities += 1
            name = unit.municipality_given or "?"
            result.other_names[name] = result.other_names.get(name, 0) + 1
        elif not unit.active:
            result.inactive += 1
        else:
            result.units.append(replace(unit, municipality=municipalities[unit.municipality_code].name))
    # A national file's errors outside the cluster are not the coordinator's to fix.
    kept = {unit.row for unit in result.units}
    file_level = {error.row for error in errors if error.row not in {u.row for u in units}}
    result.errors = [e for e in errors if e.row in kept or e.row in file_level]
    _duplicates(result.units, errors := _Errors(result.errors))
    result.errors = sorted(errors, key=lambda e: (e.row, e.column))
    return result


def _refuse(errors: list[RowError]) -> None:
    rows = sorted({e.row for e in errors})
    raise ValidationFailed(
        _CODE,
        {"errors": Message("import.errorCount", n=len(errors)), "rows": Message("import.rowCount", n=len(rows))},
        {"rows": [{"row": e.row, "column": e.column, "value": e.value, "code": e.message.key, "message": e.message}
                  for e in errors[:MAX_ERRORS]]},
    )  # fmt: skip


def _existing(units: list[RegisterUnit]) -> dict[str, DeliveryPoint]:
    ids = {unit.external_id for unit in units}
    return {
        p.external_id: p for p in db.session.scalars(sa.select(DeliveryPoint).where(DeliveryPoint.external_id.in_(ids)))
    }


def preview(source: str, data: bytes) -> dict[str, Any]:
    """The units a coordinator can pick from; the whole file refused (422) with every error."""
    found = read(source, data)
    if found.errors:
        _refuse(found.errors)
    existing = _existing(found.units)
    return {
        "source": source,
        "units": [{**unit.__dict__, "kind": unit.kind.value, "existing": existing.get(unit.external_id)}
                  for unit in found.units],
        "other_municipalities": found.other_municipalities,
        # The largest first, a handful: enough to see a misspelt name, not a national list.
        "other_names": [{"name": n, "units": c} for n, c in
                        sorted(found.other_names.items(), key=lambda item: (-item[1], item[0]))[:10]],
        "inactive": found.inactive,
        # The register names municipalities by code: a cluster municipality without one matches nothing.
        "without_code": sorted(
            (m for m in db.session.scalars(sa.select(Municipality)) if not m.code), key=lambda m: m.name
        ),
    }  # fmt: skip


def import_units(source: str, data: bytes, selected: list[str]) -> dict[str, int]:
    """Create or update the picked units' delivery points, all or nothing: every error at once
    (an id the file's units do not have, an address that cannot be looked up)."""
    found = read(source, data)
    errors = _Errors(found.errors)
    by_id = {unit.external_id: unit for unit in found.units}
    wanted = list(dict.fromkeys(s.strip() for s in selected if s.strip()))
    if not wanted:
        raise ValidationFailed("validation_error", {"count": 1}, {"selected": [Message("registers.nothing_selected")]})
    for external_id in wanted:
        if external_id not in by_id:
            errors.add(0, "selected", Message("registers.not_in_file"), external_id)
    units = [by_id[e] for e in wanted if e in by_id]
    without = {
        u.external_id: f"{u.address}, {u.municipality}, Sweden"
        for u in units
        if u.lat is None and not errors.on(u.row, {"id"})
    }
    for unit in units:
        if unit.external_id in without and not unit.address:
            errors.add(unit.row, "address", Message("import.coordinates_or_address"), unit.external_id)
            without.pop(unit.external_id)
    found_places: dict[str, tuple[float, float] | None] = {}
    if without and not errors:
        try:
            found_places = geocoding.geocode_many(without.values())
        except geocoding.GeocodingUnavailable:
            for unit in units:
                if unit.external_id in without:
                    errors.add(unit.row, "address", Message("import.geocoding_unavailable"), unit.address)
        for unit in units:
            if (
                unit.external_id in without
                and not errors.on(unit.row, {"address"})
                and found_places.get(without[unit.external_id]) is None
            ):
                errors.add(unit.row, "address", Message("import.address_not_found"), unit.address)
    if errors:
        db.session.rollback()
        _refuse(sorted(errors, key=lambda e: (e.row, e.column)))
    municipalities = {m.name: m for m in db.session.scalars(sa.select(Municipality))}
    existing = _existing(units)
    created = updated = 0
    for unit in units:
        place = (
            (unit.lat, unit.lon)
            if unit.lat is not None and unit.lon is not None
            else found_places[without[unit.external_id]]
        )
        assert place is not None  # an address not found was an error above
        lat, lon = place
        point = existing.get(unit.external_id)
        if point is None:
            point = DeliveryPoint(external_id=unit.external_id, kind=unit.kind)
            db.session.add(point)
            created += 1
        else:
            updated += 1
        point.name, point.address, point.lat, point.lon = unit.name, unit.address, lat, lon
        point.municipality = municipalities[unit.municipality]
    db.session.commit()
    return {"created": created, "updated": updated}
