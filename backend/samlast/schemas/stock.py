"""Emergency stock (beredskapslager): articles, batches, minimum levels, proposals to rotate,
issues into deliveries and a crisis day's cover."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from samlast.i18n import Message
from samlast.models import DeliveryPointKind, TemperatureClass
from samlast.schemas.common import BaseSchema, ResponseSchema, one_of


class StockQuerySchema(BaseSchema):
    terminal_id = fields.Integer(metadata={"description": "Coordinators; terminal staff always get their own"})
    rotation_days = fields.Integer(
        validate=validate.Range(min=0, max=365),
        metadata={"description": "Propose batches this many days or fewer from their best-before date "
                                 "(default STOCK_ROTATION_DAYS, 14)"},
    )


class _Choice(fields.Enum):
    """An enum field whose error names the value sent as well as the choices."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError:
            choices = ", ".join(str(member.value) for member in self.enum)
            raise ValidationError(Message("field.one_of_value", value=str(value), choices=choices)) from None


#: Far above any real stock, well below what overflows a sum of floats.
MAX_QUANTITY = 1_000_000


class BatchInputSchema(BaseSchema):
    quantity = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=MAX_QUANTITY))
    best_before = fields.Date(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ArticleInputSchema(BaseSchema):
    terminal_id = fields.Integer(load_default=None)
    article = fields.String(required=True, validate=validate.Length(min=1, max=200))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=16))
    temperature_class = _Choice(TemperatureClass, by_value=True, required=True)
    weight_kg_per_unit = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False, max=10_000))
    batches = fields.List(fields.Nested(BatchInputSchema), load_default=list)


class ArticleUpdateSchema(BaseSchema):
    """A correction of an article: only the fields sent change (lines already issued keep theirs)."""

    article = fields.String(validate=validate.Length(min=1, max=200))
    unit = fields.String(validate=validate.Length(min=1, max=16))
    temperature_class = _Choice(TemperatureClass, by_value=True)
    weight_kg_per_unit = fields.Float(validate=validate.Range(min=0, min_inclusive=False, max=10_000))


class BatchUpdateSchema(BaseSchema):
    """A correction of a batch, e.g. after a stock count (0 is allowed: the batch is used up)."""

    quantity = fields.Float(validate=validate.Range(min=0, max=MAX_QUANTITY))
    best_before = fields.Date()
    note = fields.String(validate=validate.Length(max=500))


class MinimumSchema(BaseSchema):
    kind = _Choice(DeliveryPointKind, by_value=True, required=True)
    days = fields.Float(required=True, validate=validate.Range(min=0, max=60))


class MinimumsInputSchema(BaseSchema):
    terminal_id = fields.Integer(load_default=None)
    minimums = fields.List(fields.Nested(MinimumSchema), required=True)

    @validates_schema
    def _one_per_kind(self, data, **_kwargs):
        kinds = [row["kind"] for row in data.get("minimums", [])]
        twice = sorted({kind.value for kind in kinds if kinds.count(kind) > 1})
        if twice:
            raise ValidationError({"minimums": [Message("field.stock_kind_twice", kind=twice)]})


class AddToDeliverySchema(BaseSchema):
    client_id = fields.String(required=True, validate=validate.Length(min=8, max=64))
    terminal_id = fields.Integer(load_default=None)
    batch_id = fields.Integer(required=True)
    delivery_point_id = fields.Integer(required=True)
    date = fields.Date(required=True)
    quantity = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=MAX_QUANTITY))


class CrisisQuerySchema(BaseSchema):
    terminal_id = fields.Integer(load_default=None)
    date = fields.Date(required=True)
    supplier_id = fields.Integer(required=True)


class CrisisInputSchema(CrisisQuerySchema):
    client_id = fields.String(required=True, validate=validate.Length(min=8, max=64))


class BatchSchema(ResponseSchema):
    id = fields.Integer()
    quantity = fields.Float()
    best_before = fields.Date()
    days_left = fields.Integer()
    note = fields.String()


class MunicipalitySupplySchema(ResponseSchema):
    name = fields.String()
    daily_use = fields.Float(metadata={"description": "Ordered per delivery day by the municipality's points"})
    days_of_supply = fields.Float(allow_none=True, metadata={"description": "Null when nothing is used"})
    required = fields.Float(metadata={"description": "The least to hold by the minimum levels"})


class StockArticleSchema(ResponseSchema):
    id = fields.Integer()
    article = fields.String()
    unit = fields.String()
    temperature_class = one_of(TemperatureClass)
    quantity = fields.Float()
    daily_use = fields.Float()
    days_of_supply = fields.Float(allow_none=True)
    required = fields.Float()
    below_minimum = fields.Boolean()
    batches = fields.List(fields.Nested(BatchSchema))
    municipalities = fields.List(fields.Nested(MunicipalitySupplySchema))


class ProposalSchema(ResponseSchema):
    batch_id = fields.Integer()
    article_id = fields.Integer()
    article = fields.String()
    unit = fields.String()
    quantity = fields.Float()
    best_before = fields.Date()
    days_left = fields.Integer()
    note = fields.String()
    delivery_point_id = fields.Integer(allow_none=True)
    delivery_point_name = fields.String(allow_none=True)
    date = fields.Date(allow_none=True, metadata={"description": "The point's next delivery day"})
    replacement_quantity = fields.Float(metadata={"description": "To buy back so the stock stays whole"})


class MinimumOutSchema(ResponseSchema):
    kind = one_of(DeliveryPointKind)
    days = fields.Float()


class StockOverviewSchema(ResponseSchema):
    today = fields.Date()
    rotation_days = fields.Integer()
    use_window_days = fields.Integer()
    minimums = fields.List(fields.Nested(MinimumOutSchema))
    articles = fields.List(fields.Nested(StockArticleSchema))
    proposals = fields.List(fields.Nested(ProposalSchema))


class StockIssueSchema(ResponseSchema):
    """A line covered from stock (its order line once made; null in a preview) or left uncovered
    (no batch, so no best-before date)."""

    order_line_id = fields.Integer(allow_none=True)
    order_id = fields.Integer(allow_none=True)
    delivery_point_name = fields.String()
    kind = one_of(DeliveryPointKind)
    date = fields.Date()
    article = fields.String()
    quantity = fields.Float()
    unit = fields.String()
    best_before = fields.Date(allow_none=True)


class CrisisSchema(ResponseSchema):
    date = fields.Date()
    supplier_id = fields.Integer()
    supplier_name = fields.String()
    covered = fields.List(fields.Nested(StockIssueSchema))
    uncovered = fields.List(fields.Nested(StockIssueSchema))


class CreatedSchema(ResponseSchema):
    id = fields.Integer()
