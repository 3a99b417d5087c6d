"""Logging in and out, and revoking a lost device's tokens."""

from __future__ import annotations

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from samlast.api.security import COORDINATOR, current_user, require_roles
from samlast.errors import DomainError
from samlast.extensions import socketio
from samlast.realtime import auth as realtime_auth
from samlast.realtime.driver import driver_room
from samlast.schemas.common import MessageSchema
from samlast.schemas.users import LoginSchema, TokenSchema, UserOutSchema
from samlast.security import limiter
from samlast.services import auth as auth_service
from samlast.services import master_data

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Log in and out")


class BadLogin(DomainError):
    status = 401
    code = "invalid_credentials"


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@blp.route("/login")
class Login(MethodView):
    decorators = [limiter.limit(login_limit, methods=["POST"])]

    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    def post(self, data):
        try:
            plain, token = auth_service.login(
                data["username"],
                data["password"],
                current_app.config["TOKEN_TTL_HOURS"],
                data.get("device", ""),
            )
        except auth_service.InvalidCredentials:
            raise BadLogin() from None
        return {"token": plain, "expires_at": token.expires_at, "user": token.user}


@blp.route("/logout")
class Logout(MethodView):
    @require_roles()
    @blp.response(200, MessageSchema)
    def post(self):
        auth_service.revoke_token(g.current_token)
        realtime_auth.disconnect_sessions(token=g.current_token)
        return {"message": "Logged out."}


@blp.route("/me")
class Me(MethodView):
    @require_roles()
    @blp.response(200, UserOutSchema)
    def get(self):
        return current_user()


@blp.route("/users/<int:user_id>/revoke-tokens")
class RevokeTokens(MethodView):
    @require_roles(*COORDINATOR)
    @blp.response(200, MessageSchema)
    def post(self, user_id):
        user = master_data.get_or_404(master_data.USERS, user_id)
        count = auth_service.revoke_all_tokens(user)
        # A lost phone: cut its sockets here; other processes cut them on their next message,
        # and the driver's room is closed everywhere (via the message queue) so no push reaches it.
        realtime_auth.disconnect_sessions(user_id=user.id)

        socketio.close_room(driver_room(user.id), namespace="/driver")
        return {"message": f"Revoked {count} token(s) of {user.username}."}
