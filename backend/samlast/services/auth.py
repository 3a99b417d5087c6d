"""Login, bearer tokens and their revocation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from samlast.extensions import db
from samlast.models import AuthToken, User
from samlast.models.base import utcnow


class InvalidCredentials(Exception):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone=True columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def login(username: str, password: str, ttl_hours: int, device: str = "") -> tuple[str, AuthToken]:
    """Check credentials and issue a new token; returns (plain token, stored token)."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    # An account linked to the municipal sign-in has no password of its own here.
    if user is None or not user.active or user.oidc_subject or not user.check_password(password):
        raise InvalidCredentials()
    return issue_token(user, ttl_hours, device)


def issue_token(user: User, ttl_hours: int, device: str = "") -> tuple[str, AuthToken]:
    """A new bearer token for `user` (committed); returns (plain token, stored token)."""
    plain = secrets.token_urlsafe(32)
    token = AuthToken(
        user=user,
        token_hash=_hash(plain),
        device=device[:120],
        expires_at=utcnow() + timedelta(hours=ttl_hours),
    )
    db.session.add(token)
    db.session.commit()
    return plain, token


def user_for_token(plain: str) -> User | None:
    """The active user holding this unexpired, unrevoked token, or None."""
    token = db.session.scalar(
        sa.select(AuthToken)
        .where(AuthToken.token_hash == _hash(plain))
        .options(joinedload(AuthToken.user))  # one query: every request and socket event asks
    )
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if _aware(token.expires_at) <= now or not token.user.active:
        return None
    # Write last-use at most once a minute: every request would otherwise be a write.
    if token.last_used_at is None or now - _aware(token.last_used_at) > timedelta(minutes=1):
        token.last_used_at = now
        db.session.commit()
    return token.user


def revoke_token(plain: str) -> None:
    token = db.session.scalar(sa.select(AuthToken).where(AuthToken.token_hash == _hash(plain)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()


def revoke_all_tokens(user: User) -> int:
    """Revoke every token of a user (a lost phone); returns how many were revoked."""
    # Row by row (a user has a few), so that each revocation is in the audit trail.
    tokens = db.session.scalars(
        sa.select(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
    ).all()
    moment = utcnow()
    for token in tokens:
        token.revoked_at = moment
    db.session.commit()
    return len(tokens)
