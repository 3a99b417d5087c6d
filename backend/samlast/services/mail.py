"""E-mailed receipts: the proof-of-delivery PDF and the kitchen's confirmation to the delivery
point's contact e-mail.

A mail is queued (an OutgoingMail row) in the transaction that stores its record, so it exists
exactly when the record does; it is sent after the commit by the receipts' runner (an RQ worker,
a thread, or inline), never in the driver's request. A failure to send leaves it queued with
the next attempt later (1, 5, 15, 60 min, then hourly); after MAX_ATTEMPTS it is marked failed
and logged. `flask samlast mail` sends whatever is due (schedule it like the retention job)."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app

from samlast.extensions import db
from samlast.i18n import format_number, text
from samlast.models import DeliveryPoint, OutgoingMail, ProofOfDelivery, ReceiptConfirmation
from samlast.services import receipts
from samlast.services.background import Worker, rq_queue

log = logging.getLogger(__name__)
QUEUE_NAME = "mail"
MAX_ATTEMPTS = 8
BACKOFF_MIN = (1, 5, 15, 60)
_sender = Worker("mail")


def enabled() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def _queue(kind: str, point: DeliveryPoint | None, **record: int) -> OutgoingMail | None:
    address = (point.contact_email if point else "").strip()
    if not enabled() or not address:
        return None
    mail = OutgoingMail(kind=kind, to_address=address, **record)
    db.session.add(mail)
    return mail


def queue_receipt(proof: ProofOfDelivery) -> OutgoingMail | None:
    """In the proof's transaction (after a flush gave it an id): its receipt to the point's contact."""
    return _queue("receipt", proof.delivery_point, proof_id=proof.id)


def queue_confirmation(confirmation: ReceiptConfirmation) -> OutgoingMail | None:
    """In the confirmation's transaction: what the kitchen confirmed, to the point's contact."""
    return _queue("confirmation", confirmation.delivery_point, confirmation_id=confirmation.id)


def send_later(mail_id: int | None) -> None:
    """After the commit: send by RECEIPT_RUNNER. Nothing is lost if this fails: the row stays
    queued and `flask samlast mail` (or the next send_due) picks it up."""
    if mail_id is None:
        return
    runner = current_app.config["RECEIPT_RUNNER"]
    if runner == "inline":
        send_one(mail_id)
    elif runner == "rq":
        try:
            rq_queue(QUEUE_NAME).enqueue("samlast.tasks.send_mail_task", mail_id, job_timeout=120)
        except Exception:  # Redis away: the row stays queued for `flask samlast mail`
            log.exception("Could not queue mail %s", mail_id)
    else:
        _sender.submit(send_one, mail_id)


def drain(timeout_s: float = 30.0) -> None:
    _sender.drain(timeout_s)


def send_due(now: datetime | None = None) -> dict[str, int]:
    """Send every queued mail whose next attempt is due; returns counts by outcome."""
    now = now or datetime.now(UTC)
    ids = db.session.scalars(
        sa.select(OutgoingMail.id)
        .where(OutgoingMail.status == "queued", OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.id)
    ).all()
    counts = {"sent": 0, "queued": 0, "failed": 0}
    for mail_id in ids:
        counts[send_one(mail_id, now)] += 1
    return counts


def send_one(mail_id: int, now: datetime | None = None) -> str:
    """Try to send one mail; returns its status afterwards. Never raises."""
    mail = db.session.get(OutgoingMail, mail_id)
    if mail is None or mail.status != "queued":
        return mail.status if mail else "failed"
    now = now or datetime.now(UTC)
    try:
        message = compose(mail)
        _deliver(message)
    except Exception as error:  # the mail server, the network, a record gone
        mail.attempts += 1
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = "failed"
            log.error("Mail %s to %s failed for good: %s", mail.id, mail.to_address, mail.last_error)
        else:
            wait = BACKOFF_MIN[min(mail.attempts - 1, len(BACKOFF_MIN) - 1)]
            mail.next_attempt_at = now + timedelta(minutes=wait)
            log.warning("Mail %s not sent (attempt %s), next in %s min: %s", mail.id, mail.attempts, wait,
                        mail.last_error)  # fmt: skip
    else:
        mail.attempts += 1
        mail.status, mail.sent_at, mail.last_error = "sent", now, ""
    db.session.commit()
    return mail.status


def _deliver(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)


def compose(mail: OutgoingMail) -> EmailMessage:
    """The message in Swedish, then English (a receipt is kept by both parties)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Message-ID"] = make_msgid(f"samlast-{mail.kind}-{mail.id}")
    if mail.kind == "receipt":
        proof = db.session.get(ProofOfDelivery, mail.proof_id)
        if proof is None:
            raise LookupError(f"proof {mail.proof_id} is gone")
        place = proof.delivery_point.name if proof.delivery_point else ""
        when = _local(proof.event.occurred_at)
        params = {"place": place, "date": when.date().isoformat(), "time": when.strftime("%H:%M"), "number": proof.id}
        message["Subject"] = receipts.both("mail.receipt.subject", params)
        message.set_content(_both_paragraphs("mail.receipt.body", params))
        message.add_attachment(receipts.receipt_pdf(proof), maintype="application", subtype="pdf",
                               filename=f"kvitto-{proof.id}.pdf")  # fmt: skip
    else:
        confirmation = db.session.get(ReceiptConfirmation, mail.confirmation_id)
        if confirmation is None:
            raise LookupError(f"confirmation {mail.confirmation_id} is gone")
        when = _local(confirmation.recorded_at)
        params = {
            "place": confirmation.delivery_point.name, "date": confirmation.plan_date.isoformat(),
            "time": when.strftime("%H:%M"), "name": confirmation.confirmed_by_name or "–",
        }  # fmt: skip
        message["Subject"] = receipts.both("mail.confirmation.subject", params)
        message.set_content(_confirmation_body(confirmation, params))
    return message


def _local(at: datetime) -> datetime:
    from zoneinfo import ZoneInfo

    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def _both_paragraphs(key: str, params: dict) -> str:
    return f"{text(key, params, 'sv')}\n\n---\n\n{text(key, params, 'en')}\n"


def _confirmation_body(confirmation: ReceiptConfirmation, params: dict) -> str:
    parts = []
    for locale in ("sv", "en"):
        lines = [text("mail.confirmation.body", params, locale), ""]
        for line in confirmation.lines:
            order_line = line.order_line
            row = text(
                "mail.confirmation.line",
                {
                    "article": order_line.article if order_line else "?",
                    "quantity": format_number(line.received_quantity, locale),
                    "unit": order_line.unit if order_line else "",
                },
                locale,
            )
            if line.deviation:
                row += f" – {text(f'deviation.code.{line.deviation.value}', None, locale)}"
            if line.note:
                row += f" ({line.note})"
            lines.append(f"- {row}")
        if confirmation.note:
            lines += ["", text("mail.confirmation.note", {"note": confirmation.note}, locale)]
        parts.append("\n".join(lines))
    return "\n\n---\n\n".join(parts) + "\n"
