"""The council's PDF of an impact report, read as a person would: rendered to PNG pages with
poppler's pdftoppm, its text extracted with pdftotext. Swedish by default, English when the
request asks for it; no Python data structures, no raw codes, Swedish numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from samlast.extensions import db
from samlast.models import Order, OrderLine, TemperatureClass
from samlast.services import impact as impact_service
from tests.conftest import MONDAY
from tests.waiting import api_of, wait_for_job

FAST = {"time_limit_s": 0.3, "shapley_time_limit_s": 0.2}
RAW_CODES = (
    "fixed_2_per_week",
    "as_ordered",
    "by_kind_3_2_1",
    "per_standalone_km",
    "per_delivery",
    "standalone_cost",
    "hvo100",
    "school_kitchen",
    "care_home",
    "wholesaler_truck",
    "producer_van",
    "local_producer",
    "co2e_kg",
    "vehicle_km",
    "None",
    "True",
    "False",
)


@pytest.fixture(autouse=True)
def _drain_impact_runs():
    yield
    impact_service.drain()


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.fail(
            f"{tool} is not installed: run `bash scripts/install-system-packages.sh poppler-utils`.",
            pytrace=False,
        )
    return path


@pytest.fixture
def three_weeks(day, world):
    """The day's two orders, a farm delivery on Wednesday and orders in the third week: the
    second week of the period has no orders."""
    for when, point, supplier, ref in (
        (MONDAY + timedelta(days=2), world.school, world.farm, "O-FARM-1"),
        (MONDAY + timedelta(days=14), world.school, world.wholesaler, "O-W3-1"),
        (MONDAY + timedelta(days=15), world.care_home, world.wholesaler, "O-W3-2"),
    ):
        db.session.add(
            Order(
                external_id=ref,
                delivery_point=point,
                supplier=supplier,
                requested_date=when,
                lines=[
                    OrderLine(
                        line_no=1,
                        article="Potatis",
                        quantity=4,
                        unit="säck",
                        weight_kg=100,
                        pallet_places=0.5,
                        temperature_class=TemperatureClass.AMBIENT,
                    ),
                ],
            )
        )
    db.session.commit()


def _finished_report(client, headers) -> dict:
    body = {
        "date_from": MONDAY.isoformat(),
        "date_to": (MONDAY + timedelta(days=20)).isoformat(),
        "name": "Mellersta Skåne, tre veckor",
        "primary_pattern": "fixed_2_per_week",
        **FAST,
    }
    started = client.post("/api/v1/impact/reports", json=body, headers=headers)
    assert started.status_code == 202, started.json
    report = wait_for_job(api_of(client, headers), f"/impact/reports/{started.json['id']}", timeout_s=90)
    assert report["status"] == "succeeded", report["message"]
    return report


def _read(pdf: bytes, folder: Path, name: str) -> tuple[str, list[Path]]:
    """The PDF's text (pdftotext) and its pages as PNG images (pdftoppm)."""
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run([_poppler("pdftoppm"), "-r", "50", "-png", str(path), str(folder / name)], check=True)
    pages = sorted(folder.glob(f"{name}-*.png"))
    extracted = subprocess.run(
        [_poppler("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return extracted, pages


def test_the_council_pdf_is_in_swedish_or_english_and_shows_no_code(client, coordinator, three_weeks, tmp_path):
    report = _finished_report(client, coordinator)
    result = report["result"]
    assert result["horizon"]["empty_weeks"] == [(MONDAY + timedelta(days=7)).isoformat()]

    response = client.get(f"/api/v1/impact/reports/{report['id']}/report.pdf", headers=coordinator)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"samlast-effekter-{report['id']}.pdf" in response.headers["Content-Disposition"]
    swedish, pages = _read(response.data, tmp_path, "sv")
    flat = re.sub(r"\s+", " ", swedish)  # lines joined, no-break spaces as spaces
    assert len(pages) >= 4 and all(p.stat().st_size > 5_000 for p in pages)  # drawn pages, not blank ones

    for heading in (
        "Samordnad varudistribution",
        "Sammanfattning",
        "Vad ändras för en skola?",
        "Diagram",
        "Varför utsläppen och kostnaden ändras",
        "Per kommun",
        "Leveransdagsmönster",
        "Fordonsbehov per veckodag",
        "Kostnadsfördelning",
        "Så räknas fördelningarna",
        "Antaganden",
        "Utsläppsfaktorer",
        "Att tänka på",
    ):
        assert heading in swedish, heading
    assert "{" not in swedish and "[" not in swedish
    for code in RAW_CODES:
        assert code not in swedish, code
    # Words, not codes: the pattern, the rules, the energy types, the kinds of building.
    for words in (
        "två fasta leveransdagar i veckan",
        "Per km ensam",
        "Shapley:",
        "Kärnan:",
        "HVO100 (förnybar diesel)",
        "Skolkök",
        "Äldreboende",
        "Mellersta Skåne, tre veckor",
        "Nukleolus:",
        "Lika vinst:",
    ):
        assert words in flat, words
    # The waterfalls: today, each cause with its sign, coordinated; the cost parts the same way.
    why = result["decomposition"]
    for term, label in (("km", "Körsträcka"), ("fill_rate", "Fyllnadsgrad"), ("cleaner", "Renare fordon och bränslen")):
        value = why["co2e_kg"]["terms"][term]
        written = f"{abs(value):,.0f}".replace(",", " ")
        assert f"{label} {'+' if value > 0 else '−' if round(value) else ''}{written} kg" in flat, (label, value)
    for label in ("Transport", "Terminalhantering", "Administration", "I dag", "Samordnat"):
        assert label in flat, label
    # The vehicles each weekday needs, per weekday in words, as the result says.
    need = result["fleet_need"]
    assert need and all(row["vehicles_needed"] is not None for row in need)
    first = need[0]
    weekday = ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag"][first["weekday"]]
    assert f"{weekday} {first['date']} {first['stops']} {first['vehicles_needed']}" in flat
    # The empty week does not dilute the averages, and the report says so.
    assert "Veckor med beställningar: 2 av 3" in flat
    assert "räknas därför bara över veckorna med beställningar (2 av periodens 3)" in flat
    # Swedish numbers: decimal comma, no decimal point, a real minus sign on the changes.
    cost = f"{result['cost_split']['total_cost']:,.0f}".replace(",", " ")
    assert f"kostar {cost} kr under perioden" in flat
    assert re.search(r"\d\.\d", swedish) is None, "a decimal point in the Swedish text"
    assert "\u2212" in swedish

    response = client.get(
        f"/api/v1/impact/reports/{report['id']}/report.pdf", headers={**coordinator, "Accept-Language": "en"}
    )
    english, pages = _read(response.data, tmp_path, "en")
    assert len(pages) >= 4
    for heading in (
        "Coordinated goods distribution",
        "Summary",
        "What changes for a school?",
        "Charts",
        "Per municipality",
        "Cost split",
        "How the splits are calculated",
        "Assumptions",
    ):
        assert heading in english, heading
    for swedish_word in ("Sammanfattning", "Kostnadsfördelning", "Antaganden", "Leveranser"):
        assert swedish_word not in english
    assert "{" not in english and "[" not in english
    for code in RAW_CODES:
        assert code not in english, code
    assert "two fixed delivery days a week" in re.sub(r"\s+", " ", english)
