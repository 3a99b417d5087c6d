"""The tender data pack for procuring the distributor: what a bidder must know to price the
coordinated distribution, from the cluster's own orders, delivery points and plans.

- annual volumes per temperature class (kg and pallet places);
- stops: deliveries per week, in all and per delivery point, with each point's receiving windows;
- km: the planned distance per week (the newest plan version of each terminal and day);
- terminal throughput: kg and pallet places per weekday, on average.

The year is the 365 days up to `until`; a shorter history (a cluster that started recently) is
scaled up to a year, and the pack says so. Orders of the terminal's own emergency stock are left
out: they are no supplier's delivery through the terminal. CSV files (Swedish: semicolons,
decimal commas) and a PDF summary, zipped.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer
from sqlalchemy.orm import selectinload

from samlast.extensions import db
from samlast.i18n import text
from samlast.impact import wording as w
from samlast.models import DeliveryPoint, Order, OrderLine, OrderStatus, Plan, Supplier, TemperatureClass
from samlast.services.impact_export import MARGIN, _p, _table, register_fonts
from samlast.services.tender_lots import YEAR_DAYS, _csv


def _windows(point: DeliveryPoint, locale: str) -> str:
    """ "mån 06:30–10:00, tis 06:30–10:00"; empty when the point takes goods any time."""
    return ", ".join(
        f"{text(f'weekday.{window.weekday}', {}, locale)[:3].lower()} {window.start:%H:%M}–{window.end:%H:%M}"
        for window in point.receiving_windows
    )


def figures(until: date) -> dict[str, Any]:
    """The pack's figures (plain data, for the files and for tests)."""
    start = until - timedelta(days=YEAR_DAYS - 1)
    stock_suppliers = select_stock_suppliers()
    rows = db.session.execute(
        sa.select(Order.delivery_point_id, Order.requested_date, OrderLine.temperature_class, OrderLine.weight_kg,
                  OrderLine.pallet_places)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.status != OrderStatus.CANCELLED, Order.requested_date.between(start, until),
               Order.supplier_id.not_in(stock_suppliers) if stock_suppliers else sa.true())
    ).all()  # fmt: skip
    covered = (until - min(r.requested_date for r in rows)).days + 1 if rows else 0
    scale = YEAR_DAYS / covered if covered else 0.0
    weeks_covered = covered / 7 if covered else 0.0
    volumes = {c.value: {"kg": 0.0, "pallets": 0.0} for c in TemperatureClass}
    deliveries: set[tuple[int, date]] = set()
    point_kg: dict[int, float] = defaultdict(float)
    weekday_load: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    weekday_days: dict[int, set[date]] = defaultdict(set)
    for point_id, day, temperature, kg, pallets in rows:
        volumes[temperature.value]["kg"] += kg * scale
        volumes[temperature.value]["pallets"] += pallets * scale
        deliveries.add((point_id, day))
        point_kg[point_id] += kg * scale
        weekday_load[day.weekday()][0] += kg
        weekday_load[day.weekday()][1] += pallets
        weekday_days[day.weekday()].add(day)
    per_point: dict[int, int] = defaultdict(int)
    for point_id, _ in deliveries:
        per_point[point_id] += 1
    points = db.session.scalars(
        sa.select(DeliveryPoint).where(DeliveryPoint.id.in_(set(per_point)))
        .options(selectinload(DeliveryPoint.municipality), selectinload(DeliveryPoint.receiving_windows))
        .order_by(DeliveryPoint.name)
    ).all()  # fmt: skip
    return {
        "start": start,
        "until": until,
        "covered_days": covered,
        "volumes": volumes,
        "deliveries_per_week": len(deliveries) / weeks_covered if weeks_covered else 0.0,
        "points": [
            {"point": p, "deliveries_per_week": per_point[p.id] / weeks_covered, "kg_per_year": point_kg[p.id]}
            for p in points
        ],
        "km_per_week": _planned_km_per_week(start, until),
        "throughput": {
            weekday: {
                "kg": load[0] / len(weekday_days[weekday]),
                "pallets": load[1] / len(weekday_days[weekday]),
                "days": len(weekday_days[weekday]),
            }
            for weekday, load in sorted(weekday_load.items())
        },  # fmt: skip
    }


def select_stock_suppliers() -> list[int]:
    return list(db.session.scalars(sa.select(Supplier.id).where(Supplier.terminal_stock_of.is_not(None))))


