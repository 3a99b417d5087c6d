"""The lot planner's tender data pack through the API: lots per municipality and delivery day, none
larger than asked, together the whole (annual) volume; bad input named."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

from samlast.extensions import db
from samlast.models import Order, OrderLine, TemperatureClass

UNTIL = date(2026, 11, 30)  # a Monday


def _orders(world, weeks: int = 4) -> None:
    """Milk each Monday to the school (Eslöv) and each Monday and Thursday to the care home (Hörby)."""
    rows = []
    for week in range(weeks):
        monday = UNTIL - timedelta(days=7 * week)
        for point, day, kg in ((world.school, monday, 300), (world.care_home, monday, 200),
                               (world.care_home, monday - timedelta(days=4), 100)):  # fmt: skip
            rows.append(Order(
                external_id=f"M-{point.external_id}-{day}", delivery_point=point, supplier=world.farm,
                requested_date=day,
                lines=[OrderLine(line_no=1, article="Mjölk", quantity=kg, unit="l", weight_kg=kg, pallet_places=0.2,
                                 temperature_class=TemperatureClass.CHILLED, product_area=world.dairy_area),
                       OrderLine(line_no=2, article="Bröd", quantity=5, unit="st", weight_kg=9,
                                 temperature_class=TemperatureClass.AMBIENT)],
            ))  # fmt: skip
    db.session.add_all(rows)
    db.session.commit()


def _read(pack: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        return {
            name: (z.read(name).decode() if name.endswith(".txt")
                   else list(csv.reader(io.StringIO(z.read(name).decode("utf-8-sig")), delimiter=";")))
            for name in z.namelist()
        }  # fmt: skip


def test_the_pack_splits_the_annual_volume_into_lots_no_larger_than_asked(client, coordinator, world):
    _orders(world)
    answer = client.get(
        f"/api/v1/lots/tender-pack.zip?product_area_id={world.dairy_area.id}&max_kg=5000&until={UNTIL}",
        headers={**coordinator, "Accept-Language": "sv"},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "application/zip"
    files = _read(answer.data)
    summary = files["lots.csv"]
    assert summary[0] == ["Del", "Kommun", "Leveransdag", "kg per år", "kg per vecka", "Leveransställen"]
    lots = summary[1:]
    # Four weeks of orders, the first on the Thursday 25 days before UNTIL: 26 days, scaled to 365.
    scale = 365 / 26
    total = sum(float(row[3].replace(",", ".")) for row in lots)
    assert abs(total - 4 * (300 + 200 + 100) * scale) <= len(lots)  # kg rounded per lot
    assert all(float(row[3].replace(",", ".")) <= 5000 for row in lots)
    assert {(row[1], row[2]) for row in lots} == {("Eslöv", "Måndag"), ("Hörby", "Måndag"), ("Hörby", "Torsdag")}
    assert len(files) == 2 + len(lots)
    # The school's 16 846 kg a year on Mondays is more than a lot holds: four equal parts.
    school = [row for row in lots if row[1] == "Eslöv"]
    assert len(school) == 4
    first = files["lot-01.csv"]
    assert first[0][0] == "Leveransställe" and first[1][0] == world.school.name
    assert "Mjölk" not in files["README.txt"] and world.dairy_area.name in files["README.txt"]
    assert f"{len(lots)} delar" in files["README.txt"] and "26 dagarna" in files["README.txt"]


def test_bad_input_is_named(client, coordinator, world):
    bad = client.get("/api/v1/lots/tender-pack.zip?max_kg=5", headers=coordinator)
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"product_area_id", "max_kg"}
    missing = client.get("/api/v1/lots/tender-pack.zip?product_area_id=987654", headers=coordinator)
    assert missing.status_code == 404


def _pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_distributor_pack_holds_volumes_stops_windows_and_throughput(client, coordinator, world):
    _orders(world)
    answer = client.get(
        f"/api/v1/lots/distributor-pack.zip?until={UNTIL}", headers={**coordinator, "Accept-Language": "sv"}
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    with zipfile.ZipFile(io.BytesIO(answer.data)) as z:
        names = sorted(z.namelist())
        assert names == ["README.txt", "leveransstallen.csv", "sammanfattning.pdf", "terminalflode.csv", "volymer.csv"]
        summary = _pdf_text(z.read("sammanfattning.pdf"))
        files = {name: list(csv.reader(io.StringIO(z.read(name).decode("utf-8-sig")), delimiter=";"))
                 for name in names if name.endswith(".csv")}  # fmt: skip
    scale = 365 / 26  # four weeks of orders, the first 25 days before UNTIL
    volumes = {row[0]: float(row[1].replace(",", ".")) for row in files["volymer.csv"][1:]}
    assert abs(volumes["Kylt"] - 4 * 600 * scale) < 1 and abs(volumes["Torrt"] - 12 * 9 * scale) < 1
    assert volumes["Fryst"] == 0
    points = {row[0]: row for row in files["leveransstallen.csv"][1:]}
    assert set(points) == {world.school.name, world.care_home.name}
    # 12 deliveries in 26 days: the care home twice a week, the school once.
    assert float(points[world.care_home.name][5].replace(",", ".")) == round(8 / (26 / 7), 1)
    assert points[world.school.name][4]  # its receiving windows, or "hela dagen"
    flow = {row[0]: row for row in files["terminalflode.csv"][1:]}
    assert set(flow) == {"Måndag", "Torsdag"} and flow["Måndag"][1] == "518"  # 300 + 200 + 2 × 9 kg a Monday
    assert "Anbudsunderlag för upphandling av" in summary and "Kylt" in summary and "Måndag" in summary
    bad = client.get("/api/v1/lots/distributor-pack.zip?until=0001-01-01", headers=coordinator)
    assert bad.status_code == 422
