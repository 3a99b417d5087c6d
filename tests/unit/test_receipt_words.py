"""The PDF receipt's words come from the word tables (Swedish / English), numbers with a decimal comma."""

from __future__ import annotations

from samlast.models import DeviationCode, ProofLine
from samlast.services import receipts


def test_receipt_words_from_the_tables():
    assert receipts.both("receipt.left") == "Lämnat / Left"
    assert receipts.both("receipt.temperature") == "Temp. °C"  # the same in both: written once
    assert receipts.quantity(1.5, "kg") == "1,5 kg"
    line = ProofLine(article="Smör 500 g", ordered_quantity=17, delivered_quantity=15, unit="st",
                     deviation=DeviationCode.DAMAGED, note="Två paket trasiga")
    assert receipts.deviation_cell(line) == "Skadad / Damaged Två paket trasiga"
    refused = ProofLine(article="Mjölk", ordered_quantity=1, delivered_quantity=0, unit="l",
                        deviation=DeviationCode.REFUSED, note="")
    assert receipts.deviation_cell(refused) == "Mottagaren nekade / Refused by the receiver"
