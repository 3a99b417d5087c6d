"""Web Push: the server's public key, and a kitchen device's subscription to the vehicle-near notice."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.security import current_user, require_roles
from samlast.i18n import text
from samlast.i18n.web import request_locale
from samlast.models import Role
from samlast.schemas.common import MessageSchema
from samlast.schemas.recipient import PushSubscriptionSchema, VapidKeySchema
from samlast.services import push

blp = Blueprint(
    "push",
    __name__,
    url_prefix="/api/v1",
    description='Web Push for kitchen staff: the VAPID public key and subscriptions.',
)


@blp.route("/push/vapid-public-key")
class VapidKey(MethodView):
    @require_roles()
    @blp.response(200, VapidKeySchema)
    def get(self):
        return {"public_key": push.public_key()}


@blp.route("/push/subscriptions")
class PushSubscriptions(MethodView):
    @require_roles(Role.RECIPIENT)
    @blp.arguments(PushSubscriptionSchema)
    @blp.response(201, MessageSchema)
    def post(self, data):
        push.subscribe(current_user(), data["endpoint"], data["keys"]["p256dh"], data["keys"]["auth"])
        return {"message": text("push.subscribed", None, request_locale())}
