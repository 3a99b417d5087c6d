"""Schemas for impact analysis reports (free delivery vs coordinated distribution)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.impact.figures import FIGURE_KEYS
from samlast.impact.model import AS_ORDERED, BY_KIND, FIXED_2
from samlast.impact.presets import PRESETS
from samlast.models import JobStatus
from samlast.schemas.common import (
    BaseSchema,
    ResponseSchema,
    Stored,
    StoredDictOf,
    StoredObjectSchema,
    TextOf,
    component_ref,
    keyed_message,
    message_params,
)

MAX_DAYS = 62
PATTERNS = (AS_ORDERED.name, FIXED_2.name, BY_KIND.name)


def _known_preset(value: str) -> None:
    """Refuse an unknown preset naming the value sent and the choices (OneOf names only the choices)."""
    if value not in PRESETS:
        raise ValidationError(Message("field.one_of_value", value=value, choices=", ".join(PRESETS)))


class ImpactRequestSchema(BaseSchema):
    name = fields.String(load_default="", validate=validate.Length(max=160))
    date_from = fields.Date(required=True, metadata={"description": "First order date, inclusive."})
    date_to = fields.Date(required=True, metadata={"description": "Last order date, inclusive."})
    terminal_id = fields.Integer(metadata={"description": "Defaults to the first terminal."})
    time_limit_s = fields.Float(
        validate=validate.Range(min=0.1, max=120),
        metadata={"description": "Solver limit per planning run (supplier-day, terminal day), s."},
    )
    shapley_time_limit_s = fields.Float(
        validate=validate.Range(min=0.1, max=60),
        metadata={"description": "Solver limit per coalition-day of the cost split, s."},
    )
    shapley = fields.Boolean(
        metadata={"description": "Compute the Shapley cost split (2^n - 1 coalition runs a day)."}
    )
    primary_pattern = fields.String(
        validate=validate.OneOf(PATTERNS),
        metadata={"description": "Delivery-day pattern for the headline and the cost split."},
    )
    terminal_handling_sek_per_kg = fields.Float(
        validate=validate.Range(min=0, max=100),
        metadata={"description": "Cross-docking cost at the terminal, SEK per kg (the cost decomposition)."},
    )
    admin_sek_per_delivery = fields.Float(
        validate=validate.Range(min=0, max=10_000),
        metadata={"description": "Receiving and invoice handling, SEK per delivery (the cost decomposition)."},
    )
    coordination_admin_sek_per_week = fields.Float(
        validate=validate.Range(min=0, max=10_000_000),
        metadata={"description": "The coordination's fixed administration, SEK per week (the cost decomposition)."},
    )
    preset = fields.String(
        validate=_known_preset,
        metadata={
            "enum": list(PRESETS),
            "description": "Run a scenario preset (a synthetic cluster reproducing a published outcome) "
            "instead of the terminal's orders; the report then covers the preset's own week."
        },
    )

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                raise ValidationError(Message("field.not_before_start"), "date_to")
            if (end - start).days + 1 > MAX_DAYS:
                raise ValidationError(Message("field.max_days", max=MAX_DAYS), "date_to")


# --- the stored report (samlast.impact.report.analyse), answered as it is --------------------------


#: Figures of a scenario (samlast.impact.figures.aggregate): km, kg CO2e, SEK, hours, kg, shares 0-1.
class _FiguresSchema(ResponseSchema):
    may_omit = frozenset(["km_by_trip_kind"])  # reports stored before it was


FiguresSchema = _FiguresSchema.from_dict(
    {
        **{key: fields.Float() for key in FIGURE_KEYS},
        "km_by_trip_kind": fields.Dict(keys=fields.String(), values=fields.Float()),
    },
    name="FiguresSchema",
)


class ScenarioFiguresSchema(StoredObjectSchema):
    total = fields.Nested(FiguresSchema, metadata={"description": "The whole period"})
    per_week = fields.Nested(FiguresSchema, metadata={"description": "An average week with orders"})
    by_week = fields.Dict(
        keys=fields.String(), values=fields.Nested(FiguresSchema), metadata={"description": "By Monday"}
    )
    by_municipality = fields.Dict(keys=fields.String(), values=fields.Nested(FiguresSchema))
    by_municipality_per_week = fields.Dict(keys=fields.String(), values=fields.Nested(FiguresSchema))


class ComparisonSchema(ResponseSchema):
    free_delivery = fields.Float()
    coordinated = fields.Float()
    change = fields.Float(allow_none=True, metadata={"description": "Relative (-0.9: 90 % less); null from zero"})


class HorizonSchema(ResponseSchema):
    may_omit = frozenset(["weeks_with_orders", "empty_weeks"])  # reports stored before they were

    start = fields.Date()
    end = fields.Date()
    weeks = fields.List(fields.String(metadata={"format": "date"}), metadata={"description": "Mondays"})
    weeks_with_orders = fields.List(fields.String(metadata={"format": "date"}))
    empty_weeks = fields.List(fields.String(metadata={"format": "date"}))


class ImpactInputsSchema(StoredObjectSchema):
    municipalities = fields.List(fields.String())
    delivery_points = fields.Integer()
    suppliers = fields.Integer()
    local_producers = fields.Integer()
    orders = fields.Integer()
    fleet_vehicles = fields.Integer()


class MovedBeforePeriodSchema(StoredObjectSchema):
    deliveries = fields.Integer()
    orders = fields.Integer()
    kg = fields.Float()
    dates = fields.List(fields.String(metadata={"format": "date"}))


class CostSplitRowSchema(StoredObjectSchema):
    municipality = fields.String()
    standalone_cost = fields.Float(allow_none=True)
    per_delivery = fields.Float()
    per_kg = fields.Float()
    per_standalone_km = fields.Float()
    # Reports stored before these rules were have neither.
    may_omit = frozenset(["nucleolus", "equal_profit"])

    shapley = fields.Float(allow_none=True)
    nucleolus = fields.Float(allow_none=True)
    equal_profit = fields.Float(allow_none=True, metadata={"description": "Equal-profit method"})
    pays_more_than_alone = fields.List(fields.String(), metadata={"description": "The rules it pays more under"})


class CoreCheckSchema(StoredObjectSchema):
    may_omit = frozenset(["max_collectable", "allocation_in_core", "violations"])

    grand_cost = fields.Float()
    core_nonempty = fields.Boolean(allow_none=True, metadata={"description": "null: not known"})
    max_collectable = fields.Float(allow_none=True)
    allocation_in_core = fields.Boolean()


class SampledShapleySchema(StoredObjectSchema):
    pairs = fields.Integer(metadata={"description": "Antithetic pairs of joining orders sampled"})
    evaluations = fields.Integer(metadata={"description": "Coalition planning runs spent"})
    converged = fields.Boolean(metadata={"description": "Every interval within target_share of the total"})
    stopped_by = fields.String(metadata={"description": "precision, evaluations or seconds"})
    target_share = fields.Float()
    max_half_width_share = fields.Float(metadata={"description": "Widest 95 % half-width / total cost"})
    half_width = fields.Dict(
        keys=fields.String(), values=fields.Float(), metadata={"description": "95 % half-width per municipality"}
    )
    note = keyed_message()


class CostSplitSchema(StoredObjectSchema):
    may_omit = frozenset(["core", "shapley_skipped", "shapley_skipped_reason", "shapley_sampled"])

    pattern = fields.String()
    players = fields.List(fields.String())
    total_cost = fields.Float()
    sum_of_standalone_costs = fields.Float()
    table = fields.List(fields.Nested(CostSplitRowSchema))
    core = fields.Nested(CoreCheckSchema, metadata={"description": "With the Shapley split only"})
    shapley_skipped = fields.String(metadata={"description": "Why there is no Shapley split (a stable code)"})
    shapley_skipped_reason = keyed_message()
    shapley_sampled = fields.Nested(
        SampledShapleySchema, metadata={"description": "Above max_shapley_players: the Shapley split is sampled"}
    )


class FleetNeedSchema(ResponseSchema):
    """What one weekday of the coordinated distribution needs to serve every delivery in its window."""

    weekday = fields.Integer(metadata={"description": "0 = Monday"})
    date = fields.Date(metadata={"description": "The weekday's busiest date in the period"})
    stops = fields.Integer()
    vehicles_at_hand = fields.Integer()
    vehicles_needed = fields.Integer(allow_none=True, metadata={"description": "None: more than vehicles_tried"})
    vehicles_tried = fields.Integer(metadata={"description": "The largest fleet the advice tried"})
    trips = fields.Integer(allow_none=True)
    km = fields.Float(allow_none=True)
    binding_stops = fields.Integer(metadata={"description": "Left out with one vehicle fewer"})
    unservable_stops = fields.Integer(metadata={"description": "No vehicle reaches them in their window"})


class Co2eTermsSchema(StoredObjectSchema):
    km = fields.Float(metadata={"description": "Vehicle-km not explained by fuller trips (incl. the terminal leg)"})
    fill_rate = fields.Float(metadata={"description": "Fuller trips: fewer trips for the goods"})
    cleaner = fields.Float(metadata={"description": "kg CO2e per km of the vehicles and fuels"})


class TripFactorsSchema(StoredObjectSchema):
    trips = fields.Float()
    kg_loaded = fields.Float()
    kg_per_trip = fields.Float(allow_none=True)
    km_per_trip = fields.Float(allow_none=True)
    co2e_kg_per_km = fields.Float(allow_none=True)


class Co2eDecompositionSchema(StoredObjectSchema):
    free_delivery = fields.Float()
    coordinated = fields.Float()
    change = fields.Float()
    terms = fields.Nested(Co2eTermsSchema, metadata={"description": "Add up to change (kg CO2e per average week)"})
    method = fields.String(metadata={"description": "lmdi, or chained when a quantity is 0"})
    factors = fields.Dict(keys=fields.String(), values=fields.Nested(TripFactorsSchema))


class CostTermsSchema(StoredObjectSchema):
    transport = fields.Float()
    terminal_handling = fields.Float()
    administration = fields.Float()


class CostDecompositionSchema(StoredObjectSchema):
    free_delivery = fields.Float()
    coordinated = fields.Float()
    change = fields.Float()
    terms = fields.Nested(CostTermsSchema, metadata={"description": "Add up to change (SEK per average week)"})
    parts = fields.Dict(keys=fields.String(), values=fields.Nested(CostTermsSchema))
    rates = fields.Dict(keys=fields.String(), values=fields.Float())


class DecompositionSchema(StoredObjectSchema):
    co2e_kg = fields.Nested(Co2eDecompositionSchema)
    cost_sek = fields.Nested(CostDecompositionSchema)


class TornadoRowSchema(StoredObjectSchema):
    input = fields.String(
        metadata={"description": "cluster_share, supplier_fuel, fleet_energy, trunk_km or distribution_km"}
    )
    low = fields.Raw(
        metadata={
            "anyOf": [{"type": "number"}, {"type": "string"}],
            "description": "The input's low value (a factor or a share; an energy for fleet_energy)",
        }
    )
    high = fields.Raw(
        metadata={"anyOf": [{"type": "number"}, {"type": "string"}], "description": "The input's high value"}
    )
    at_low = fields.Float(allow_none=True, metadata={"description": "CO2e change (relative) with the input low"})
    at_high = fields.Float(allow_none=True, metadata={"description": "CO2e change (relative) with the input high"})
    spread = fields.Float()
    direction = fields.Integer(metadata={"description": "-1: a higher input lowers the change; +1: raises it"})


class TornadoSchema(StoredObjectSchema):
    headline = fields.String(metadata={"description": "co2e_change: the relative CO2e change"})
    base = fields.Float(allow_none=True)
    rows = fields.List(fields.Nested(TornadoRowSchema), metadata={"description": "Widest bar first"})


class ImpactResultSchema(StoredObjectSchema):
    """The full report: km, kg CO2e, SEK, hours, kg."""

    # Reports stored before these were have none of them.
    may_omit = frozenset(
        [
            "pattern_comparison",
            "moved_before_period",
            "notes",
            "wall_time_s",
            "fleet_need",
            "decomposition",
            "tornado",
            "preset",
        ]
    )

    horizon = fields.Nested(HorizonSchema)
    inputs = fields.Nested(ImpactInputsSchema)
    primary_pattern = fields.String()
    comparison = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(ComparisonSchema),
        metadata={"description": "Per average week with orders, by figure"},
    )
    baseline = fields.Nested(ScenarioFiguresSchema, metadata={"description": "Free delivery"})
    coordinated = fields.Nested(ScenarioFiguresSchema, metadata={"description": "Coordinated distribution"})
    pattern_comparison = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Float()),
        metadata={"description": "Per delivery-day pattern, its figures per average week"},
    )
    moved_before_period = fields.Nested(
        MovedBeforePeriodSchema, metadata={"description": "Coordinated deliveries brought forward to before the period"}
    )
    decomposition = fields.Nested(
        DecompositionSchema,
        metadata={"description": "The CO2e and cost change per average week split into causes"},
    )
    tornado = fields.Nested(
        TornadoSchema,
        metadata={"description": "The CO2e change with each of five uncertain inputs at a low and a high value"},
    )
    preset = fields.String(metadata={"description": "The scenario preset the report was run on, if any"})
    cost_split = fields.Nested(CostSplitSchema)
    fleet_need = fields.List(
        fields.Nested(FleetNeedSchema),
        metadata={"description": "Per weekday: the vehicles needed to serve every delivery in its window"},
    )
    notes = fields.List(
        # A report stored before the notes were messages has English text.
        fields.Raw(metadata={"anyOf": [component_ref("KeyedMessage"), {"type": "string"}]}),
        metadata={"description": "What a reader must know to read the figures"},
    )
    wall_time_s = fields.Float()


class ImpactReportSummarySchema(ResponseSchema):
    id = fields.String()
    name = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    terminal_id = fields.Integer(allow_none=True)
    parameters = fields.Dict()
    status = fields.Enum(JobStatus, by_value=True)
    progress = fields.Float(metadata={"description": "0 to 1"})
    message = TextOf("message_params")
    message_key = fields.String(attribute="message", dump_only=True)
    message_params = message_params(allow_none=True, dump_only=True)
    headline = StoredDictOf(
        keys=fields.String(),
        values=fields.Nested(ComparisonSchema),
        get=lambda report: (report.result or {}).get("comparison"),
        allow_none=True,
        metadata={"description": "Per average week: free delivery, coordinated, relative change; null until done."},
    )
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class ImpactReportSchema(ImpactReportSummarySchema):
    result = Stored(
        ImpactResultSchema,
        allow_none=True,
        metadata={"description": "The full report (km, kg CO2e, SEK, hours, kg); null until done."},
    )


class ImpactListQuerySchema(BaseSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
