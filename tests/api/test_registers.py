"""Delivery points from open registers: Skolverket's school-unit register (JSON, API v2) and a
preschool list (CSV). The preview offers the active units of the cluster's municipalities, each
matched to an existing point by external id; the import takes the picked units, all or nothing,
and an existing point keeps what the coordinator set."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import DeliveryPoint, DeliveryPointKind, Municipality
from tests.conftest import count

API = "/api/v1/imports/registers"


def unit(code: str, name: str, municipality: str = "1285", *, lat: str | None = "55.838", lon: str | None = "13.305",
         status: str = "AKTIV", street: str = "Bergagatan 2") -> dict:  # fmt: skip
    """A /v2/school-units/{code} document as Skolverket's register gives it (postal address first)."""
    geo = {"coordinateSweRefN": None, "coordinateSweRefE": None, "latitude": lat, "longitude": lon}
    return {"data": {"type": "schoolunit", "schoolUnitCode": code, "attributes": {
        "displayName": name, "status": status, "municipalityCode": municipality, "schoolTypes": ["GR"],
        "addresses": [
            {"type": "POSTADRESS", "streetAddress": "Box 1", "postalCode": "24180", "locality": "Eslöv",
             "geoCoordinates": {"latitude": None, "longitude": None}},
            {"type": "BESOKSADRESS", "streetAddress": street, "postalCode": "241 30", "locality": "Eslöv",
             "geoCoordinates": geo},
        ]}}}  # fmt: skip


def _codes() -> None:
    for name, code in (("Eslöv", "1285"), ("Hörby", "1266")):
        db.session.scalar(sa.select(Municipality).where(Municipality.name == name)).code = code
    db.session.commit()


def _post(client, headers, path: str, body: bytes, name: str, **form):
    return client.post(f"{API}/{path}", data={"file": (io.BytesIO(body), name), **form}, headers=headers)


def _point(external_id: str) -> DeliveryPoint | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(DeliveryPoint).where(DeliveryPoint.external_id == external_id))


def test_school_units_of_the_cluster_are_offered_and_the_picked_ones_become_points(client, coordinator, world):
    _codes()
    register = json.dumps([
        unit("11111111", "Nya skolan"),
        unit("22222222", "Hörby skola", "1266", lat="55.850", lon="13.660", street="Storgatan 1"),
        unit("33333333", "Malmö skola", "1280"),  # another municipality: not the cluster's
        unit("44444444", "Vilande skolan", status="VILANDE"),
        unit("DP-1", "Bergaskolan", street="Bergavägen 9"),  # an existing point, by external id
    ]).encode()  # fmt: skip
    preview = _post(client, coordinator, "skolverket/preview", register, "skolenheter.json")
    assert preview.status_code == 200, preview.json
    offered = {u["external_id"]: u for u in preview.json["units"]}
    assert sorted(offered) == ["11111111", "22222222", "DP-1"]
    assert (preview.json["other_municipalities"], preview.json["inactive"]) == (1, 1)
    assert preview.json["other_names"] == [{"name": "1280", "units": 1}]
    assert offered["11111111"]["municipality"] == "Eslöv" and offered["11111111"]["existing"] is None
    assert offered["11111111"]["address"] == "Bergagatan 2, 241 30 Eslöv"  # the visiting address, not the box
    assert offered["DP-1"]["existing"] == {"id": world.school.id, "name": "Bergaskolan kök"}
    assert count(DeliveryPoint) == 2  # a preview writes nothing

    world.school.service_time_min, world.school.contact_name = 25, "Kerstin"
    db.session.commit()
    done = _post(client, coordinator, "skolverket", register, "skolenheter.json", selected="11111111,DP-1")
    assert done.status_code == 200, done.json
    assert (done.json["created"], done.json["updated"]) == (1, 1)
    assert done.json["message"] == "1 nya och 1 uppdaterade leveransställen från registret."
    new = _point("11111111")
    assert (new.name, new.kind, new.municipality.name, new.lat, new.lon) == (
        "Nya skolan", DeliveryPointKind.SCHOOL_KITCHEN, "Eslöv", 55.838, 13.305)  # fmt: skip
    kept = _point("DP-1")
    assert (kept.name, kept.address, kept.kind, kept.service_time_min, kept.contact_name) == (
        "Bergaskolan", "Bergavägen 9, 241 30 Eslöv", DeliveryPointKind.SCHOOL_KITCHEN, 25, "Kerstin")  # fmt: skip
    assert _point("22222222") is None  # not picked


