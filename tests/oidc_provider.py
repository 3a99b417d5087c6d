"""A small OpenID Connect provider for tests: discovery, authorize (signs in whoever the test
names, no form), token (an RS256-signed ID token with the nonce it was given), JWKS. It runs
as a real HTTP server in a thread, so Samlast's client talks to it over the network as it would
to Microsoft Entra ID."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Person:
    sub: str
    username: str
    name: str = ""
    groups: list[str] = field(default_factory=list)


class OidcProvider:
    def __init__(self, client_id: str = "samlast", client_secret: str = "s3cret"):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        # A key the provider does not publish: an ID token signed with it must be refused.
        self.signing_key = self.key
        self.person: Person | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.issuer = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def sign_wrongly(self) -> None:
        self.signing_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})

    # --- the endpoints ------------------------------------------------------------------------

    def _app(self, environ, start_response):
        request = Request(environ)
        route = {
            "/.well-known/openid-configuration": self._discovery,
            "/authorize": self._authorize,
            "/token": self._token,
            "/jwks": self._jwks,
        }.get(request.path)
        response = route(request) if route else Response("not found", status=404)
        return response(environ, start_response)

    def _json(self, data: dict, status: int = 200) -> Response:
        import json

        return Response(json.dumps(data), status=status, mimetype="application/json")

    def _discovery(self, _request: Request) -> Response:
        return self._json({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        })

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or self.person is None:
            return Response("unknown client or nobody to sign in", status=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"person": self.person, "nonce": args.get("nonce"),
                            "redirect_uri": args["redirect_uri"], "challenge": args.get("code_challenge")}
        target = f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args.get('state', '')})}"
        return Response(status=302, headers={"Location": target})

    def _token(self, request: Request) -> Response:
        form = request.form
        auth = request.authorization
        client_id = (auth.username if auth else None) or form.get("client_id")
        secret = (auth.password if auth else None) or form.get("client_secret")
        if (client_id, secret) != (self.client_id, self.client_secret):
            return self._json({"error": "invalid_client"}, 401)
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return self._json({"error": "invalid_grant"}, 400)
        if grant["challenge"] and not form.get("code_verifier"):
            return self._json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
        person: Person = grant["person"]
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "sub": person.sub, "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], "preferred_username": person.username, "name": person.name,
                  "groups": person.groups}
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.signing_key)
        return self._json({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                           "id_token": id_token})

    def _jwks(self, _request: Request) -> Response:
        return self._json({"keys": [self.key.as_dict(private=False) | {"use": "sig", "alg": "RS256"}]})
