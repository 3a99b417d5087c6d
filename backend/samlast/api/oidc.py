"""Municipal sign-in (OpenID Connect): the browser's round trip to the identity provider, and
the PWA's trade of the one-time code it brings back for a bearer token. services/oidc.py
decides who the person is; Authlib does the protocol."""

from __future__ import annotations

from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app, redirect, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from joserfc.errors import JoseError

from samlast.api.auth import login_limit
from samlast.errors import DomainError
from samlast.schemas.users import OidcConfigSchema, OidcExchangeSchema, TokenSchema
from samlast.security import limiter
from samlast.services import oidc as oidc_service

blp = Blueprint("oidc", __name__, url_prefix="/api/v1/auth/oidc", description="Municipal sign-in")
# The browser's round trip: plain redirects, not JSON, so outside the API blueprint.
web = FlaskBlueprint("oidc_web", __name__, url_prefix="/auth/oidc")

CLIENT = "samlast.oidc_client"


def init_oidc(app: Flask) -> None:
    """One OAuth client per app (kept in app.extensions), so apps in one process stay apart."""
    app.register_blueprint(web)
    if not app.config.get("OIDC_ISSUER"):
        return
    oidc_service.group_roles(app.config["OIDC_GROUP_ROLES"])  # a wrong mapping stops the start
    oauth = OAuth(app)
    app.extensions[CLIENT] = oauth.register(
        "municipal",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{app.config['OIDC_ISSUER']}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256"},
    )


def _client():
    return current_app.extensions[CLIENT]


def _back_to_app(**params: str):
    return redirect(f"/?{urlencode(params)}")


@web.get("/login")
def login():
    if not oidc_service.enabled():
        return _back_to_app(oidc_error="oidc.off")
    return _client().authorize_redirect(url_for("oidc_web.callback", _external=True))


@web.get("/callback")
def callback():
    if not oidc_service.enabled():
        return _back_to_app(oidc_error="oidc.off")
    try:
        token = _client().authorize_access_token()
        claims = token.get("userinfo") or {}
        user = oidc_service.sign_in(dict(claims))
    except DomainError as refused:
        return _back_to_app(oidc_error=refused.code, **{key: str(value) for key, value in refused.params.items()})
    except (OAuthError, JoseError, KeyError, ValueError):
        current_app.logger.warning("Municipal sign-in failed", exc_info=True)
        return _back_to_app(oidc_error="oidc.failed")
    return _back_to_app(oidc_code=oidc_service.issue_code(user))


@blp.route("")
class OidcConfig(MethodView):
    @blp.response(200, OidcConfigSchema)
    def get(self):
        """Whether the municipal sign-in is offered (anyone may ask: the login screen does)."""
        return {
            "enabled": oidc_service.enabled(),
            "provider_name": current_app.config["OIDC_PROVIDER_NAME"],
            "login_url": "/auth/oidc/login",
        }


@blp.route("/exchange")
class Exchange(MethodView):
    decorators = [limiter.limit(login_limit, methods=["POST"])]

    @blp.arguments(OidcExchangeSchema)
    @blp.response(200, TokenSchema)
    def post(self, data):
        """Trade the one-time code the sign-in brought back for a bearer token (works once)."""
        plain, token = oidc_service.exchange_code(data["code"], data.get("device", ""))
        return {"token": plain, "expires_at": token.expires_at, "user": token.user}