def _planned_km_per_week(start: date, until: date) -> float | None:
    """The newest plan version of each terminal and day, km per week over the weeks planned; None without plans."""
    newest = (
        sa.select(Plan.terminal_id, Plan.plan_date, sa.func.max(Plan.version).label("version"))
        .where(Plan.plan_date.between(start, until))
        .group_by(Plan.terminal_id, Plan.plan_date)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Plan.plan_date, Plan.total_distance_m).join(
            newest, sa.and_(Plan.terminal_id == newest.c.terminal_id, Plan.plan_date == newest.c.plan_date,
                            Plan.version == newest.c.version))
    ).all()  # fmt: skip
    if not rows:
        return None
    weeks = {day.isocalendar()[:2] for day, _ in rows}
    return sum(distance for _, distance in rows) / 1000 / len(weeks)


def _pdf(data: dict[str, Any], locale: str) -> bytes:
    register_fonts()

    def t(key: str, **params) -> str:
        return text(key, params, locale)

    def num(value: float | None, digits: int = 0) -> str:
        return "–" if value is None else w.number(round(value, digits), locale)

    story: list[Any] = [
        _p(t("distributorPack.title"), "title"),
        _p(
            t(
                "distributorPack.period",
                start=data["start"].isoformat(),
                until=data["until"].isoformat(),
                days=data["covered_days"],
            ),
            "body",
        ),  # fmt: skip
        Spacer(1, 4 * mm),
        _p(t("distributorPack.volumes"), "h2"),
        _table(
            [
                [
                    t("distributorPack.col.temperature"),
                    t("distributorPack.col.kgYear"),
                    t("distributorPack.col.palletsYear"),
                ]
            ],
            [[t(f"temp.{c}"), num(v["kg"]), num(v["pallets"])] for c, v in data["volumes"].items()],
            [70, 50, 50],
        ),
        Spacer(1, 4 * mm),
        _p(
            t(
                "distributorPack.stops",
                deliveries=num(data["deliveries_per_week"], 1),
                points=len(data["points"]),
                km=num(data["km_per_week"]),
            ),
            "body",
        ),  # fmt: skip
        Spacer(1, 4 * mm),
        _p(t("distributorPack.throughput"), "h2"),
        _table(
            [[t("distributorPack.col.weekday"), t("distributorPack.col.kgDay"), t("distributorPack.col.palletsDay")]],
            [[t(f"weekday.{d}"), num(v["kg"]), num(v["pallets"], 1)] for d, v in data["throughput"].items()],
            [70, 50, 50],
        ),
        Spacer(1, 4 * mm),
        _p(t("distributorPack.files"), "body"),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=t("distributorPack.title"),
        author="Samlast",
        lang=locale,
    )
    document.build(story)
    return buffer.getvalue()


def distributor_pack(until: date, locale: str) -> tuple[str, bytes]:
    """The file name and the zip: summary PDF, volumes, delivery points, throughput, README."""
    data = figures(until)

    def t(key: str, **params) -> str:
        return text(key, params, locale)

    def num(value: float | None, digits: int = 0) -> str:
        return "" if value is None else w.csv_number(value, locale, digits)

    volumes = [[t("distributorPack.col.temperature"), t("distributorPack.col.kgYear"),
                t("distributorPack.col.palletsYear")]]  # fmt: skip
    volumes += [[t(f"temp.{c}"), num(v["kg"]), num(v["pallets"])] for c, v in data["volumes"].items()]
    points = [[t("lots.col.point"), t("coordinator.col.municipality"), t("distributorPack.col.kind"),
               t("lots.col.address"), t("distributorPack.col.windows"), t("distributorPack.col.deliveriesWeek"),
               t("distributorPack.col.kgYear")]]  # fmt: skip
    points += [[row["point"].name, row["point"].municipality.name, t(f"dpKind.{row['point'].kind.value}"),
                row["point"].address, _windows(row["point"], locale) or t("distributorPack.anyTime"),
                num(row["deliveries_per_week"], 1), num(row["kg_per_year"])] for row in data["points"]]  # fmt: skip
    throughput = [[t("distributorPack.col.weekday"), t("distributorPack.col.kgDay"),
                   t("distributorPack.col.palletsDay"), t("distributorPack.col.days")]]  # fmt: skip
    throughput += [[t(f"weekday.{d}"), num(v["kg"]), num(v["pallets"], 1), v["days"]]
                   for d, v in data["throughput"].items()]  # fmt: skip
    readme = t("distributorPack.readme", start=data["start"].isoformat(), until=data["until"].isoformat(),
               days=data["covered_days"], km=num(data["km_per_week"]) or "–")  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("README.txt", readme + "\n")
        pack.writestr(t("distributorPack.file.summary") + ".pdf", _pdf(data, locale))
        pack.writestr(t("distributorPack.file.volumes") + ".csv", _csv(volumes, locale))
        pack.writestr(t("distributorPack.file.points") + ".csv", _csv(points, locale))
        pack.writestr(t("distributorPack.file.throughput") + ".csv", _csv(throughput, locale))
    return t("distributorPack.fileName", until=until.isoformat()), buffer.getvalue()
