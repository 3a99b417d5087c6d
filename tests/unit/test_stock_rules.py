"""The emergency stock's rules: first in, first out by best-before; care homes first on a crisis
day; days of supply; which batches to rotate."""

from datetime import date

from samlast.services.stock_rules import Batch, cover_order, days_of_supply, fifo, near_expiry

DAY = date(2026, 12, 7)


def test_fifo_takes_the_earliest_best_before_first_and_skips_expired_batches():
    batches = [Batch(1, 10, date(2027, 3, 1)), Batch(2, 4, date(2026, 12, 20)), Batch(3, 50, date(2026, 12, 6))]
    taken = fifo(batches, 12, DAY)
    assert [(b.id, q) for b, q in taken] == [(2, 4), (1, 8)]  # batch 3 is past its date on the day


def test_fifo_gives_what_there_is_when_stock_runs_out():
    taken = fifo([Batch(1, 3, date(2027, 1, 1)), Batch(2, 0, date(2026, 12, 30))], 10, DAY)
    assert [(b.id, q) for b, q in taken] == [(1, 3)]
    assert fifo([], 5, DAY) == []


def test_a_crisis_covers_care_homes_first_then_preschools_then_schools():
    points = [("school_kitchen", "Bergaskolan"), ("care_home", "Ljungbacka"), ("preschool", "Solrosen"),
              ("care_home", "Ekhagen"), ("other", "Rådhuset")]  # fmt: skip
    assert [points[i][1] for i in cover_order(points)] == [
        "Ekhagen",
        "Ljungbacka",
        "Solrosen",
        "Bergaskolan",
        "Rådhuset",
    ]


def test_days_of_supply():
    assert days_of_supply(30, 4) == 7.5
    assert days_of_supply(30, 0) is None


def test_batches_near_their_date_are_proposed_earliest_first():
    batches = [Batch(1, 5, date(2026, 12, 30)), Batch(2, 5, date(2026, 12, 10)), Batch(3, 0, date(2026, 12, 9)),
               Batch(4, 5, date(2026, 12, 1)), Batch(5, 5, date(2027, 5, 1))]  # fmt: skip
    assert [b.id for b in near_expiry(batches, DAY, 14)] == [2]
    assert [b.id for b in near_expiry(batches, DAY, 30)] == [2, 1]
