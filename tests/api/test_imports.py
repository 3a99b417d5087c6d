"""CSV import: good files, files with several errors, re-import, geocoding fallbacks."""

from __future__ import annotations

import io

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import DeliveryPoint, GeocodeCache, Order, ProductArea, Supplier, TemperatureClass, Vehicle
from samlast.services import imports
from tests.conftest import count

POINTS_HEADER = "external_id,name,kind,municipality,address,lat,lon,service_time_min,windows\n"


def _post(client, headers, kind: str, text: str):
    return client.post(
        f"/api/v1/imports/{kind}",
        data={"file": (io.BytesIO(text.encode()), f"{kind}.csv")},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_delivery_points_import_creates_points_with_windows(client, coordinator, world):
    text = POINTS_HEADER + (
        "E-1,Skolan A,school_kitchen,Eslöv,Gatan 1,55.83,13.30,12,mon-fri 06:30-10:30\n"
        'E-2,Hemmet B,care_home,hörby,,55.85,13.66,,"mon-wed 07:00-09:00 13:00-15:00; sat 08:00-10:00"\n'
    )
    response = _post(client, coordinator, "delivery_points", text)
    assert response.status_code == 200, response.json
    assert response.json["created"] == 2 and response.json["updated"] == 0
    home = db.session.scalar(sa.select(DeliveryPoint).where(DeliveryPoint.external_id == "E-2"))
    assert home.municipality.name == "Hörby"
    assert home.service_time_min == 10
    assert [(w.weekday, w.start.hour, w.end.hour) for w in home.receiving_windows] == [
        (0, 7, 9), (0, 13, 15), (1, 7, 9), (1, 13, 15), (2, 7, 9), (2, 13, 15), (5, 8, 10),
    ]  # fmt: skip


def test_file_with_several_errors_names_rows_and_columns_and_changes_nothing(client, coordinator, world):
    before = count(DeliveryPoint)
    text = POINTS_HEADER + (
        "E-1,Skolan A,school_kitchen,Eslöv,Gatan 1,55.83,13.30,12,mon-fri 06:30-10:30\n"
        "E-2,Skolan B,castle,Eslöv,Gatan 2,55.83,13.30,12,\n"
        "E-3,Skolan C,preschool,Atlantis,Gatan 3,95,13.30,12,fri 10:00-09:00\n"
        "E-1,Skolan D,preschool,Eslöv,Gatan 4,55.8,13.3,,\n"
    )
    response = _post(client, coordinator, "delivery_points", text)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "import.failed"
    # Every error of the file in one answer, each with the cell as written.
    located = {(row["row"], row["column"], row["value"]) for row in error["fields"]["rows"]}
    assert located == {
        (3, "kind", "castle"),
        (4, "municipality", "Atlantis"),
        (4, "lat", "95"),
        (4, "windows", "fri 10:00-09:00"),
        (5, "external_id", "E-1"),
    }
    assert error["message"] == "5 fel på 3 rader; inget lästes in."
    by_column = {row["column"]: row for row in error["fields"]["rows"]}
    assert by_column["municipality"]["message"] == "Okänd kommun."
    assert by_column["lat"]["message"] == "Måste vara mellan -90 och 90."
    assert by_column["external_id"]["message"] == "Finns redan på rad 2."
    assert by_column["kind"]["message"].startswith("Måste vara något av: school_kitchen")
    assert count(DeliveryPoint) == before


def test_reference_and_duplicate_errors_are_reported_with_rows(world):
    text = POINTS_HEADER + (
        "E-1,Skolan A,school_kitchen,Atlantis,Gatan 1,55.83,13.30,12,\n"
        "E-1,Skolan B,school_kitchen,Eslöv,Gatan 1,55.83,13.30,12,\n"
    )
    result = imports.import_csv("delivery_points", text.encode())
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {(2, "municipality"), (3, "external_id")}


def test_missing_required_column_is_reported_on_header_row(world):
    result = imports.import_csv("delivery_points", b"external_id,name\nE-1,Skolan\n")
    assert not result.ok
    # The missing columns once, on the header; the row's other errors in the same report.
    assert {(e.row, e.column) for e in result.errors} == {
        (1, "kind"), (1, "municipality"), (2, "lat"),
    }  # fmt: skip


def test_reimport_updates_by_external_id(client, coordinator, world):
    first = POINTS_HEADER + "E-1,Skolan A,school_kitchen,Eslöv,Gatan 1,55.83,13.30,12,mon 06:30-10:30\n"
    second = POINTS_HEADER + "E-1,Skolan A nya,school_kitchen,Eslöv,Gatan 1,55.83,13.30,15,tue 07:00-08:00\n"
    assert _post(client, coordinator, "delivery_points", first).status_code == 200
    response = _post(client, coordinator, "delivery_points", second)
    assert response.json["created"] == 0 and response.json["updated"] == 1
    point = db.session.scalar(sa.select(DeliveryPoint).where(DeliveryPoint.external_id == "E-1"))
    db.session.refresh(point)
    assert point.name == "Skolan A nya" and point.service_time_min == 15
    assert [(w.weekday, w.start.hour) for w in point.receiving_windows] == [(1, 7)]


def test_semicolon_file_with_decimal_commas(world):
    text = (
        "external_id;name;kind;municipality;lat;lon\n"
        "E-9;Skolan Komma;preschool;Eslöv;55,8301;13,3002\n"
    )
    result = imports.import_csv("delivery_points", text.encode("cp1252"))
    assert result.ok, result.errors
    point = db.session.scalar(sa.select(DeliveryPoint).where(DeliveryPoint.external_id == "E-9"))
    assert point.lat == 55.8301 and point.name == "Skolan Komma"


def test_missing_coordinates_without_geocoding_fails_listing_rows(app, world):
    text = POINTS_HEADER + (
        "E-1,Skolan A,school_kitchen,Eslöv,Gatan 1,,,12,\n"
        "E-2,Skolan B,school_kitchen,Eslöv,Gatan 2,55.8,13.3,12,\n"
        "E-3,Skolan C,school_kitchen,Eslöv,Gatan 3,,,12,\n"
    )
    result = imports.import_csv("delivery_points", text.encode())
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, "lat"), (4, "lat")]
    assert result.errors[0].message.key == "import.geocoding_unavailable"
    assert result.errors[0].value == "Gatan 1, Eslöv, Sweden"
    assert count(DeliveryPoint) == 2  # only the world's


