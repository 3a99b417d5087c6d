"""The rules of the emergency stock, pure (plain data in, plain data out): first in, first out by
best-before date; who is covered first on a crisis day; days of supply."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

#: On a crisis day the most vulnerable are covered first.
KIND_PRIORITY = {"care_home": 0, "preschool": 1, "school_kitchen": 2, "other": 3}


@dataclass(frozen=True)
class Batch:
    id: int
    quantity: float
    best_before: date


def fifo(batches: Iterable[Batch], wanted: float, on: date) -> list[tuple[Batch, float]]:
    """Take `wanted` from the batches, earliest best-before first, skipping any past its date on
    the day of delivery `on`; returns (batch, quantity) pairs (less than wanted if stock runs out)."""
    taken: list[tuple[Batch, float]] = []
    left = wanted
    for batch in sorted(batches, key=lambda b: (b.best_before, b.id)):
        if left <= 1e-9:
            break
        if batch.best_before < on or batch.quantity <= 1e-9:
            continue
        amount = min(batch.quantity, left)
        taken.append((batch, round(amount, 6)))
        left -= amount
    return taken


def cover_order(kinds_and_names: Sequence[tuple[str, str]]) -> list[int]:
    """Indexes of the points in the order they are covered: care homes, then preschools, then
    school kitchens, then others; by name within a kind."""
    return sorted(range(len(kinds_and_names)),
                  key=lambda i: (KIND_PRIORITY.get(kinds_and_names[i][0], 9), kinds_and_names[i][1]))  # fmt: skip


def days_of_supply(quantity: float, daily_use: float) -> float | None:
    """How many delivery days the quantity lasts at that use; None when nothing is used."""
    if daily_use <= 1e-9:
        return None
    return round(quantity / daily_use, 1)


def near_expiry(batches: Iterable[Batch], today: date, within_days: int) -> list[Batch]:
    """Batches with stock left whose best-before date is within `within_days` (not yet past),
    earliest first: to be used in ordinary deliveries before they expire on the shelf."""
    return sorted((b for b in batches if b.quantity > 1e-9 and 0 <= (b.best_before - today).days <= within_days),
                  key=lambda b: (b.best_before, b.id))  # fmt: skip
