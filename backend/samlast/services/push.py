"""Web Push notices (vehicle near) with VAPID keys generated on first run and kept in instance/."""

from __future__ import annotations

import base64
import json
import logging
import threading
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from flask import current_app

from samlast.extensions import db
from samlast.i18n import has, text
from samlast.models import PushSubscription, TrackingSubscription, User
from samlast.models.user import user_delivery_point
from samlast.services.background import Worker

log = logging.getLogger(__name__)
_key_lock = threading.Lock()
# Push services can be slow or unreachable: never make a driver's request wait for them.
_sender = Worker("webpush", threads=2)


def _private_key_path() -> Path:
    return Path(current_app.instance_path) / "vapid_private.pem"


def ensure_vapid_keys() -> Path:
    """Create the VAPID key pair once; later runs reuse it so subscriptions stay valid."""
    path = _private_key_path()
    with _key_lock:
        if not path.exists():
            from py_vapid import Vapid01

            vapid = Vapid01()
            vapid.generate_keys()
            vapid.save_key(str(path))
            path.chmod(0o600)
    return path


def public_key() -> str:
    """The application server key for `pushManager.subscribe` (URL-safe base64, no padding)."""
    from py_vapid import Vapid01

    vapid = Vapid01.from_file(str(ensure_vapid_keys()))
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def subscribe(user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    subscription = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint)
        db.session.add(subscription)
    subscription.user_id, subscription.p256dh, subscription.auth = user.id, p256dh, auth
    db.session.commit()
    return subscription


def _day_words(day: date, locale: str) -> str:
    """A day as a resident reads it in a notice: "måndag 7/12", "Monday 7/12"."""
    weekday = text(f"weekday.{day.weekday()}", None, locale)
    return f"{weekday.lower() if locale == 'sv' else weekday} {day.day}/{day.month}"


def _localised(payload: dict, locale: str) -> dict:
    """The notice's title and body from the word tables (push.<type>.title / .body), in the reader's
    language; `payload["params"]` fill the body ("day" is an ISO date, written out)."""
    key = f"push.{payload.get('type', '')}"
    if not has(f"{key}.title"):
        key = "push.generic"
    params = dict(payload.get("params") or {})
    if "day" in params:
        params["day"] = _day_words(date.fromisoformat(params["day"]), locale)
    return {"title": text(f"{key}.title", None, locale), "body": text(f"{key}.body", params, locale), **payload}


def _deliver(endpoint: str, p256dh: str, auth: str, locale: str, payload: dict) -> tuple[bool, int | None]:
    """Send one notice; (sent, HTTP status of a refusal)."""
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=json.dumps(_localised(payload, locale), ensure_ascii=False),
            vapid_private_key=str(ensure_vapid_keys()),
            vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]},
            timeout=5,
        )
        return True, None
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        log.warning("Web Push failed (%s): %s", status, exc)
        return False, status
    except Exception as exc:  # network trouble must never break recording a delivery
        log.warning("Web Push failed: %s", exc)
        return False, None


def _send(subscription_id: int, payload: dict) -> bool:
    subscription = db.session.get(PushSubscription, subscription_id)
    if subscription is None:
        return False
    sent, status = _deliver(subscription.endpoint, subscription.p256dh, subscription.auth,
                            subscription_user_locale(subscription), payload)  # fmt: skip
    if status in (404, 410):  # the browser dropped the subscription
        db.session.delete(subscription)
        db.session.commit()
    return sent


def _send_tracking(subscription_id: int, payload: dict) -> bool:
    subscription = db.session.get(TrackingSubscription, subscription_id)
    if subscription is None:
        return False
    sent, status = _deliver(subscription.endpoint, subscription.p256dh, subscription.auth, subscription.locale, payload)
    if status in (404, 410):
        db.session.delete(subscription)
        db.session.commit()
    return sent


def subscription_user_locale(subscription: PushSubscription) -> str:
    user = db.session.get(User, subscription.user_id)
    return user.locale if user is not None else "sv"


def subscribe_tracking(consignment_id: int, endpoint: str, p256dh: str, auth: str, locale: str) -> None:
    """A resident's browser follows one consignment (the same browser moved to another code follows that)."""
    subscription = db.session.scalar(sa.select(TrackingSubscription).where(TrackingSubscription.endpoint == endpoint))
    if subscription is None:
        subscription = TrackingSubscription(endpoint=endpoint)
        db.session.add(subscription)
    subscription.consignment_id, subscription.p256dh, subscription.auth = consignment_id, p256dh, auth
    subscription.locale = locale
    db.session.commit()


def notify_tracking(consignment_id: int, payload: dict) -> list:
    """Queue a notice to every browser following the consignment; returns the futures."""
    ids = db.session.scalars(
        sa.select(TrackingSubscription.id).where(TrackingSubscription.consignment_id == consignment_id)
    ).all()
    return [_sender.submit(_send_tracking, subscription_id, payload) for subscription_id in ids]


def notify_delivery_point(delivery_point_id: int, payload: dict) -> list:
    """Queue a notice to every subscribed device of the point's kitchen staff; returns the futures."""
    ids = db.session.scalars(
        sa.select(PushSubscription.id)
        .join(user_delivery_point, user_delivery_point.c.user_id == PushSubscription.user_id)
        .where(user_delivery_point.c.delivery_point_id == delivery_point_id)
    ).all()
    return [_sender.submit(_send, subscription_id, payload) for subscription_id in ids]


def drain(timeout_s: float = 30.0) -> None:
    """Wait for queued notices (tests and shutdown)."""
    _sender.drain(timeout_s)
