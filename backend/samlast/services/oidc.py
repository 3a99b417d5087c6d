"""Municipal sign-in with OpenID Connect (Microsoft Entra ID and other standard providers).

Coordinators, terminal staff and kitchen staff sign in with the accounts the municipality
already gives them; drivers of a contracted carrier and producers keep local passwords.
Authlib does the protocol (discovery, state, nonce, PKCE, the ID token's signature and
claims); this module decides who the signed-in person is in Samlast:

1. the account already linked to the provider's subject (`sub`);
2. else the account the coordinator created with the same username as the provider's
   username claim (e.g. `preferred_username`, compared in lower case), which is linked now;
3. else a new account, when the person's groups map to a role (``OIDC_GROUP_ROLES``,
   e.g. ``samlast-samordnare=coordinator``); only roles that need no further link (the
   coordinator) are created this way, since terminal and kitchen staff need a terminal or a
   kitchen the coordinator assigns.

A mapped group also sets the role of a linked account on every sign-in (groups are the
municipality's truth); without a mapped group the role the coordinator assigned stays.

Settings (config.py): ``OIDC_ISSUER`` (empty: off), ``OIDC_CLIENT_ID``, ``OIDC_CLIENT_SECRET``,
``OIDC_SCOPES``, ``OIDC_USERNAME_CLAIM``, ``OIDC_GROUPS_CLAIM``, ``OIDC_GROUP_ROLES``,
``OIDC_PROVIDER_NAME`` (the button's words, e.g. the municipality's name).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from samlast.errors import DomainError
from samlast.extensions import db
from samlast.models import LoginCode, Role, User
from samlast.models.base import utcnow
from samlast.services import auth as auth_service

#: The roles that may sign in through the municipality's provider.
OIDC_ROLES = (Role.COORDINATOR, Role.TERMINAL, Role.RECIPIENT)
#: Roles a group may create an account for (the others need a terminal or kitchen assigned).
CREATABLE_ROLES = (Role.COORDINATOR,)
#: How long the PWA has to trade the one-time code for a token.
CODE_TTL = timedelta(seconds=120)


class SignInRefused(DomainError):
    status = 403


class BadLoginCode(DomainError):
    status = 401
    code = "oidc.bad_code"


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def group_roles(setting: str) -> dict[str, Role]:
    """``"group=role,group=role"`` as a mapping; a role that may not sign in this way is an error."""
    mapping: dict[str, Role] = {}
    for pair in filter(None, (part.strip() for part in setting.split(","))):
        group, _, role = pair.partition("=")
        chosen = Role(role.strip())
        if chosen not in OIDC_ROLES:
            raise ValueError(f"OIDC_GROUP_ROLES: {chosen.value} cannot sign in with the municipal account")
        mapping[group.strip()] = chosen
    return mapping


def _role_from(claims: dict[str, Any]) -> Role | None:
    groups = claims.get(current_app.config["OIDC_GROUPS_CLAIM"]) or []
    if isinstance(groups, str):
        groups = [groups]
    mapping = group_roles(current_app.config["OIDC_GROUP_ROLES"])
    roles = {mapping[group] for group in groups if group in mapping}
    # The widest role wins when a person is in several groups.
    return next((role for role in OIDC_ROLES if role in roles), None)


def _username(claims: dict[str, Any]) -> str:
    value = claims.get(current_app.config["OIDC_USERNAME_CLAIM"]) or claims.get("email") or ""
    return str(value).strip().lower()[:80]


def sign_in(claims: dict[str, Any]) -> User:
    """The Samlast account for a person the provider has vouched for (claims of a verified ID
    token); raises SignInRefused with what to do when there is none."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("oidc.failed")
    role = _role_from(claims)
    user = db.session.scalar(sa.select(User).where(User.oidc_subject == subject))
    username = _username(claims)
    if user is None and username:
        user = db.session.scalar(
            sa.select(User).where(sa.func.lower(User.username) == username, User.oidc_subject.is_(None))
        )
    if user is None:
        if role not in CREATABLE_ROLES:
            raise SignInRefused("oidc.no_account", {"username": username or subject})
        user = User(username=username or f"oidc-{secrets.token_hex(4)}", role=role, password_hash="!", active=True)
        db.session.add(user)
    if not user.active:
        raise SignInRefused("oidc.account_inactive")
    if role is not None and role != user.role and (role in CREATABLE_ROLES or _linked_for(user, role)):
        user.role = role
    if user.role not in OIDC_ROLES:
        raise SignInRefused("oidc.role_not_allowed")
    user.oidc_subject = subject
    name = str(claims.get("name") or "").strip()
    if name:
        user.display_name = name[:120]
    db.session.commit()
    return user


def _linked_for(user: User, role: Role) -> bool:
    """Whether the account has what `role` needs (a terminal, a kitchen)."""
    if role == Role.TERMINAL:
        return user.terminal_id is not None and user.supplier_id is None
    if role == Role.RECIPIENT:
        return bool(user.delivery_points) and user.terminal_id is None and user.supplier_id is None
    return True


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def issue_code(user: User) -> str:
    code = secrets.token_urlsafe(24)
    db.session.add(LoginCode(code_hash=_hash(code), user_id=user.id, expires_at=utcnow() + CODE_TTL))
    db.session.commit()
    return code


def exchange_code(code: str, device: str = ""):
    """Trade a one-time code for a bearer token (plain, stored); a code works once, briefly."""
    row = db.session.get(LoginCode, _hash(code), with_for_update=True)
    now = utcnow()
    if row is None or row.used_at is not None or auth_service._aware(row.expires_at) <= now or not row.user.active:
        db.session.rollback()
        raise BadLoginCode()
    row.used_at = now
    return auth_service.issue_token(row.user, current_app.config["TOKEN_TTL_HOURS"], device)
