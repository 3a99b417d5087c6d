"""The packing rule of the terminal (services/loading.pack): lines of one stop into crates,
roll cages and pallets per temperature class."""

from __future__ import annotations

from dataclasses import dataclass

from samlast.models import TemperatureClass, UnitKind
from samlast.services.loading import pack

FROZEN, CHILLED, AMBIENT = TemperatureClass.FROZEN, TemperatureClass.CHILLED, TemperatureClass.AMBIENT
CRATE, CAGE, PALLET = UnitKind.CRATE, UnitKind.ROLL_CAGE, UnitKind.PALLET


@dataclass
class Line:
    temperature_class: TemperatureClass
    weight_kg: float
    volume_m3: float | None = None
    pallet_places: float = 0.0


def test_small_lines_go_in_crates_of_20_kg():
    assert pack([Line(CHILLED, 41)]) == {CHILLED: {CRATE: 3}}
    assert pack([Line(CHILLED, 20), Line(CHILLED, 20)]) == {CHILLED: {CRATE: 2}}


def test_a_light_line_still_takes_a_crate():
    assert pack([Line(AMBIENT, 0.2)]) == {AMBIENT: {CRATE: 1}}


def test_volume_counts_when_it_needs_more_crates_than_weight():
    assert pack([Line(AMBIENT, 5, volume_m3=0.2)]) == {AMBIENT: {CRATE: 4}}


def test_more_than_six_crates_go_in_roll_cages():
    assert pack([Line(AMBIENT, 120)]) == {AMBIENT: {CRATE: 6}}
    assert pack([Line(AMBIENT, 121)]) == {AMBIENT: {CAGE: 1}}
    assert pack([Line(AMBIENT, 600)]) == {AMBIENT: {CAGE: 3}}


def test_palletised_lines_go_on_pallets_and_the_rest_in_crates():
    lines = [Line(FROZEN, 300, pallet_places=1.2), Line(FROZEN, 10, pallet_places=0.1)]
    assert pack(lines) == {FROZEN: {PALLET: 2, CRATE: 1}}


def test_classes_are_never_mixed_and_nothing_gives_no_units():
    packed = pack([Line(FROZEN, 10), Line(CHILLED, 10), Line(AMBIENT, 10)])
    assert packed == {FROZEN: {CRATE: 1}, CHILLED: {CRATE: 1}, AMBIENT: {CRATE: 1}}
    assert pack([]) == {}
    assert pack([Line(CHILLED, 0)]) == {CHILLED: {CRATE: 1}}