def test_geocoding_fills_and_caches_coordinates(app, world):
    calls: list[str] = []

    def fake_lookup(query: str):
        calls.append(query)
        return None if "Nowhere" in query else (55.81, 13.29)

    app.config["GEOCODER_LOOKUP"] = fake_lookup
    try:
        text = POINTS_HEADER + "E-1,Skolan A,school_kitchen,Eslöv,Gatan 1,,,12,\n"
        assert imports.import_csv("delivery_points", text.encode()).ok
        assert calls == ["Gatan 1, Eslöv, Sweden"]
        assert count(GeocodeCache) == 1
        # A re-import asks the cache, not the service.
        assert imports.import_csv("delivery_points", text.encode()).ok
        assert len(calls) == 1
        bad = POINTS_HEADER + "E-2,Skolan B,school_kitchen,Eslöv,Nowhere 9,,,12,\n"
        result = imports.import_csv("delivery_points", bad.encode())
        assert [(e.row, e.column) for e in result.errors] == [(2, "address")]
    finally:
        del app.config["GEOCODER_LOOKUP"]
    point = db.session.scalar(sa.select(DeliveryPoint).where(DeliveryPoint.external_id == "E-1"))
    assert (point.lat, point.lon) == (55.81, 13.29)


def test_suppliers_import_links_product_areas(world):
    text = (
        "external_id,name,kind,lat,lon,product_areas\n"
        "S-9,Äppelgården,local_producer,55.9,13.5,Mejeri\n"
        "S-10,Fel AB,wholesaler,55.9,13.5,Mejeri|Rymdmat\n"
    )
    result = imports.import_csv("suppliers", text.encode())
    assert [(e.row, e.column) for e in result.errors] == [(3, "product_areas")]
    assert count(Supplier) == 2
    assert imports.import_csv("suppliers", text.replace("|Rymdmat", "").encode()).ok
    farm = db.session.scalar(sa.select(Supplier).where(Supplier.external_id == "S-9"))
    assert [a.name for a in farm.product_areas] == ["Mejeri"]


def test_vehicles_import_builds_compartments(world):
    text = (
        "external_id,name,terminal,energy_type,co2e_kg_per_km,cost_per_km,cost_per_hour,"
        "shift_start,shift_end,frozen_kg,frozen_pallets,chilled_kg,chilled_pallets,ambient_kg,ambient_pallets\n"
        "V-1,Bil 1,Eslöv terminal,electric,0.03,9,480,06:00,14:00,0,0,1200,4,1300,4\n"
        "V-2,Bil 2,Eslöv terminal,diesel,0.85,14,520,15:00,14:00,0,0,0,0,0,0\n"
    )
    result = imports.import_csv("vehicles", text.encode())
    assert {(e.row, e.column) for e in result.errors} == {(3, "shift_end"), (3, "ambient_kg")}
    assert imports.import_csv("vehicles", text.splitlines()[0].encode() + b"\n" + text.splitlines()[1].encode()).ok
    vehicle = db.session.scalar(sa.select(Vehicle))
    assert sorted(c.temperature_class for c in vehicle.compartments) == [
        TemperatureClass.AMBIENT, TemperatureClass.CHILLED,
    ]  # fmt: skip


