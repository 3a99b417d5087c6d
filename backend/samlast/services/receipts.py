"""The electronic proof-of-delivery receipt as PDF (reportlab)."""

from __future__ import annotations

import io
import logging
from zoneinfo import ZoneInfo

from flask import current_app
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from samlast.errors import ValidationFailed
from samlast.extensions import db
from samlast.i18n import format_number, has, text
from samlast.models import DriverEvent, ProofLine, ProofOfDelivery
from samlast.services import images
from samlast.services.background import Worker, rq_queue

log = logging.getLogger(__name__)
QUEUE_NAME = "receipts"
# Re-encoding the images and rendering the receipt take ~30 ms of CPU: do it after the proof
# is committed and acknowledged, and with Redis in an RQ worker process, so it never competes
# with requests for the server's GIL.
_renderer = Worker("receipts")



def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def both(key: str, params: dict | None = None) -> str:
    """A receipt is kept by both parties: Swedish, then English where it differs ("Skadad / Damaged")."""
    swedish, english = text(key, params, "sv"), text(key, params, "en")
    return swedish if swedish == english else f"{swedish} / {english}"


def quantity(value: float, unit: str) -> str:
    return f"{format_number(value, 'sv')} {unit}"


def deviation_cell(line: ProofLine) -> str:
    """The driver's own deviation of a line in words, with the driver's note."""
    words = ""
    if line.deviation:
        key = f"deviation.code.{line.deviation.value}"
        words = both(key if has(key) else "deviation.code.unknown")
    return f"{words} {line.note}".strip() if line.note else words


