"""Import of Peppol BIS Order 3 documents (not a test): one week of a large cluster.

Stores the demo cluster (`flask samlast demo`) in a fresh SQLite database, writes `--documents`
UBL Order documents for its delivery points and suppliers (3 to 8 lines each, like the demo's
orders), zips them as an access point would hand them over, and times the import of the zip
through the same service the API calls (`peppol_orders.import_upload`: every document parsed,
checked, mapped and stored in its own transaction):

    .venv/bin/python bench/peppol_import.py --documents 5000

Prints documents, lines, imported, refused and the wall time. Target: 5 000 in under 60 s.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))
sys.path.insert(0, str(REPO))


UNITS = ("KGM", "LTR", "H87")
CLASSES = ("fryst", "kylt", "torrt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="samlast-peppol-"))
    os.environ["SAMLAST_INSTANCE"] = str(folder)
    from tests.api.test_peppol_orders import order, order_line

    from samlast import create_app
    from samlast.extensions import db
    from samlast.models import DeliveryPoint, Supplier
    from samlast.services import demo, peppol_orders

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "GEOCODING_ENABLED": False})
    with app.app_context():
        db.create_all()
        demo.create_demo_data()
        points = [p.external_id for p in db.session.scalars(db.select(DeliveryPoint))]
        suppliers = [s.external_id for s in db.session.scalars(db.select(Supplier))]
        rng = random.Random(args.seed)
        buffer, lines = io.BytesIO(), 0
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for number in range(args.documents):
                count = rng.randint(3, 8)
                lines += count
                body = "".join(
                    order_line(i, f"Vara {rng.randint(1, 400)}", str(rng.randint(1, 40)), rng.choice(UNITS),
                               ("Vikt kg", "1,2"), ("Temperaturklass", rng.choice(CLASSES)))
                    for i in range(1, count + 1)
                )  # fmt: skip
                day = f"2026-12-{7 + number % 5:02d}"
                archive.writestr(
                    f"order-{number:05d}.xml",
                    order(
                        body,
                        number=f"BENCH-{number:05d}",
                        start=day,
                        location=f"<cbc:ID>{rng.choice(points)}</cbc:ID>",
                        supplier=rng.choice(suppliers),
                    ),
                )
        data = buffer.getvalue()
        started = time.monotonic()
        outcomes = peppol_orders.import_upload(data, "week.zip")
        wall = time.monotonic() - started
    imported = sum(1 for outcome in outcomes if outcome["ok"])
    print(f"documents {args.documents}, lines {lines}, zip {len(data) / 1e6:.1f} MB")
    print(f"imported {imported}, refused {len(outcomes) - imported}")
    print(f"wall {wall:.1f} s ({args.documents / wall:.0f} documents/s)")
    return 0 if imported == args.documents else 1


if __name__ == "__main__":
    raise SystemExit(main())