def test_orders_import_groups_lines_and_reimport_replaces_them(world):
    header = (
        "order_external_id,delivery_point,supplier,requested_date,article,product_area,"
        "quantity,unit,weight_kg,pallet_places,temperature_class\n"
    )
    text = header + (
        "O-1,DP-1,S-1,2026-12-01,Mjölk,Mejeri,20,l,20,0.1,\n"
        "O-1,DP-1,S-1,2026-12-01,Glass,,5,st,10,0.05,frozen\n"
        "O-2,DP-2,S-2,2026-12-02,Ost,Mejeri,3,kg,3,0,\n"
    )
    result = imports.import_csv("orders", text.encode())
    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 0)
    order = db.session.scalar(sa.select(Order).where(Order.external_id == "O-1"))
    assert [(line.line_no, line.article, line.temperature_class) for line in order.lines] == [
        (1, "Mjölk", TemperatureClass.CHILLED), (2, "Glass", TemperatureClass.FROZEN),
    ]  # fmt: skip
    assert order.lines[0].product_area.name == "Mejeri"
    again = imports.import_csv("orders", (header + "O-1,DP-1,S-1,2026-12-01,Mjölk,Mejeri,25,l,25,0.1,\n").encode())
    assert (again.created, again.updated) == (0, 1)
    db.session.expire_all()
    order = db.session.scalar(sa.select(Order).where(Order.external_id == "O-1"))
    assert [(line.article, line.quantity) for line in order.lines] == [("Mjölk", 25.0)]


def test_orders_import_errors(world):
    header = "order_external_id,delivery_point,supplier,requested_date,article,product_area,quantity,unit,weight_kg\n"
    text = header + (
        "O-1,DP-404,S-1,2026-12-01,Mjölk,Mejeri,20,l,20\n"
        "O-2,DP-1,S-1,2026-13-01,Mjölk,Mejeri,20,l,20\n"
        "O-3,DP-1,S-1,2026-12-01,Okänt,,20,l,20\n"
        "O-3,DP-2,S-1,2026-12-01,Mjölk,Mejeri,-1,l,20\n"
    )
    result = imports.import_csv("orders", text.encode())
    assert {(e.row, e.column) for e in result.errors} == {
        (2, "delivery_point"), (3, "requested_date"), (4, "temperature_class"), (5, "quantity"),
        (5, "delivery_point"),  # differs from row 4 of the same order, read although row 5 has an error
    }  # fmt: skip
    assert count(Order) == 0


def test_orders_without_delivery_point_or_supplier_are_errors_not_a_crash(world):
    header = "order_external_id,delivery_point,supplier,requested_date,article,quantity,unit,weight_kg,"
    header += "temperature_class\n"
    text = header + "O-1,,,2026-12-01,Mjölk,20,l,20,chilled\n"
    result = imports.import_csv("orders", text.encode())
    assert {(e.row, e.column) for e in result.errors} == {(2, "delivery_point"), (2, "supplier")}
    assert count(Order) == 0


def test_the_documented_example_files_import_into_the_demo_cluster(app):
    """docs/import/*.csv name the demo's municipalities, terminal and product areas: imported in
    the order the README gives (points, suppliers, vehicles, then orders naming them), each is
    taken whole."""
    from pathlib import Path

    from samlast.services import demo

    demo.create_demo_data()
    folder = Path(__file__).resolve().parents[2] / "docs" / "import"
    for kind in ("delivery_points", "suppliers", "vehicles", "orders"):
        result = imports.import_csv(kind, (folder / f"{kind}.csv").read_bytes())
        assert result.ok, [(e.row, e.column, e.value, e.message.render("en")) for e in result.errors]
        assert result.created > 0, kind


def test_import_requires_coordinator(client, make_user, world):
    from samlast.models import Role

    _, driver = make_user(Role.DRIVER)
    response = _post(client, driver, "delivery_points", POINTS_HEADER)
    assert response.status_code == 403
    assert _post(client, {}, "delivery_points", POINTS_HEADER).status_code == 401


def test_product_area_fixture_is_chilled(world):
    assert db.session.scalar(sa.select(ProductArea.temperature_class)) == TemperatureClass.CHILLED


def test_cli_import_lists_every_error_in_words_with_the_cell(runner, world, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(POINTS_HEADER + "E-2,Skolan B,castle,Atlantis,Gatan 2,55.83,13.30,12,\n")
    result = runner.invoke(args=["samlast", "import", "delivery-points", str(path)])
    assert result.exit_code == 1
    assert 'row 2, column kind "castle": Must be one of: school_kitchen' in result.output
    assert 'row 2, column municipality "Atlantis": Unknown municipality.' in result.output
