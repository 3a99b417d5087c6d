"""Emergency stock (beredskapslager): the coordinator keeps it, terminal staff see it."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.security import current_user, require_roles
from samlast.models import Role
from samlast.schemas.stock import (
    AddToDeliverySchema,
    ArticleInputSchema,
    ArticleUpdateSchema,
    BatchInputSchema,
    BatchUpdateSchema,
    CreatedSchema,
    CrisisInputSchema,
    CrisisQuerySchema,
    CrisisSchema,
    MinimumsInputSchema,
    StockIssueSchema,
    StockOverviewSchema,
    StockQuerySchema,
)
from samlast.services import goods_in, stock

blp = Blueprint("stock", __name__, url_prefix="/api/v1/stock", description="Emergency stock at the terminal")


def _terminal(terminal_id: int | None):
    return goods_in.terminal_of(current_user(), terminal_id)


@blp.route("/")
class Overview(MethodView):
    @require_roles(Role.COORDINATOR, Role.TERMINAL)
    @blp.arguments(StockQuerySchema, location="query")
    @blp.response(200, StockOverviewSchema)
    def get(self, args):
        """Every article with its batches and days of supply per municipality, the minimum levels,
        and the batches to use before they expire (first in, first out)."""
        return stock.overview(_terminal(args.get("terminal_id")), within_days=args.get("rotation_days"))


@blp.route("/articles")
class Articles(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(ArticleInputSchema)
    @blp.response(201, CreatedSchema)
    def post(self, data):
        """A new stock article, with its first batches."""
        return stock.create_article(_terminal(data.pop("terminal_id")), data)


@blp.route("/articles/<int:article_id>")
class Article(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(ArticleUpdateSchema)
    @blp.response(200, CreatedSchema)
    def patch(self, data, article_id):
        """Correct an article (name, unit, temperature, weight); lines already issued keep theirs."""
        return stock.update_article(current_user(), article_id, data)

    @require_roles(Role.COORDINATOR)
    @blp.response(204)
    def delete(self, article_id):
        """Remove an article never issued from (one that was is refused: its issues are records)."""
        stock.delete_article(current_user(), article_id)


@blp.route("/batches/<int:batch_id>")
class Batch(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(BatchUpdateSchema)
    @blp.response(200, CreatedSchema)
    def patch(self, data, batch_id):
        """Correct a batch, e.g. after a stock count (0 allowed); issues keep their own figures."""
        return stock.update_batch(current_user(), batch_id, data)

    @require_roles(Role.COORDINATOR)
    @blp.response(204)
    def delete(self, batch_id):
        """Remove a batch entered by mistake (one issued from is refused: set it to 0 instead)."""
        stock.delete_batch(current_user(), batch_id)


@blp.route("/articles/<int:article_id>/batches")
class Batches(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(BatchInputSchema)
    @blp.response(201, CreatedSchema)
    def post(self, data, article_id):
        """A batch put into stock."""
        return stock.add_batch(current_user(), article_id, data)


@blp.route("/minimums")
class Minimums(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(MinimumsInputSchema)
    @blp.response(200, StockOverviewSchema)
    def put(self, data):
        """The least stock to hold, in days of use, per kind of delivery point."""
        terminal = _terminal(data["terminal_id"])
        stock.set_minimums(terminal, data["minimums"])
        return stock.overview(terminal)


@blp.route("/issues")
class Issues(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(AddToDeliverySchema)
    @blp.response(201, StockIssueSchema)
    def post(self, data):
        """Add (part of) a batch to a point's delivery; a replay (same client_id) answers the same."""
        answer, _ = stock.add_to_delivery(_terminal(data.pop("terminal_id")), current_user(), data)
        return answer


@blp.route("/crisis")
class Crisis(MethodView):
    @require_roles(Role.COORDINATOR)
    @blp.arguments(CrisisQuerySchema, location="query")
    @blp.response(200, CrisisSchema)
    def get(self, args):
        """What stock would cover of a supplier's missing goods that day (nothing is written)."""
        return stock.crisis(_terminal(args.pop("terminal_id")), current_user(), args, commit=False)[0]

    @require_roles(Role.COORDINATOR)
    @blp.arguments(CrisisInputSchema)
    @blp.response(201, CrisisSchema)
    def post(self, data):
        """Cover a supplier's missing goods from stock, care homes first; the day is re-planned."""
        return stock.crisis(_terminal(data.pop("terminal_id")), current_user(), data, commit=True)[0]
