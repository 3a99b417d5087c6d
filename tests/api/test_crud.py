"""CRUD for every master-data resource through the HTTP API, as a coordinator."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.security import generate_password_hash as _generate_password_hash

from samlast.extensions import db
from samlast.models import (
    Cluster,
    DeliveryPoint,
    Municipality,
    Order,
    OrderLine,
    ProductArea,
    ReceivingWindow,
    Role,
    Supplier,
    Terminal,
    User,
    Vehicle,
    VehicleCompartment,
)
from tests.conftest import World, count

API = "/api/v1"
MISSING_ID = 987654


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt costs ~0.3 s a hash here; these tests are about the API, not hash strength."""
    monkeypatch.setattr(
        "samlast.models.user.generate_password_hash",
        lambda password: _generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


def vehicle_payload(world: World, **overrides) -> dict:
    return {
        "external_id": "V-1",
        "name": "Kylbil 1",
        "terminal_id": world.terminal.id,
        "energy_type": "hvo100",
        "co2e_kg_per_km": 0.12,
        "cost_per_km": 9.5,
        "cost_per_hour": 480,
        "shift_start": "05:30",
        "shift_end": "14:45",
        "length_m": 9.8,
        "compartments": [
            {"temperature_class": "frozen", "capacity_kg": 800, "capacity_pallets": 4},
            {"temperature_class": "chilled", "capacity_kg": 2200.5, "capacity_pallets": 10},
        ],
        **overrides,
    }


def order_payload(world: World, **overrides) -> dict:
    return {
        "external_id": "O-1",
        "delivery_point_id": world.school.id,
        "supplier_id": world.farm.id,
        "requested_date": "2026-03-02",
        "note": "Back door",
        "lines": [
            {
                "article": "Mjölk",
                "product_area_id": world.dairy_area.id,
                "quantity": 24,
                "unit": "l",
                "weight_kg": 25.25,
                "pallet_places": 0.25,
                "volume_m3": 0.03,
                "temperature_class": "chilled",
            },
            {
                "article": "Potatis",
                "quantity": 2,
                "unit": "säck",
                "weight_kg": 50,
                "temperature_class": "ambient",
            },
        ],
        **overrides,
    }


@dataclass
class Spec:
    url: str
    model: type
    payload: Callable[[World], dict]
    patch: Callable[[World], dict]
    invalid: Callable[[World], dict]
    invalid_fields: set[str]
    unique: set[str]
    # What the response shows for the payload when it differs (load-only fields etc.).
    shown: Callable[[World, dict], dict] = lambda world, data: data
    shown_patch: Callable[[World, dict], dict] = lambda world, data: data
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.url


SPECS = [
    Spec(
        "clusters",
        Cluster,
        payload=lambda w: {"name": "Norra Skåne"},
        patch=lambda w: {"name": "Södra Skåne"},
        invalid=lambda w: {"name": ""},
        invalid_fields={"name"},
        unique={"name"},
    ),
    Spec(
        "municipalities",
        Municipality,
        payload=lambda w: {
            "cluster_id": w.cluster.id,
            "name": "Lund",
            "population": 127376,
            "code": "1281",
        },
        patch=lambda w: {"population": 128000, "code": None},
        invalid=lambda w: {"cluster_id": "one", "name": "Lund", "population": -5},
        invalid_fields={"cluster_id", "population"},
        unique={"name"},
    ),
    Spec(
        "terminals",
        Terminal,
        payload=lambda w: {
            "cluster_id": w.cluster.id,
            "name": "Höör terminal",
            "address": "Väg 2",
            "lat": 55.93,
            "lon": 13.54,
            "opens_at": "04:30",
            "closes_at": "17:15",
        },
        patch=lambda w: {"closes_at": "19:00", "address": "Väg 3"},
        invalid=lambda w: {
            "cluster_id": w.cluster.id,
            "name": "T",
            "lat": 91,
            "lon": 13,
            "opens_at": "25:00",
        },
        invalid_fields={"lat", "opens_at"},
        unique={"name"},
    ),
    Spec(
        "product-areas",
        ProductArea,
        payload=lambda w: {"name": "Frukt", "temperature_class": "ambient"},
        patch=lambda w: {"temperature_class": "frozen"},
        invalid=lambda w: {"temperature_class": "warm"},
        invalid_fields={"name", "temperature_class"},
        unique={"name"},
    ),
    Spec(
        "delivery-points",
        DeliveryPoint,
        payload=lambda w: {
            "external_id": "DP-9",
            "name": "Solrosens förskola",
            "kind": "preschool",
            "municipality_id": w.horby.id,
            "address": "Solvägen 1",
            "lat": 55.85,
            "lon": 13.65,
            "service_time_min": 15,
            "access_notes": "Code 1234",
            "max_vehicle_length_m": 10.0,
            "unloading_place": "Kitchen door",
            "contact_name": "Eva",
            "contact_phone": "0413-1",
            "contact_email": "eva@example.org",
            "receiving_windows": [
                {"weekday": 0, "start": "06:30", "end": "09:00"},
                {"weekday": 3, "start": "07:00", "end": "08:30"},
            ],
        },
        patch=lambda w: {
            "service_time_min": 20,
            "receiving_windows": [{"weekday": 4, "start": "10:00", "end": "11:00"}],
        },
        invalid=lambda w: {
            "external_id": "has space",
            "name": "X",
            "kind": "castle",
            "municipality_id": w.horby.id,
            "lat": 55,
            "lon": 13,
            "receiving_windows": [{"weekday": 7, "start": "06:00", "end": "07:00"}],
        },
        invalid_fields={"external_id", "kind", "receiving_windows"},
        unique={"external_id"},
        extra={"nested": ReceivingWindow},
    ),
    Spec(
        "suppliers",
        Supplier,
        payload=lambda w: {
            "external_id": "S-9",
            "name": "Mejeriet",
            "kind": "local_producer",
            "address": "Gården 1",
            "lat": 55.7,
            "lon": 13.2,
            "contact_name": "Per",
            "contact_phone": "0413-2",
            "product_area_ids": [w.dairy_area.id],
        },
        shown=lambda w, d: {
            **{k: v for k, v in d.items() if k != "product_area_ids"},
            "product_areas": [
                {"id": w.dairy_area.id, "name": "Mejeri", "temperature_class": "chilled"}
            ],
        },
        patch=lambda w: {"contact_name": "Pia", "product_area_ids": []},
        shown_patch=lambda w, d: {"contact_name": "Pia", "product_areas": []},
        invalid=lambda w: {
            "external_id": "S-9",
            "name": "M",
            "kind": "farmer",
            "lat": 55,
            "lon": 200,
        },
        invalid_fields={"kind", "lon"},
        unique={"external_id"},
    ),
    Spec(
        "orders",
        Order,
        payload=order_payload,
        shown=lambda w, d: {
            **d,
            "status": "open",
            "total_weight_kg": 75.25,
            "lines": [
                {**d["lines"][0], "line_no": 1},
                {
                    **d["lines"][1],
                    "line_no": 2,
                    "pallet_places": 0.0,
                    "volume_m3": None,
                    "product_area_id": None,
                },
            ],
        },
        patch=lambda w: {"note": "Front door", "status": "cancelled"},
        invalid=lambda w: order_payload(w, requested_date="2026-02-30", lines=[]),
        invalid_fields={"requested_date", "lines"},
        unique={"external_id"},
        extra={"nested": OrderLine},
    ),
    Spec(
        "vehicles",
        Vehicle,
        payload=vehicle_payload,
        shown=lambda w, d: {**d, "active": True},
        patch=lambda w: {"active": False, "cost_per_km": 12.5},
        invalid=lambda w: vehicle_payload(w, energy_type="coal", compartments=[]),
        invalid_fields={"energy_type", "compartments"},
        unique={"external_id"},
        extra={"nested": VehicleCompartment},
    ),
    Spec(
        "users",
        User,
        payload=lambda w: {
            "username": "rita.r",
            "display_name": "Rita R",
            "password": "s3cret-enough",
            "role": "recipient",
            "delivery_point_ids": [w.school.id],
            "locale": "en",
        },
        shown=lambda w, d: {
            **{k: v for k, v in d.items() if k != "password"},
            "supplier_id": None,
            "active": True,
        },
        patch=lambda w: {"display_name": "Rita Q", "locale": "sv"},
        invalid=lambda w: {
            "username": "Rita R",
            "password": "short",
            "role": "recipient",
            "delivery_point_ids": [w.school.id],
        },
        invalid_fields={"username", "password"},
        unique={"username"},
    ),
]
BY_URL = {spec.url: spec for spec in SPECS}


def url(spec_or_name, object_id: int | None = None) -> str:
    name = spec_or_name.url if isinstance(spec_or_name, Spec) else spec_or_name
    return f"{API}/{name}/" if object_id is None else f"{API}/{name}/{object_id}"


def assert_subset(expected: Any, actual: Any, path: str = "") -> None:
    """Every key in `expected` has the same value in `actual` (recursively, lists in order)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r} is not an object"
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing from {actual!r}"
            assert_subset(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            assert_subset(e, a, f"{path}[{i}]")
    else:
        assert expected == actual, f"{path}: expected {expected!r}, got {actual!r}"


def assert_error(response, status: int, fields: set[str] | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.json["error"]
    assert set(error) == {"code", "params", "message", "fields"}
    if fields is not None:
        assert set(error["fields"]) == fields, error
    return error


def row_counts(spec: Spec) -> tuple[int, ...]:
    nested = spec.extra.get("nested")
    return (count(spec.model),) + ((count(nested),) if nested else ())


# The life of one object ------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_create_get_list_patch_delete(client, coordinator, world, spec):
    before = row_counts(spec)
    payload = spec.payload(world)

    created = client.post(url(spec), json=payload, headers=coordinator)
    assert created.status_code == 201, created.json
    body = created.json
    assert isinstance(body["id"], int)
    assert_subset(spec.shown(world, payload), body)
    assert "password" not in body
    assert count(spec.model) == before[0] + 1

    fetched = client.get(url(spec, body["id"]), headers=coordinator)
    assert fetched.status_code == 200
    assert fetched.json == body

    listed = client.get(url(spec), headers=coordinator)
    assert listed.status_code == 200
    assert body in listed.json

    patch = spec.patch(world)
    patched = client.patch(url(spec, body["id"]), json=patch, headers=coordinator)
    assert patched.status_code == 200, patched.json
    expected = {**body, **spec.shown_patch(world, patch)}
    assert_subset(expected, patched.json)
    assert set(patched.json) == set(body)
    assert client.get(url(spec, body["id"]), headers=coordinator).json == patched.json

    deleted = client.delete(url(spec, body["id"]), headers=coordinator)
    assert deleted.status_code == 204
    assert deleted.data == b""
    assert_error(client.get(url(spec, body["id"]), headers=coordinator), 404)
    assert_error(client.delete(url(spec, body["id"]), headers=coordinator), 404)
    assert_error(client.patch(url(spec, body["id"]), json=patch, headers=coordinator), 404)
    assert row_counts(spec) == before  # nested rows went with it


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_invalid_input_is_422_naming_fields_and_stores_nothing(client, coordinator, world, spec):
    before = row_counts(spec)
    response = client.post(url(spec), json=spec.invalid(world), headers=coordinator)
    error = assert_error(response, 422, spec.invalid_fields)
    assert error["code"] == "validation_error"
    assert error["params"] == {"count": len(error["fields"])}
    assert set(spec.invalid_fields) <= set(error["fields"])
    assert row_counts(spec) == before


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_invalid_patch_is_422_and_changes_nothing(client, coordinator, world, spec):
    body = client.post(url(spec), json=spec.payload(world), headers=coordinator).json
    invalid = {k: v for k, v in spec.invalid(world).items() if k in spec.invalid_fields}
    assert invalid
    response = client.patch(url(spec, body["id"]), json=invalid, headers=coordinator)
    assert_error(response, 422, set(invalid))
    db.session.expire_all()
    assert client.get(url(spec, body["id"]), headers=coordinator).json == body


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_unknown_field_and_read_only_id_are_rejected(client, coordinator, world, spec):
    before = row_counts(spec)
    payload = {**spec.payload(world), "id": 5, "colour": "red"}
    assert_error(client.post(url(spec), json=payload, headers=coordinator), 422, {"id", "colour"})
    assert row_counts(spec) == before


REQUIRED = {
    "clusters": {"name"},
    "municipalities": {"cluster_id", "name"},
    "terminals": {"cluster_id", "name", "lat", "lon"},
    "product-areas": {"name", "temperature_class"},
    "delivery-points": {"external_id", "name", "kind", "municipality_id", "lat", "lon"},
    "suppliers": {"external_id", "name", "kind", "lat", "lon"},
    "orders": {"external_id", "delivery_point_id", "supplier_id", "requested_date", "lines"},
    "vehicles": {
        "external_id",
        "name",
        "terminal_id",
        "energy_type",
        "co2e_kg_per_km",
        "cost_per_km",
        "cost_per_hour",
        "shift_start",
        "shift_end",
        "compartments",
    },
    "users": {"username", "role"},
}


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_missing_required_fields_are_all_named(client, coordinator, world, spec):
    before = row_counts(spec)
    response = client.post(url(spec), json={}, headers=coordinator)
    assert_error(response, 422, REQUIRED[spec.url])
    assert row_counts(spec) == before


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_duplicate_unique_value_is_422_naming_it(client, coordinator, world, spec):
    payload = spec.payload(world)
    assert client.post(url(spec), json=payload, headers=coordinator).status_code == 201
    before = row_counts(spec)
    response = client.post(url(spec), json=payload, headers=coordinator)
    error = assert_error(response, 422, spec.unique)
    assert error["code"] == "record.not_unique"
    assert all(
        message.startswith("”") and message.endswith("” används redan.") for (message,) in error["fields"].values()
    )
    assert row_counts(spec) == before


@pytest.mark.parametrize(
    "name,existing",
    [
        ("delivery-points", lambda w: (w.care_home.id, w.school.external_id)),
        ("suppliers", lambda w: (w.farm.id, w.wholesaler.external_id)),
    ],
)
def test_patch_to_another_rows_external_id_is_422(client, coordinator, world, name, existing):
    object_id, taken = existing(world)
    response = client.patch(url(name, object_id), json={"external_id": taken}, headers=coordinator)
    assert_error(response, 422, {"external_id"})
    # Patching a row to its own external id is not a conflict.
    own = client.get(url(name, object_id), headers=coordinator).json["external_id"]
    same = client.patch(url(name, object_id), json={"external_id": own}, headers=coordinator)
    assert same.status_code == 200


# Foreign ids ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,change,fields",
    [
        ("municipalities", {"cluster_id": MISSING_ID}, {"cluster_id"}),
        ("terminals", {"cluster_id": MISSING_ID}, {"cluster_id"}),
        ("delivery-points", {"municipality_id": MISSING_ID}, {"municipality_id"}),
        ("suppliers", {"product_area_ids": [MISSING_ID]}, {"product_area_ids"}),
        ("orders", {"delivery_point_id": MISSING_ID}, {"delivery_point_id"}),
        (
            "orders",
            {"supplier_id": MISSING_ID, "delivery_point_id": MISSING_ID + 1},
            {"supplier_id", "delivery_point_id"},
        ),
        ("vehicles", {"terminal_id": MISSING_ID}, {"terminal_id"}),
        (
            "users",
            {"role": "producer", "supplier_id": MISSING_ID, "delivery_point_ids": []},
            {"supplier_id"},
        ),
        ("users", {"delivery_point_ids": [MISSING_ID]}, {"delivery_point_ids"}),
    ],
)
def test_unknown_foreign_id_is_422_naming_field(client, coordinator, world, name, change, fields):
    spec = BY_URL[name]
    before = row_counts(spec)
    response = client.post(url(spec), json={**spec.payload(world), **change}, headers=coordinator)
    error = assert_error(response, 422, fields)
    assert str(MISSING_ID) in str(error)
    assert row_counts(spec) == before


def test_unknown_product_area_on_an_order_line_names_lines(client, coordinator, world):
    payload = order_payload(world)
    payload["lines"][1]["product_area_id"] = MISSING_ID
    assert_error(client.post(url("orders"), json=payload, headers=coordinator), 422, {"lines"})
    assert (count(Order), count(OrderLine)) == (0, 0)


def test_unknown_foreign_id_in_patch_changes_nothing(client, coordinator, world):
    response = client.patch(
        url("delivery-points", world.school.id),
        json={"municipality_id": MISSING_ID, "name": "Renamed"},
        headers=coordinator,
    )
    assert_error(response, 422, {"municipality_id"})
    db.session.expire_all()
    assert db.session.get(DeliveryPoint, world.school.id).name == "Bergaskolan kök"


# Deleting what is still in use ---------------------------------------------------


def _vehicle(client, coordinator, world):
    assert (
        client.post(url("vehicles"), json=vehicle_payload(world), headers=coordinator).status_code
        == 201
    )


def _order(client, coordinator, world):
    assert (
        client.post(url("orders"), json=order_payload(world), headers=coordinator).status_code
        == 201
    )


def _producer(client, coordinator, world):
    response = client.post(
        url("users"),
        json={
            "username": "per",
            "password": "long enough",
            "role": "producer",
            "supplier_id": world.wholesaler.id,
        },
        headers=coordinator,
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "name,target,setup",
    [
        ("clusters", lambda w: w.cluster.id, None),
        ("municipalities", lambda w: w.eslov.id, None),
        ("terminals", lambda w: w.terminal.id, _vehicle),
        ("delivery-points", lambda w: w.school.id, _order),
        ("suppliers", lambda w: w.farm.id, _order),
        ("suppliers", lambda w: w.wholesaler.id, _producer),
    ],
)
def test_deleting_a_row_still_referenced_is_409(client, coordinator, world, name, target, setup):
    if setup:
        setup(client, coordinator, world)
    object_id = target(world)
    spec = BY_URL[name]
    before_body = client.get(url(spec, object_id), headers=coordinator).json
    counts = {
        model: count(model)
        for model in (
            Cluster,
            Municipality,
            Terminal,
            DeliveryPoint,
            ReceivingWindow,
            Supplier,
            Order,
            OrderLine,
            Vehicle,
            User,
        )
    }
    response = client.delete(url(spec, object_id), headers=coordinator)
    error = assert_error(response, 409)
    assert error["code"] == "record.in_use"
    db.session.expire_all()
    assert {model: count(model) for model in counts} == counts
    assert client.get(url(spec, object_id), headers=coordinator).json == before_body


@pytest.mark.parametrize(
    "name,target",
    [
        ("product-areas", lambda w: w.dairy_area.id),  # supplier links are dropped
        ("delivery-points", lambda w: w.care_home.id),  # no orders, no users
        ("suppliers", lambda w: w.wholesaler.id),
        ("municipalities", lambda w: None),
    ],
)
def test_deleting_an_unreferenced_row_works(client, coordinator, world, name, target):
    object_id = target(world)
    if object_id is None:  # a fresh, unused municipality
        object_id = client.post(
            url(name), json={"cluster_id": world.cluster.id, "name": "Lund"}, headers=coordinator
        ).json["id"]
    assert client.delete(url(name, object_id), headers=coordinator).status_code == 204
    assert client.get(url(name, object_id), headers=coordinator).status_code == 404


def test_deleting_a_product_area_unlinks_it_from_suppliers_and_lines(client, coordinator, world):
    _order(client, coordinator, world)
    assert (
        client.delete(url("product-areas", world.dairy_area.id), headers=coordinator).status_code
        == 204
    )
    farm = client.get(url("suppliers", world.farm.id), headers=coordinator).json
    assert farm["product_areas"] == []
    order = client.get(url("orders"), headers=coordinator).json[0]
    assert [line["product_area_id"] for line in order["lines"]] == [None, None]


def test_deleting_a_recipients_only_point_keeps_the_user(client, coordinator, world, make_user):
    user, _ = make_user(Role.RECIPIENT, "rita", delivery_points=[world.care_home])
    assert (
        client.delete(url("delivery-points", world.care_home.id), headers=coordinator).status_code
        == 204
    )
    body = client.get(url("users", user.id), headers=coordinator).json
    assert body["delivery_point_ids"] == []


# Nested collections --------------------------------------------------------------


def test_patch_replaces_order_lines_even_with_the_same_line_numbers(client, coordinator, world):
    order = client.post(url("orders"), json=order_payload(world), headers=coordinator).json
    new_lines = [
        {
            "article": "Ost",
            "quantity": 1,
            "unit": "kg",
            "weight_kg": 1.5,
            "temperature_class": "chilled",
        },
    ]
    response = client.patch(
        url("orders", order["id"]), json={"lines": new_lines}, headers=coordinator
    )
    assert response.status_code == 200, response.json
    assert [(line["line_no"], line["article"]) for line in response.json["lines"]] == [(1, "Ost")]
    assert response.json["total_weight_kg"] == 1.5
    assert count(OrderLine) == 1


def test_an_order_too_heavy_to_add_up_answers_valid_json_with_no_total(client, coordinator, world):
    """Weights past any number (found by schemathesis) add up to infinity, which JSON cannot carry."""
    payload = order_payload(world)
    for line in payload["lines"]:
        line["weight_kg"] = 1e308
    response = client.post(url("orders"), json=payload, headers=coordinator)
    assert response.status_code == 201, response.json

    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")

    answer = json.loads(response.get_data(as_text=True), parse_constant=refuse)
    assert answer["total_weight_kg"] is None
    listed = client.get(url("orders"), headers=coordinator)
    assert json.loads(listed.get_data(as_text=True), parse_constant=refuse)[0]["total_weight_kg"] is None


def test_patch_replaces_vehicle_compartments_of_the_same_class(client, coordinator, world):
    vehicle = client.post(url("vehicles"), json=vehicle_payload(world), headers=coordinator).json
    compartments = [
        {"temperature_class": "chilled", "capacity_kg": 500, "capacity_pallets": 3},
        {"temperature_class": "ambient", "capacity_kg": 900, "capacity_pallets": 6},
    ]
    response = client.patch(
        url("vehicles", vehicle["id"]), json={"compartments": compartments}, headers=coordinator
    )
    assert response.status_code == 200, response.json
    assert response.json["compartments"] == [
        {"temperature_class": "chilled", "capacity_kg": 500.0, "capacity_pallets": 3.0},
        {"temperature_class": "ambient", "capacity_kg": 900.0, "capacity_pallets": 6.0},
    ]
    assert count(VehicleCompartment) == 2


def test_patch_replaces_receiving_windows_and_empty_list_clears(client, coordinator, world):
    point_url = url("delivery-points", world.school.id)
    same = [{"weekday": 0, "start": "06:30", "end": "10:30"}]
    response = client.patch(point_url, json={"receiving_windows": same}, headers=coordinator)
    assert response.json["receiving_windows"] == same
    response = client.patch(point_url, json={"receiving_windows": []}, headers=coordinator)
    assert response.status_code == 200
    assert response.json["receiving_windows"] == []
    assert count(ReceivingWindow) == 0


def test_patch_without_nested_field_keeps_nested_rows(client, coordinator, world):
    order = client.post(url("orders"), json=order_payload(world), headers=coordinator).json
    response = client.patch(url("orders", order["id"]), json={"note": "x"}, headers=coordinator)
    assert response.json["lines"] == order["lines"]
    assert count(OrderLine) == 2


@pytest.mark.parametrize(
    "name,payload,fields",
    [
        (
            "vehicles",
            lambda w: vehicle_payload(w, shift_start="14:00", shift_end="06:00"),
            {"shift_end"},
        ),
        (
            "vehicles",
            lambda w: vehicle_payload(
                w,
                compartments=[
                    {"temperature_class": "frozen", "capacity_kg": 1, "capacity_pallets": 1},
                    {"temperature_class": "frozen", "capacity_kg": 2, "capacity_pallets": 1},
                ],
            ),
            {"compartments"},
        ),
        (
            "terminals",
            lambda w: {
                "cluster_id": w.cluster.id,
                "name": "T",
                "lat": 55,
                "lon": 13,
                "opens_at": "18:00",
                "closes_at": "06:00",
            },
            {"closes_at"},
        ),
        (
            "terminals",
            lambda w: {
                "cluster_id": w.cluster.id,
                "name": "T",
                "lat": 55,
                "lon": 13,
                "closes_at": "04:00",
            },
            {"closes_at"},
        ),  # before default 05:00
        (
            "delivery-points",
            lambda w: {
                **BY_URL["delivery-points"].payload(w),
                "receiving_windows": [{"weekday": 1, "start": "09:00", "end": "08:00"}],
            },
            {"receiving_windows"},
        ),
        (
            "orders",
            lambda w: order_payload(
                w,
                lines=[
                    {
                        "article": "X",
                        "quantity": 0,
                        "unit": "st",
                        "weight_kg": -1,
                        "temperature_class": "ambient",
                    }
                ],
            ),
            {"lines"},
        ),
        (
            "users",
            lambda w: {"username": "per", "password": "long enough", "role": "producer"},
            {"supplier_id"},
        ),
        (
            "users",
            lambda w: {
                "username": "dora",
                "password": "long enough",
                "role": "driver",
                "supplier_id": w.farm.id,
            },
            {"supplier_id"},
        ),
        (
            "users",
            lambda w: {"username": "rita", "password": "long enough", "role": "recipient"},
            {"delivery_point_ids"},
        ),
        ("users", lambda w: {"username": "nopass", "role": "driver"}, {"password"}),
    ],
)
def test_cross_field_rules_are_422(client, coordinator, world, name, payload, fields):
    spec = BY_URL[name]
    before = row_counts(spec)
    assert_error(client.post(url(spec), json=payload(world), headers=coordinator), 422, fields)
    assert row_counts(spec) == before


@pytest.mark.parametrize(
    "name,create,patch,field_name",
    [
        ("vehicles", vehicle_payload, {"shift_end": "05:00"}, "shift_end"),
        ("terminals", lambda w: BY_URL["terminals"].payload(w), {"opens_at": "18:00"}, "closes_at"),
    ],
)
def test_patch_checks_the_stored_result_not_only_the_request(
    client, coordinator, world, name, create, patch, field_name
):
    body = client.post(url(name), json=create(world), headers=coordinator).json
    response = client.patch(url(name, body["id"]), json=patch, headers=coordinator)
    assert_error(response, 422, {field_name})
    assert client.get(url(name, body["id"]), headers=coordinator).json == body


def test_patch_user_role_must_stay_consistent(client, coordinator, world, make_user):
    user, _ = make_user(Role.DRIVER, "dora")
    response = client.patch(url("users", user.id), json={"role": "producer"}, headers=coordinator)
    assert_error(response, 422, {"supplier_id"})
    response = client.patch(
        url("users", user.id),
        json={"role": "producer", "supplier_id": world.farm.id},
        headers=coordinator,
    )
    assert response.status_code == 200
    assert (response.json["role"], response.json["supplier_id"]) == ("producer", world.farm.id)


# Search and filters ---------------------------------------------------------------


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [row["id"] for row in response.json]


@pytest.mark.parametrize(
    "name,q,expected",
    [
        ("clusters", "skåne", lambda w: [w.cluster.id]),
        ("clusters", "nothing", lambda w: []),
        ("municipalities", "ESL", lambda w: [w.eslov.id]),
        ("municipalities", "ö", lambda w: [w.eslov.id, w.horby.id]),
        ("terminals", "terminal", lambda w: [w.terminal.id]),
        ("product-areas", "mej", lambda w: [w.dairy_area.id]),
        ("delivery-points", "berga", lambda w: [w.school.id]),
        ("delivery-points", "%", lambda w: []),  # a literal character, not a wildcard
        ("suppliers", "AB", lambda w: [w.wholesaler.id]),
        ("suppliers", "_", lambda w: []),
    ],
)
def test_list_search(client, coordinator, world, name, q, expected):
    assert _ids(client.get(url(name), query_string={"q": q}, headers=coordinator)) == expected(
        world
    )


def test_user_search_by_username_with_literal_underscore(client, coordinator, make_user):
    a, _ = make_user(Role.DRIVER, "anna_b")
    make_user(Role.DRIVER, "annaxb")
    assert _ids(client.get(url("users"), query_string={"q": "ANNA_"}, headers=coordinator)) == [
        a.id
    ]


def test_order_search_by_external_id(client, coordinator, world):
    first = client.post(
        url("orders"), json=order_payload(world, external_id="ICA-77"), headers=coordinator
    ).json
    client.post(url("orders"), json=order_payload(world, external_id="O-2"), headers=coordinator)
    assert _ids(client.get(url("orders"), query_string={"q": "ica"}, headers=coordinator)) == [
        first["id"]
    ]


def test_order_filters(client, coordinator, world):
    def make(external_id, point, day, supplier):
        return client.post(
            url("orders"),
            json=order_payload(
                world,
                external_id=external_id,
                delivery_point_id=point.id,
                requested_date=day,
                supplier_id=supplier.id,
            ),
            headers=coordinator,
        ).json["id"]

    a = make("A", world.school, "2026-03-02", world.farm)
    b = make("B", world.care_home, "2026-03-02", world.wholesaler)
    c = make("C", world.school, "2026-03-03", world.wholesaler)

    def listed(**query):
        return sorted(_ids(client.get(url("orders"), query_string=query, headers=coordinator)))

    assert listed() == sorted([a, b, c])
    assert listed(date="2026-03-02") == sorted([a, b])
    assert listed(date="2026-03-04") == []
    assert listed(delivery_point_id=world.school.id) == sorted([a, c])
    assert listed(date="2026-03-02", delivery_point_id=world.school.id) == [a]
    assert listed(supplier_id=world.wholesaler.id) == sorted([b, c])
    client.patch(url("orders", b), json={"status": "cancelled"}, headers=coordinator)
    assert listed(status="cancelled") == [b]
    assert listed(status="open") == sorted([a, c])
    assert_error(
        client.get(url("orders"), query_string={"date": "tomorrow"}, headers=coordinator),
        422,
        {"date"},
    )


def test_list_limit_and_offset(client, coordinator):
    ids = [
        client.post(url("clusters"), json={"name": f"C{i}"}, headers=coordinator).json["id"]
        for i in range(5)
    ]
    assert (
        _ids(client.get(url("clusters"), query_string={"limit": 2}, headers=coordinator)) == ids[:2]
    )
    assert (
        _ids(
            client.get(url("clusters"), query_string={"limit": 2, "offset": 3}, headers=coordinator)
        )
        == ids[3:]
    )
    assert_error(
        client.get(url("clusters"), query_string={"limit": 0}, headers=coordinator), 422, {"limit"}
    )


# Passwords -------------------------------------------------------------------------


def test_password_never_appears_in_any_response(client, coordinator, world):
    secret = "Tr0ub4dor&3-secret"
    responses = []
    created = client.post(
        url("users"),
        json={
            "username": "rita",
            "password": secret,
            "role": "recipient",
            "delivery_point_ids": [world.school.id, world.care_home.id],
        },
        headers=coordinator,
    )
    assert created.status_code == 201
    user_id = created.json["id"]
    assert sorted(created.json["delivery_point_ids"]) == sorted(
        [world.school.id, world.care_home.id]
    )
    responses.append(created)
    responses.append(client.get(url("users", user_id), headers=coordinator))
    responses.append(client.get(url("users"), headers=coordinator))
    new_secret = "an0ther-secret!"
    responses.append(
        client.patch(url("users", user_id), json={"password": new_secret}, headers=coordinator)
    )
    login = client.post(f"{API}/auth/login", json={"username": "rita", "password": new_secret})
    assert login.status_code == 200
    responses.append(login)
    me = client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {login.json['token']}"})
    responses.append(me)
    password_hash = db.session.get(User, user_id).password_hash
    for response in responses:
        text = response.get_data(as_text=True)
        assert response.status_code in (200, 201)
        assert "password" not in text
        assert secret not in text and new_secret not in text
        assert password_hash not in text
    # The old password no longer works.
    old = client.post(f"{API}/auth/login", json={"username": "rita", "password": secret})
    assert old.status_code == 401
