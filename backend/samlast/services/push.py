"""Web Push notices (vehicle near) with VAPID keys generated on first run and kept in instance/."""

from __future__ import annotations

import base64
import json
import logging
import threading
from datetime import date
from pathlib import Path
from typing import TypeVar

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


#: A kitchen device's subscription (by user) or a resident's browser's (by tracking code).
Subscription = TypeVar("Subscription", PushSubscription, TrackingSubscription)


def _keep(model: type[Subscription], endpoint: str, **values: object) -> Subscription:
    """The subscription of a browser (one row per push address), with `values` now."""
    subscription = db.session.scalar(sa.select(model).where(model.endpoint == endpoint))
    if subscription is None:
        subscription = model(endpoint=endpoint)
        db.session.add(subscription)
    for name, value in values.items():
        setattr(subscription, name, value)
    db.session.commit()
    return subscription


def subscribe(user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """A signed-in user's device (kitchen staff: "the vehicle is near")."""
    return _keep(PushSubscription, endpoint, user_id=user.id, p256dh=p256dh, auth=auth)


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


def _send(model: type[Subscription], subscription_id: int, payload: dict) -> bool:
    """Send one notice to one subscription, in its reader's language; a subscription the push
    service says is gone (404, 410) is deleted."""
    from pywebpush import WebPushException, webpush

    subscription = db.session.get(model, subscription_id)
    if subscription is None:
        return False
    if isinstance(subscription, TrackingSubscription):
        locale = subscription.locale
    else:
        locale = subscription_user_locale(subscription)
    try:
        webpush(
            subscription_info={"endpoint": subscription.endpoint,
                               "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
            data=json.dumps(_localised(payload, locale), ensure_ascii=False),
            vapid_private_key=str(ensure_vapid_keys()),
            vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]},
            timeout=5,
        )  # fmt: skip
        return True
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):  # the browser dropped the subscription
            db.session.delete(subscription)
            db.session.commit()
        log.warning("Web Push failed (%s): %s", status, exc)
    except Exception as exc:  # network trouble must never break recording a delivery
        log.warning("Web Push failed: %s", exc)
    return False


def subscription_user_locale(subscription: PushSubscription) -> str:
    user = db.session.get(User, subscription.user_id)
    return user.locale if user is not None else "sv"


def subscribe_tracking(consignment_id: int, endpoint: str, p256dh: str, auth: str, locale: str) -> None:
    """A resident's browser follows one consignment (the same browser moved to another code follows that)."""
    _keep(TrackingSubscription, endpoint, consignment_id=consignment_id, p256dh=p256dh, auth=auth, locale=locale)


def notify_tracking(consignment_id: int, payload: dict) -> list:
    """Queue a notice to every browser following the consignment; returns the futures."""
    ids = db.session.scalars(
        sa.select(TrackingSubscription.id).where(TrackingSubscription.consignment_id == consignment_id)
    ).all()
    return [_sender.submit(_send, TrackingSubscription, subscription_id, payload) for subscription_id in ids]


def notify_delivery_point(delivery_point_id: int, payload: dict) -> list:
    """Queue a notice to every subscribed device of the point's kitchen staff; returns the futures."""
    ids = db.session.scalars(
        sa.select(PushSubscription.id)
        .join(user_delivery_point, user_delivery_point.c.user_id == PushSubscription.user_id)
        .where(user_delivery_point.c.delivery_point_id == delivery_point_id)
    ).all()
    return [_sender.submit(_send, PushSubscription, subscription_id, payload) for subscription_id in ids]


def drain(timeout_s: float = 30.0) -> None:
    """Wait for queued notices (tests and shutdown)."""
    _sender.drain(timeout_s)
