"""The watched folder (`flask samlast inbox`): Peppol documents dropped into it are read as if
uploaded, then moved to imported/ or refused/ (with a Swedish report naming each error by
document, XML line and element); a file still being written is left alone; a file left half-read
by a stopped process is read again."""

from __future__ import annotations

import io
import os
import time
import zipfile

import sqlalchemy as sa

from samlast.extensions import db
from samlast.models import DespatchAdvice, Order
from samlast.services import inbox
from tests.api.test_despatch import advice, line
from tests.api.test_peppol_orders import MILK, order
from tests.conftest import count


def _drop(folder, name: str, data: bytes, age_s: float = 60) -> None:
    path = folder / name
    path.write_bytes(data)
    past = time.time() - age_s
    os.utime(path, (past, past))


def test_documents_in_the_folder_are_read_and_moved(app, world, day, tmp_path):
    _drop(tmp_path, "PO-7.xml", order(MILK, number="PO-7"))
    _drop(tmp_path, "aviso.xml", advice(line(1, "30", 1)))
    _drop(tmp_path, "fel.xml", order(MILK.replace(">40<", ">fyrtio<"), number="PO-8"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", order(MILK, number="PO-9"))
        archive.writestr(
            "b.xml", order(MILK, number="PO-10", location='<cbc:ID schemeID="0088">7300009012345</cbc:ID>')
        )
    _drop(tmp_path, "vecka.zip", buffer.getvalue())
    _drop(tmp_path, "halv.xml.part", order(MILK, number="PO-11"))  # an SFTP upload not finished
    _drop(tmp_path, "ny.xml", order(MILK, number="PO-12"), age_s=0)  # written this very second
    _drop(tmp_path, "notes.txt", b"not a document")

    result = app.test_cli_runner().invoke(args=["samlast", "inbox", "--folder", str(tmp_path), "--once"])
    assert result.exit_code == 0, result.output
    assert "PO-7.xml: 1 documents read ->" in result.output
    assert "fel.xml: 1 of 1 documents not read ->" in result.output

    numbers = set(db.session.scalars(sa.select(Order.external_id)))
    assert {"PO-7", "PO-9"} <= numbers and not {"PO-8", "PO-10", "PO-11", "PO-12"} & numbers
    assert count(DespatchAdvice) == 1
    assert sorted(p.name for p in (tmp_path / "imported").iterdir()) == ["PO-7.xml", "aviso.xml"]
    assert sorted(p.name for p in (tmp_path / "refused").iterdir()) == [
        "fel.xml", "fel.xml.fel.txt", "vecka.zip", "vecka.zip.fel.txt"]  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["halv.xml.part", "notes.txt", "ny.xml"]
    report = (tmp_path / "refused" / "fel.xml.fel.txt").read_text(encoding="utf-8")
    assert report.startswith("fel.xml: 0 dokument lästes in, 1 lästes inte in.")
    assert "rad 11, cac:OrderLine[1]/cac:LineItem/cbc:Quantity: " in report and "(fyrtio)" in report
    zip_report = (tmp_path / "refused" / "vecka.zip.fel.txt").read_text(encoding="utf-8")
    assert zip_report.startswith("vecka.zip: 1 dokument lästes in, 1 lästes inte in.")
    assert (
        "Dokument b.xml:" in zip_report and "Okänd leveransplats" in zip_report and "0088:7300009012345" in zip_report
    )
    assert "a.xml" not in zip_report


def test_a_file_left_half_read_is_read_again_and_a_second_drop_of_the_same_name_kept(app, world, tmp_path):
    (tmp_path / "processing").mkdir()
    _drop(tmp_path / "processing", "PO-20.xml", order(MILK, number="PO-20"))
    assert inbox.recover(tmp_path) == 1
    assert [o.file for o in inbox.scan(tmp_path, settle_s=0)] == ["PO-20.xml"]
    _drop(tmp_path, "PO-20.xml", order(MILK.replace(">40<", ">30<"), number="PO-20"))
    [again] = inbox.scan(tmp_path, settle_s=0)
    assert again.ok and again.moved_to.name.endswith("-PO-20.xml")  # the first is not overwritten
    assert len(list((tmp_path / "imported").iterdir())) == 2
    db.session.expire_all()
    assert db.session.scalar(sa.select(Order).where(Order.external_id == "PO-20")).lines[0].quantity == 30


def test_the_command_needs_a_folder(app, tmp_path):
    runner = app.test_cli_runner()
    assert "Give --folder or INBOX_DIR." in runner.invoke(args=["samlast", "inbox", "--once"]).output
    missing = runner.invoke(args=["samlast", "inbox", "--once", "--folder", str(tmp_path / "nope")])
    assert missing.exit_code != 0 and "is not a folder" in missing.output
