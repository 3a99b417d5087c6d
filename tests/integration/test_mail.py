"""E-mailed receipts against a real SMTP server (aiosmtpd) on a free port: the proof-of-delivery
PDF and the kitchen's confirmation reach the delivery point's contact; with the mail server down
the driver's proof is stored all the same and the mail waits, then goes exactly once."""

from __future__ import annotations

import email
import email.policy
import socket
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from samlast.extensions import db
from samlast.models import OutgoingMail, Role, User
from samlast.services import auth, mail, planning
from tests.conftest import MONDAY
from tests.driver_helpers import event, full_proof


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's handler API)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """aiosmtpd on a fixed free port; stop() and start() again, as a mail server that goes away."""

    def __init__(self, inbox: Inbox):
        self.inbox, self.port, self.controller = inbox, _free_port(), None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    server = MailServer(inbox)
    server.start()
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": server.port,
        "SMTP_STARTTLS": False,
        "MAIL_FROM": "samlast@kommun.example",
        "RECEIPT_RUNNER": "inline",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    yield inbox, server
    server.stop()


@pytest.fixture
def delivery(client, day, world):
    """MONDAY planned, Bergaskolan kök has a contact e-mail; (driver headers, its stop)."""
    world.school.contact_email = "kok@bergaskolan.example"
    db.session.commit()
    planning.plan_day(world.terminal, MONDAY, time_limit_s=1)
    driver = db.session.get(User, day.driver_id)
    headers = {"Authorization": f"Bearer {auth.login(driver.username, 'correct horse battery', 1)[0]}"}
    [route] = client.get(f"/api/v1/driver/routes?date={MONDAY}", headers=headers).json
    [stop] = [s for s in route["stops"] if s["place"].get("name") == world.school.name]
    return headers, stop


def test_the_receipt_reaches_the_kitchen_contact_with_the_pdf(client, smtp, delivery):
    inbox, _ = smtp
    headers, stop = delivery
    answer = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)), headers=headers)
    assert answer.status_code == 201, answer.json
    [message] = inbox.messages
    assert message["To"] == "kok@bergaskolan.example" and message["From"] == "samlast@kommun.example"
    assert (
        message["Subject"]
        == f"Leveranskvitto Bergaskolan kök {MONDAY} kl. 08:00 / Delivery receipt Bergaskolan kök {MONDAY} at 08:00"
    )
    assert "Här är kvittot på leveransen till Bergaskolan kök" in message.get_body(("plain",)).get_content()
    [pdf] = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"kvitto-{answer.json['proof_id']}.pdf"
    assert pdf.get_content().startswith(b"%PDF")


def test_a_replayed_event_sends_no_second_mail(client, smtp, delivery):
    inbox, _ = smtp
    headers, stop = delivery
    body = event("deliver", stop, proof=full_proof(stop))
    assert client.post("/api/v1/driver/events", json=body, headers=headers).status_code == 201
    assert client.post("/api/v1/driver/events", json=body, headers=headers).status_code == 200
    assert len(inbox.messages) == 1


def test_the_kitchen_confirmation_is_mailed_line_by_line(client, smtp, delivery, make_user, world):
    inbox, _ = smtp
    _, kitchen = make_user(Role.RECIPIENT, delivery_points=[world.school])
    answer = client.post("/api/v1/recipient/confirmations", json={
        "client_id": uuid.uuid4().hex, "delivery_point_id": world.school.id, "plan_date": MONDAY.isoformat(),
        "recorded_at": f"{MONDAY}T09:00:00+01:00", "confirmed_by_name": "Alva", "accept_all": True,
        "note": "Allt fint",
    }, headers=kitchen)  # fmt: skip
    assert answer.status_code == 201, answer.json
    [message] = inbox.messages
    assert message["Subject"] == (
        f"Mottagningsbekräftelse Bergaskolan kök {MONDAY} / Confirmation of receipt Bergaskolan kök {MONDAY}"
    )
    body = message.get_body(("plain",)).get_content()
    assert "Köket på Bergaskolan kök bekräftade leveransen" in body and "(Alva)" in body
    assert "- Mjölk: 40 l" in body and "Kökets kommentar: Allt fint" in body
    assert "The kitchen at Bergaskolan kök confirmed" in body


def test_with_the_mail_server_down_the_proof_is_stored_and_the_mail_waits_then_goes_once(client, smtp, delivery):
    inbox, controller = smtp
    headers, stop = delivery
    controller.stop()
    answer = client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)), headers=headers)
    assert answer.status_code == 201, answer.json  # the driver is never held up by the mail
    [queued] = db.session.scalars(sa.select(OutgoingMail)).all()
    assert (queued.status, queued.attempts) == ("queued", 1) and "Connection" in queued.last_error
    # Not due yet: nothing is tried.
    assert mail.send_due() == {"sent": 0, "queued": 0, "failed": 0}
    controller.start()
    later = datetime.now(UTC) + timedelta(minutes=2)
    assert mail.send_due(later) == {"sent": 1, "queued": 0, "failed": 0}
    assert mail.send_due(later + timedelta(hours=1)) == {"sent": 0, "queued": 0, "failed": 0}
    assert len(inbox.messages) == 1
    db.session.expire_all()
    assert db.session.get(OutgoingMail, queued.id).status == "sent"


def test_no_mail_without_smtp_or_without_a_contact(client, app, delivery, monkeypatch, world):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    headers, stop = delivery
    assert client.post("/api/v1/driver/events", json=event("deliver", stop, proof=full_proof(stop)),
                       headers=headers).status_code == 201  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))) == 0
