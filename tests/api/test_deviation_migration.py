"""Migration kitchen01: deviations written as English sentences get their facts, and a code the
server made up under the kitchen's name ("all received", yet "missing") is taken away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BEFORE = "c3d4e5f6a7b8"


def _upgrade(tmp_path: Path, database: Path, target: str = "head") -> None:
    env = {
        **os.environ,
        "FLASK_APP": "samlast",
        "SAMLAST_INSTANCE": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    env.pop("TEST_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade", target], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


OLD_ROWS = [
    # The Smör case: the driver left 15 of 17 as damaged; the kitchen tapped "all received".
    "INSERT INTO order_line (id, order_id, line_no, article, quantity, unit, weight_kg, pallet_places,"
    " temperature_class) VALUES (1, 1, 1, 'Smör 500 g', 17, 'st', 8.5, 0.1, 'chilled'),"
    " (2, 1, 2, 'Mjölk', 40, 'l', 41, 0.3, 'chilled')",
    "INSERT INTO proof_line (proof_id, order_line_id, article, ordered_quantity, delivered_quantity, unit,"
    " deviation, note) VALUES (10, 1, 'Smör 500 g', 17, 15, 'st', 'damaged', ''),"
    " (10, 2, 'Mjölk', 40, 40, 'l', NULL, '')",
    "INSERT INTO receipt_confirmation (id, client_id, user_id, delivery_point_id, plan_date, proof_id,"
    " accepted_all, confirmed_by_name, note, recorded_at, created_at, response, photo_count) VALUES"
    " (100, 'c-100-all', 1, 1, '2026-11-30', 10, 1, 'Alva', '', '2026-11-30 08:00:00', '2026-11-30 08:00:00',"
    " '{}', 0),"
    " (101, 'c-101-lines', 1, 1, '2026-11-30', 10, 0, 'Bo', '', '2026-11-30 08:10:00', '2026-11-30 08:10:00',"
    " '{}', 0)",
    "INSERT INTO receipt_line (confirmation_id, order_line_id, received_quantity, deviation, note) VALUES"
    " (100, 1, 15, 'missing', ''), (100, 2, 40, NULL, ''), (101, 2, 38, 'damaged', 'Läckte')",
    "INSERT INTO deviation (id, delivery_point_id, plan_date, confirmation_id, proof_id, order_line_id, code,"
    " description, status, created_at) VALUES"
    " (1, 1, '2026-11-30', 100, 10, 1, 'missing',"
    " 'Smör 500 g: ordered 17 st, driver delivered 15, kitchen received 15 (missing)', 'open', '2026-11-30 08:00:00'),"
    " (2, 1, '2026-11-30', 101, 10, 2, 'receipt_mismatch',"
    " 'Mjölk: ordered 40 l, driver delivered 40, kitchen received 38 (damaged): Läckte', 'open',"
    " '2026-11-30 08:10:00'),"
    " (3, 1, '2026-11-30', NULL, NULL, NULL, 'receipt_mismatch',"
    " 'Fiskpinnar: ordered 10 kartong, driver delivered 10, kitchen received 9', 'resolved', '2026-11-30 08:20:00')",
]


def test_old_deviations_get_their_facts_and_lose_made_up_kitchen_codes(tmp_path):
    database = tmp_path / "old.db"
    _upgrade(tmp_path, database, BEFORE)
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        for statement in OLD_ROWS:
            connection.execute(sa.text(statement))
    _upgrade(tmp_path, database)
    with engine.connect() as connection:
        receipt = connection.execute(
            sa.text("SELECT confirmation_id, order_line_id, deviation FROM receipt_line ORDER BY id")
        ).all()
        rows = {
            row.id: row
            for row in connection.execute(
                sa.text(
                    "SELECT id, code, article, unit, ordered_quantity, delivered_quantity, received_quantity,"
                    " driver_code, kitchen_code, note, description, status FROM deviation"
                )
            )
        }
    engine.dispose()
    # "All received" is no deviation of the kitchen's; the other kitchen's own code stays.
    assert receipt == [(100, 1, None), (100, 2, None), (101, 2, "damaged")]
    smor = rows[1]
    assert smor.code == "short"  # less left than ordered, not "the kitchen reported missing"
    assert (smor.article, smor.unit, smor.ordered_quantity, smor.delivered_quantity, smor.received_quantity) == (
        "Smör 500 g", "st", 17, 15, 15,
    )
    assert (smor.driver_code, smor.kitchen_code) == ("damaged", None)
    milk = rows[2]
    assert (milk.code, milk.kitchen_code, milk.driver_code) == ("receipt_mismatch", "damaged", None)
    assert milk.note == "Läckte"
    assert (milk.delivered_quantity, milk.received_quantity) == (40, 38)
    # Nothing to take the facts from: the old sentence stays, and is shown as it is.
    fish = rows[3]
    assert fish.article == "" and fish.description.startswith("Fiskpinnar: ordered 10") and fish.status == "resolved"
