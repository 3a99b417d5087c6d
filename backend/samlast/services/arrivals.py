"""What arrived at the terminal, per order line: the latest goods-in record of each line (a
correction is a newer record). Planning loads only what arrived; the kitchen and the coordinator
see what did not."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import GoodsReceipt, GoodsReceiptLine


def latest_lines(order_line_ids: Iterable[int]) -> dict[int, GoodsReceiptLine]:
    """Order line id -> its latest goods-in line (lines not received yet are absent)."""
    ids = list(order_line_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(GoodsReceiptLine)
        .join(GoodsReceipt)
        .where(GoodsReceiptLine.order_line_id.in_(ids))
        .order_by(GoodsReceipt.received_at, GoodsReceiptLine.id)
    )
    return {row.order_line_id: row for row in rows if row.order_line_id is not None}


def arrived_share(ordered: float, line: GoodsReceiptLine | None) -> float:
    """The share of an order line there is to deliver: 1 until goods in says otherwise."""
    if line is None or ordered <= 0:
        return 1.0
    return max(0.0, min(1.0, line.received_quantity / ordered))
