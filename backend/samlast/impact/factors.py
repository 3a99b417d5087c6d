"""Default emission factors, vehicle profiles and cost rates for the impact analysis.

Every figure in this module is an ASSUMPTION with a stated basis, meant to be
replaced by the municipality's own figures (the haulier's fuel records, the
delivery notes of the fuel actually bought, the contracted rates). They were
written from the published figures named below, not fetched from them at run
time; check them against the current editions before quoting results.

Emissions are well-to-wheel (WTW) CO2 equivalents, the scope the Swedish
reports compare fuels on.

Sources the figures follow
--------------------------
* Energimyndigheten, "Drivmedel 2023/2024" (annual report on fuels sold in
  Sweden under the fuel quality act): life-cycle emissions per MJ of fossil
  diesel ~94 g CO2e/MJ (the RED II fossil comparator) and of HVO100 as sold
  in Sweden ~10-20 g CO2e/MJ depending on feedstock.
* Trafikverket, "Analysmetod och samhällsekonomiska kalkylvärden för
  transportsektorn: ASEK" (chapter on vehicle costs and emissions) and the
  NTM calculation method (Network for Transport Measures) for typical fuel use:
  a rigid 18-26 t distribution truck ~0.30-0.35 l diesel/km in regional
  distribution with stops; a 3.5 t van ~0.09-0.11 l/km.
* Swedish electricity: Energimyndigheten / Naturvårdsverket use ~30-50 g
  CO2e/kWh for the Nordic consumption mix incl. upstream; an electric
  distribution truck uses ~0.9-1.2 kWh/km incl. charging losses.
* Costs: Sveriges Åkeriföretag's cost index and ASEK driver-time values give
  2025/2026 hauler rates of ~12-16 SEK/km plus ~500-600 SEK/h (driver incl.
  social charges, vehicle time) for distribution trucks, and ~6-8 SEK/km plus
  ~400-450 SEK/h for vans.

Heavy vehicle: gross weight above 3.5 t (the Swedish "tung lastbil" limit).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Energy content of fuels, MJ per litre (lower heating value).
DIESEL_MJ_PER_L = 35.3
HVO_MJ_PER_L = 34.4

#: Well-to-wheel emissions per litre / kWh (kg CO2e). Assumptions, see module docstring.
EMISSION_FACTORS_KG_CO2E = {
    # Swedish pump diesel (MK1 with the reduction-obligation bio blend, ~6 %
    # lower than fossil): 94 g/MJ x 0.94 x 35.3 MJ/l.
    "diesel": 94.0 * 0.94 * DIESEL_MJ_PER_L / 1000.0,  # ~3.12 kg CO2e per litre
    # HVO100 as sold in Sweden, ~17 g/MJ (about 80 % below fossil diesel).
    "hvo100": 17.0 * HVO_MJ_PER_L / 1000.0,  # ~0.58 kg CO2e per litre
    # Vehicle gas with a high biogas share, per litre diesel equivalent (~70 % below diesel).
    "biogas": 0.95,
    # Nordic electricity mix incl. upstream, per kWh.
    "electric": 0.040,
}

#: What each factor is per (a litre, a litre diesel equivalent, a kWh): table keys impact.unit.<unit>.
EMISSION_FACTOR_UNITS = {
    "diesel": "litre",
    "hvo100": "litre",
    "biogas": "litre_diesel_equivalent",
    "electric": "kwh",
}

#: Where each factor comes from (see the module docstring): table keys impact.source.<source>.
EMISSION_FACTOR_SOURCES = {
    "diesel": "fuels_report",
    "hvo100": "fuels_report",
    "biogas": "fuels_report",
    "electric": "electricity_mix",
}

#: Where the vehicle profiles' fuel use and cost rates come from: table key impact.source.<this>.
VEHICLE_SOURCE = "vehicle_costs"


@dataclass(frozen=True)
class VehicleProfile:
    """A typical vehicle and what it costs and emits per km.

    Parameters
    ----------
    name : str
        Label used in reports.
    energy : str
        "diesel", "hvo100", "biogas" or "electric".
    consumption_per_km : float
        Litres (kWh for electric) per km.
    cost_per_km : float
        SEK per km.
    cost_per_hour : float
        SEK per hour of route time (driver and vehicle).
    capacity_kg : float
        Payload in kg (per temperature class, the impact model does not split
        a supplier's vehicle into compartments).
    capacity_pallets : float
        Pallet places.
    heavy : bool
        Gross weight above 3.5 t.
    key : str
        Names the profile in reports in the reader's language (table key
        ``impact.vehicle.<key>``); empty for a profile given by the user, whose
        ``name`` is shown as written.
    """

    name: str
    energy: str
    consumption_per_km: float
    cost_per_km: float
    cost_per_hour: float
    capacity_kg: float
    capacity_pallets: float
    heavy: bool
    key: str = ""

    @property
    def co2e_kg_per_km(self) -> float:
        """Well-to-wheel emissions in kg CO2e per km."""
        return self.consumption_per_km * EMISSION_FACTORS_KG_CO2E[self.energy]


#: A wholesaler's rigid distribution truck (18-26 t, diesel, cooling unit):
#: ~0.33 l/km -> ~1.03 kg CO2e/km.
WHOLESALER_TRUCK = VehicleProfile(
    name="Wholesaler distribution truck (diesel, 18-26 t)",
    energy="diesel",
    consumption_per_km=0.33,
    cost_per_km=15.0,
    cost_per_hour=560.0,
    capacity_kg=8000.0,
    capacity_pallets=16.0,
    heavy=True,
    key="wholesaler_truck",
)

#: A local producer's van (3.5 t, diesel): ~0.10 l/km -> ~0.31 kg CO2e/km.
PRODUCER_VAN = VehicleProfile(
    name="Producer van (diesel, 3.5 t)",
    energy="diesel",
    consumption_per_km=0.10,
    cost_per_km=7.0,
    cost_per_hour=420.0,
    capacity_kg=1000.0,
    capacity_pallets=4.0,
    heavy=False,
    key="producer_van",
)

#: Default vehicle per supplier kind under free delivery.
DEFAULT_SUPPLIER_VEHICLES = {
    "wholesaler": WHOLESALER_TRUCK,
    "local_producer": PRODUCER_VAN,
}


def co2e_kg(km: float, co2e_kg_per_km: float) -> float:
    """Emissions of a distance driven.

    Parameters
    ----------
    km : float
        Vehicle-kilometres.
    co2e_kg_per_km : float
        Emission factor, kg CO2e per km.

    Returns
    -------
    float
        kg CO2e.
    """
    return km * co2e_kg_per_km


def is_heavy(payload_kg: float, length_m: float | None = None) -> bool:
    """Whether a vehicle is a heavy truck (gross weight above 3.5 t).

    Gross weight is rarely in the vehicle register of a planning system, so it
    is inferred (assumption): a payload above 1.5 t, or a length above 7 m,
    does not fit in a 3.5 t vehicle.

    Parameters
    ----------
    payload_kg : float
        Total payload in kg.
    length_m : float, optional
        Vehicle length in metres.
    """
    return payload_kg > 1500.0 or (length_m is not None and length_m > 7.0)