def render_receipt(proof: ProofOfDelivery, event: DriverEvent, timezone: str) -> bytes:
    styles = getSampleStyleSheet()
    place = proof.delivery_point or proof.supplier
    when = event.occurred_at  # the server's time of the hand-over, whatever the phone's clock said
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo("UTC"))
    local = when.astimezone(ZoneInfo(timezone))
    title = both("receipt.title.deliver" if event.kind.value == "deliver" else "receipt.title.pickup")
    story = [
        Paragraph(_esc(title), styles["Title"]),
        Paragraph(f"<b>{_esc(place.name if place else event.job_key)}</b>", styles["Heading2"]),
        Paragraph(_esc(getattr(place, "address", "") or ""), styles["Normal"]),
        Spacer(1, 4 * mm),
        Paragraph(f"{_esc(both('receipt.time'))}: {local:%Y-%m-%d %H:%M} ({_esc(timezone)})", styles["Normal"]),
        Paragraph(
            f"{_esc(both('receipt.driver'))}: {_esc(event.user.display_name or event.user.username)}",
            styles["Normal"],
        ),
        Paragraph(
            f"{_esc(both('receipt.number'))}: {proof.id} &middot; {_esc(event.client_id)}", styles["Normal"]
        ),
        Spacer(1, 6 * mm),
    ]
    head = ("receipt.article", "receipt.ordered", "receipt.left", "receipt.temperature", "receipt.deviation")
    rows = [[Paragraph(f"<b>{_esc(both(key))}</b>", styles["BodyText"]) for key in head]]
    for line in proof.lines:
        rows.append(
            [
                Paragraph(_esc(line.article), styles["BodyText"]),
                quantity(line.ordered_quantity, line.unit),
                quantity(line.delivered_quantity, line.unit),
                "" if line.temperature_c is None else format_number(line.temperature_c, "sv", decimals=1),
                Paragraph(_esc(deviation_cell(line)), styles["BodyText"]),
            ]
        )
    table = Table(rows, colWidths=[60 * mm, 24 * mm, 24 * mm, 18 * mm, 50 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ]
        )
    )
    story += [table, Spacer(1, 5 * mm)]
    returned = (proof.crates_returned, proof.roll_cages_returned, proof.pallets_returned)
    if any(returned):
        counts = dict(zip(("crates", "roll_cages", "pallets"), returned, strict=True))
        story.append(Paragraph(_esc(both("receipt.returns", counts)), styles["Normal"]))
    if proof.note:
        story.append(Paragraph(f"{_esc(both('receipt.note'))}: {_esc(proof.note)}", styles["Normal"]))
    story.append(Spacer(1, 5 * mm))
    story.append(
        Paragraph(
            f"{_esc(both('receipt.received_by'))}: <b>{_esc(proof.receiver_name or '-')}</b>",
            styles["Normal"],
        )
    )
    if proof.signature_png:
        story.append(
            Image(
                io.BytesIO(proof.signature_png), width=70 * mm, height=28 * mm, kind="proportional"
            )
        )
    elif proof.signature_png == b"":  # erased past retention: say so, never leave a blank
        story.append(Paragraph(_esc(both("receipt.signature_erased")), styles["Normal"]))
    erased_photos = sum(1 for photo in proof.photos if not photo.data)
    if erased_photos:
        story.append(Paragraph(_esc(both("receipt.photos_erased", {"count": erased_photos})), styles["Normal"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, title=title, author="Samlast", leftMargin=18 * mm, rightMargin=18 * mm
    ).build(story)
    return buffer.getvalue()


def sanitize_images(proof: ProofOfDelivery) -> None:
    """Re-encode the signature and photos as accepted (checked) in the request.

    An upload that passed the check but cannot be re-encoded is dropped and logged: the
    proof itself (receiver, lines, returns, time) stays.
    """
    if proof.images_sanitized:
        return
    if proof.signature_png:
        try:
            proof.signature_png = images.reencode(proof.signature_png, "signature", as_png=True)[0]
        except ValidationFailed:
            log.warning("Proof %s: unreadable signature dropped", proof.id)
            proof.signature_png = None
    for photo in list(proof.photos):
        try:
            photo.data, photo.content_type, photo.width, photo.height = images.reencode(
                photo.data, "photo"
            )
        except ValidationFailed:
            log.warning("Proof %s: unreadable photo %s dropped", proof.id, photo.id)
            proof.photos.remove(photo)
    proof.images_sanitized = True


def finish_proof(proof: ProofOfDelivery) -> None:
    """Re-encode the images and render the receipt, whichever is still missing."""
    sanitize_images(proof)
    if proof.receipt_pdf is None:
        proof.receipt_pdf = render_receipt(proof, proof.event, current_app.config["TIMEZONE"])


def receipt_pdf(proof: ProofOfDelivery) -> bytes:
    """The stored receipt, finished now if the worker has not got to it yet."""
    if proof.receipt_pdf is None or not proof.images_sanitized:
        finish_proof(proof)
        db.session.commit()
    assert proof.receipt_pdf is not None  # finish_proof renders a missing receipt
    return proof.receipt_pdf


def render_and_store(proof_id: int) -> None:
    """Finish one proof (images, receipt); never raises (the GET finishes it on demand)."""
    try:
        proof = db.session.get(ProofOfDelivery, proof_id)
        if proof is not None and (proof.receipt_pdf is None or not proof.images_sanitized):
            finish_proof(proof)
            db.session.commit()
    except Exception:  # the GET finishes it on demand if this failed
        log.exception("Finishing proof %s failed", proof_id)
        db.session.rollback()


def render_later(proof_id: int) -> None:
    """Render by `RECEIPT_RUNNER`: "rq" (`flask samlast worker`), "thread" or "inline"."""
    runner = current_app.config["RECEIPT_RUNNER"]
    if runner == "inline":
        render_and_store(proof_id)
    elif runner == "rq":
        try:
            rq_queue(QUEUE_NAME).enqueue(
                "samlast.tasks.render_receipt_task", proof_id, job_timeout=120
            )
        except Exception:  # Redis away: the proof is stored, the GET renders the receipt
            log.exception("Could not queue the receipt of proof %s", proof_id)
    else:
        _renderer.submit(render_and_store, proof_id)


def drain(timeout_s: float = 30.0) -> None:
    """Wait for queued renders (tests and shutdown)."""
    _renderer.drain(timeout_s)
