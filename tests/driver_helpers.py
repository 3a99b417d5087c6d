"""Helpers shared by the driver API and Socket.IO tests."""

from __future__ import annotations

import base64
import io
import uuid
from datetime import datetime

from PIL import Image

from tests.conftest import MONDAY


def image_data_url(fmt: str = "PNG", size=(120, 60)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 20, 20)).save(buffer, format=fmt)
    mime = {"PNG": "image/png", "JPEG": "image/jpeg"}[fmt]
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode()


def event(kind: str, stop: dict, *, proof: dict | None = None, at: str = "T08:00:00+01:00", **extra) -> dict:
    body = {
        "client_id": uuid.uuid4().hex,
        "kind": kind,
        "plan_date": MONDAY.isoformat(),
        "job_key": stop["job_key"],
        "stop_id": stop["id"],
        "recorded_at": datetime.fromisoformat(MONDAY.isoformat() + at).isoformat(),
    }
    if proof is not None:
        body["proof"] = proof
    body.update(extra)
    return body


def full_proof(stop: dict, short_line: int | None = None) -> dict:
    lines = []
    for index, line in enumerate(stop["lines"]):
        delivered = line["quantity"] - 1 if index == short_line else line["quantity"]
        lines.append(
            {
                "order_line_id": line["order_line_id"],
                "delivered_quantity": delivered,
                "temperature_c": 4.5 if line["temperature_class"] == "chilled" else None,
            }
        )
    return {
        "receiver_name": "Kim Köksson",
        "signature": image_data_url("PNG"),
        "photos": [image_data_url("JPEG", (2400, 1800))],
        "lines": lines,
        "returns": {"crates": 3, "roll_cages": 1, "pallets": 0},
        "note": "Lämnat i kylrummet",
    }
