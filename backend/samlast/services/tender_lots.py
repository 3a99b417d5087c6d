"""Lots a small producer can bid on: a product area's annual volume split by geography, delivery day
and size (:func:`samlast.impact.lots.plan_lots`), handed out as a tender data pack (a zip of CSV
files, one per lot, and a short README in the reader's language).

The annual volume is read from the orders of the last year (not cancelled) with lines of the
product area: kg per delivery point and weekday of the requested date. A period shorter than a
year (a cluster that started recently) is scaled up to a year, and the README says so.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from samlast.errors import ValidationFailed
from samlast.extensions import db
from samlast.i18n import Message, text
from samlast.impact import wording as w
from samlast.impact.lots import PointVolume, plan_lots
from samlast.models import DeliveryPoint, Order, OrderLine, OrderStatus, ProductArea
from samlast.services.lookups import get_or_404

YEAR_DAYS = 365
#: The smallest and largest annual size of a lot a coordinator may ask for, kg.
MIN_LOT_KG, MAX_LOT_KG = 100.0, 10_000_000.0


def annual_volumes(area: ProductArea, until: date) -> tuple[list[PointVolume], dict[str, DeliveryPoint], int]:
    """Annual kg of `area` per delivery point and weekday from the year up to `until`, the points,
    and the number of days the orders cover (from the first order to `until`)."""
    start = until - timedelta(days=YEAR_DAYS - 1)
    rows = db.session.execute(
        sa.select(Order.delivery_point_id, Order.requested_date, OrderLine.weight_kg)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            OrderLine.product_area_id == area.id,
            Order.status != OrderStatus.CANCELLED,
            Order.requested_date.between(start, until),
        )
    ).all()
    if not rows:
        return [], {}, 0
    covered = (until - min(r.requested_date for r in rows)).days + 1
    scale = YEAR_DAYS / covered
    kg: dict[tuple[int, int], float] = defaultdict(float)
    for point_id, day, weight in rows:
        kg[(point_id, day.weekday())] += weight * scale
    points = {
        str(p.id): p
        for p in db.session.scalars(
            sa.select(DeliveryPoint)
            .where(DeliveryPoint.id.in_({pid for pid, _ in kg}))
            .options(selectinload(DeliveryPoint.municipality))
        )
    }
    volumes = [
        PointVolume(str(pid), points[str(pid)].municipality.name, weekday, value)
        for (pid, weekday), value in sorted(kg.items())
    ]
    return volumes, points, covered


def _csv(rows: Sequence[Sequence[object]], locale: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";" if locale == "sv" else ",", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def tender_pack(product_area_id: int, max_kg: float, until: date, locale: str) -> tuple[str, bytes]:
    """The file name and the zip: README, lots.csv (one row per lot) and lot-NN.csv per lot."""
    if not MIN_LOT_KG <= max_kg <= MAX_LOT_KG:
        raise ValidationFailed(
            "lots.bad_size", {}, {"max_kg": [Message("field.between", min=MIN_LOT_KG, max=MAX_LOT_KG)]}
        )
    area = get_or_404(ProductArea, product_area_id, what=Message("noun.product_area"))
    volumes, points, covered = annual_volumes(area, until)
    lots = plan_lots(area.name, volumes, max_kg)

    def t(key: str, **params) -> str:
        return text(key, params, locale)

    def num(value: float) -> str:
        return w.csv_number(value, locale, 0)

    def weekday(n: int) -> str:
        return t(f"weekday.{n}")

    summary: list[list[object]] = [[t("lots.col.lot"), t("coordinator.col.municipality"), t("lots.col.weekday"),
                                    t("lots.col.kgYear"), t("lots.col.kgWeek"), t("lots.col.points")]]  # fmt: skip
    files: dict[str, bytes] = {}
    for lot in lots:
        summary.append([lot["lot"], lot["municipality"], weekday(lot["weekday"]), num(lot["kg"]), num(lot["kg"] / 52),
                        len(lot["points"])])  # fmt: skip
        rows = [[t("lots.col.point"), t("lots.col.address"), t("coordinator.col.municipality"), t("lots.col.weekday"),
                 t("lots.col.kgYear"), t("lots.col.kgWeek")]]  # fmt: skip
        for part in lot["points"]:
            p = points[part["point"]]
            rows.append([p.name, p.address, lot["municipality"], weekday(lot["weekday"]), num(part["kg"]),
                         num(part["kg"] / 52)])  # fmt: skip
        files[f"lot-{lot['lot']:02d}.csv"] = _csv(rows, locale)
    readme = t(
        "lots.readme",
        area=area.name,
        lots=len(lots),
        kg=w.number(sum(v.kg for v in volumes), locale),
        max_kg=w.number(max_kg, locale),
        until=until.isoformat(),
        days=covered,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("README.txt", readme + "\n")
        pack.writestr("lots.csv", _csv(summary, locale))
        for name, body in files.items():
            pack.writestr(name, body)
    name = t("lots.fileName", area=area.name)
    return name, buffer.getvalue()
