"""Synthetic demo data for Samlast: the types of a generated demo cluster.

Generate one with `samlast.demo.generator.generate_cluster(seed, scale)`; the
module docstring there says what is real and what is invented. The types live
here so the generator stays short; they are plain frozen dataclasses, with
enum-valued fields holding the model enums' string values, so benchmarks can
use them without Flask or a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

WEEKS = 2  # orders span two weeks from the start Monday


@dataclass(frozen=True)
class DemoMunicipality:
    name: str
    population: int
    code: str


@dataclass(frozen=True)
class DemoTerminal:
    name: str
    address: str
    lat: float
    lon: float
    opens_at: time
    closes_at: time


@dataclass(frozen=True)
class DemoProductArea:
    name: str
    temperature_class: str  # a TemperatureClass value
    kg_per_pallet: float


@dataclass(frozen=True)
class DemoSupplier:
    key: str
    external_id: str
    name: str
    kind: str  # a SupplierKind value
    address: str
    lat: float
    lon: float
    product_areas: tuple[str, ...]
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class DemoWindow:
    weekday: int  # 0 = Monday
    start: time
    end: time


@dataclass(frozen=True)
class DemoDeliveryPoint:
    external_id: str
    name: str
    kind: str  # a DeliveryPointKind value
    municipality: str
    place: str
    address: str
    lat: float
    lon: float
    service_time_min: int
    access_notes: str
    max_vehicle_length_m: float | None
    unloading_place: str
    contact_name: str
    contact_phone: str
    contact_email: str
    portions: int
    cooking: bool
    windows: tuple[DemoWindow, ...]


@dataclass(frozen=True)
class DemoCompartment:
    temperature_class: str
    capacity_kg: float
    capacity_pallets: float


@dataclass(frozen=True)
class DemoVehicle:
    external_id: str
    name: str
    energy_type: str  # an EnergyType value
    co2e_kg_per_km: float
    cost_per_km: float
    cost_per_hour: float
    shift_start: time
    shift_end: time
    length_m: float
    compartments: tuple[DemoCompartment, ...]

    @property
    def capacity_kg(self) -> float:
        return sum(c.capacity_kg for c in self.compartments)

    @property
    def capacity_pallets(self) -> float:
        return sum(c.capacity_pallets for c in self.compartments)


@dataclass(frozen=True)
class DemoOrderLine:
    line_no: int
    article: str
    product_area: str
    quantity: float
    unit: str
    weight_kg: float
    pallet_places: float
    temperature_class: str


@dataclass(frozen=True)
class DemoOrder:
    external_id: str
    delivery_point: str  # external id
    supplier: str  # external id
    requested_date: date
    note: str
    lines: tuple[DemoOrderLine, ...]

    @property
    def weight_kg(self) -> float:
        return sum(line.weight_kg for line in self.lines)


@dataclass(frozen=True)
class DemoCluster:
    name: str
    seed: int
    scale: float
    start: date
    municipalities: tuple[DemoMunicipality, ...]
    terminal: DemoTerminal
    product_areas: tuple[DemoProductArea, ...]
    suppliers: tuple[DemoSupplier, ...]
    delivery_points: tuple[DemoDeliveryPoint, ...]
    vehicles: tuple[DemoVehicle, ...]
    orders: tuple[DemoOrder, ...]

    @property
    def dates(self) -> tuple[date, ...]:
        """The weekdays the orders may be requested for."""
        days = (self.start + timedelta(days=i) for i in range(7 * WEEKS))
        return tuple(day for day in days if day.weekday() < 5)