def test_a_wrong_register_file_is_refused_whole_naming_unit_field_and_value(client, coordinator, world):
    _codes()
    register = json.dumps([
        unit("11111111", "Nya skolan", lat="13.305", lon="55.838"),  # latitude and longitude swapped
        unit("", "Utan kod"),
        unit("33333333", "Malmö skola", "1280", lat="x", lon="y"),  # not the cluster's: not its errors
    ]).encode()  # fmt: skip
    refused = _post(client, coordinator, "skolverket/preview", register, "skolenheter.json")
    assert refused.status_code == 422, refused.json
    rows = [(r["row"], r["column"], r["value"]) for r in refused.json["error"]["fields"]["rows"]]
    assert rows == [
        (1, "geoCoordinates.latitude", "13.305"),
        (1, "geoCoordinates.longitude", "55.838"),
        (2, "schoolUnitCode", ""),
    ], rows
    assert refused.json["error"]["fields"]["rows"][0]["message"].startswith("Koordinaten ligger inte i Sverige")
    not_json = _post(client, coordinator, "skolverket/preview", b"<xml/>", "skolenheter.json")
    assert not_json.status_code == 422
    assert not_json.json["error"]["fields"]["rows"][0]["message"].startswith(
        "Filen är inte JSON från Skolenhetsregistret"
    )
    picked = _post(client, coordinator, "skolverket", register, "skolenheter.json", selected="11111111")
    assert picked.status_code == 422 and count(DeliveryPoint) == 2


def test_a_list_document_and_a_single_unit_are_read_too(client, coordinator, world):
    _codes()
    listing = {"data": {"type": "schoolunit", "attributes": [
        {"schoolUnitCode": "55555555", "name": "Listskolan", "status": "AKTIV",
         "municipalityCode": "1266"}]}}  # fmt: skip
    answer = _post(client, coordinator, "skolverket/preview", json.dumps(listing).encode(), "lista.json")
    assert [(u["external_id"], u["name"], u["lat"]) for u in answer.json["units"]] == [("55555555", "Listskolan", None)]
    single = _post(
        client, coordinator, "skolverket/preview", json.dumps(unit("66666666", "En skola")).encode(), "en.json"
    )
    assert [u["external_id"] for u in single.json["units"]] == ["66666666"]


def test_a_unit_without_coordinates_is_looked_up_by_its_address(app, client, coordinator, world):
    _codes()
    asked = []
    app.config["GEOCODER_LOOKUP"] = lambda query: asked.append(query) or (55.84, 13.31)
    register = json.dumps([unit("77777777", "Adresskolan", lat=None, lon=None)]).encode()
    done = _post(client, coordinator, "skolverket", register, "s.json", selected="77777777")
    assert done.status_code == 200, done.json
    assert asked == ["Bergagatan 2, 241 30 Eslöv, Eslöv, Sweden"]
    assert (_point("77777777").lat, _point("77777777").lon) == (55.84, 13.31)


def test_a_preschool_list_by_municipality_name_or_code(client, coordinator, world):
    _codes()
    csv = ("id;namn;kommun;adress;postnummer;ort;lat;lon\n"
           "FS-1;Solrosen;Eslöv;Ängsvägen 3;241 35;Eslöv;55,83;13,31\n"
           "FS-2;Humlan;Hörby;Torggatan 1;242 30;Hörby;55,85;13,66\n"
           "FS-3;Lärkan;Lund;Byväg 1;222 22;Lund;55,70;13,19\n").encode()  # fmt: skip
    preview = _post(client, coordinator, "preschools/preview", csv, "forskolor.csv")
    assert preview.status_code == 200, preview.json
    assert [(u["external_id"], u["kind"], u["municipality"]) for u in preview.json["units"]] == [
        ("FS-1", "preschool", "Eslöv"), ("FS-2", "preschool", "Hörby")]  # fmt: skip
    assert preview.json["other_names"] == [{"name": "Lund", "units": 1}]
    done = _post(client, coordinator, "preschools", csv, "forskolor.csv", selected="FS-1,FS-2")
    assert (done.json["created"], _point("FS-2").kind, _point("FS-1").lat) == (2, DeliveryPointKind.PRESCHOOL, 55.83)
    missing = _post(client, coordinator, "preschools/preview", b"namn;ort\nSolrosen;Eslov\n", "f.csv")
    assert [(r["row"], r["column"]) for r in missing.json["error"]["fields"]["rows"]] == [(1, "id"), (1, "kommunkod")]


def test_an_import_needs_a_pick_that_the_file_has(client, coordinator, world):
    _codes()
    register = json.dumps([unit("11111111", "Nya skolan")]).encode()
    none = _post(client, coordinator, "skolverket", register, "s.json", selected=" ")
    assert none.status_code == 422 and none.json["error"]["fields"]["selected"] == [
        "Välj minst en enhet att lägga till."
    ]
    unknown = _post(client, coordinator, "skolverket", register, "s.json", selected="11111111,99999999")
    assert unknown.status_code == 422
    assert [(r["column"], r["value"]) for r in unknown.json["error"]["fields"]["rows"]] == [("selected", "99999999")]
    assert count(DeliveryPoint) == 2
