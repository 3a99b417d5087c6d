"""A region analysis for the councils: a PDF (Swedish by default) and a CSV for spreadsheets.

The PDF's look (fonts, tables that fit their cells) is the impact report's
(:mod:`samlast.services.impact_export`); the content is the region's: the options side by
side, then per option which municipalities share which terminal and what each pays a year
against going alone.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

from samlast.i18n import DEFAULT_LOCALE, text
from samlast.impact import wording as w
from samlast.services.impact_export import FONT, MARGIN, MUTED, _glyphs, _p, _table, register_fonts

PAGE_W, PAGE_H = landscape(A4)

#: A municipality's figures in an option (the PDF's and the CSV's columns): table key, field.
FIGURES = (
    ("region.col.deliveriesWeek", "deliveries_per_week"),
    ("region.col.kmWeek", "vehicle_km_per_week"),
    ("region.col.co2eWeek", "co2e_kg_per_week"),
    ("region.col.transportYear", "transport_sek_per_year"),
    ("region.col.handlingYear", "handling_sek_per_year"),
    ("region.col.fixedShareYear", "fixed_share_sek_per_year"),
    ("region.col.totalYear", "total_sek_per_year"),
    ("region.col.aloneYear", "alone_sek_per_year"),
    ("region.col.savingYear", "saving_sek_per_year"),
)


def _t(locale: str):
    def t(key: str, **params: Any) -> str:
        return text(key, params, locale)

    return t


def option_name(option: dict, locale: str) -> str:
    return text(f"region.option.{option['kind']}", {}, locale)


def _sites(result: dict) -> dict[str, str]:
    return {s["id"]: s["name"] for s in result["sites"]}


def _overview(result: dict, locale: str) -> list[Any]:
    t = _t(locale)
    head = [
        [
            t("region.col.option"),
            t("region.col.terminals"),
            t("region.col.totalYear"),
            t("region.col.fixedYear"),
            t("region.col.handlingYear"),
            t("region.col.transportYear"),
            t("region.col.deliveriesWeek"),
            t("region.col.kmWeek"),
            t("region.col.co2eWeek"),
            t("region.col.localShare"),
            t("region.col.paysMore"),
        ]
    ]
    body = []
    for option in result["options"]:
        totals = option["totals"]
        c = totals["coordinated"]
        body.append(
            [
                option_name(option, locale),
                str(len(option["groups"])),
                w.number(totals["total_sek_per_year"], locale),
                w.number(totals["fixed_sek_per_year"], locale),
                w.number(totals["handling_sek_per_year"], locale),
                w.number(totals["transport_sek_per_year"], locale),
                w.number(c["deliveries"], locale),
                w.number(c["vehicle_km"], locale),
                w.number(c["co2e_kg"], locale),
                w.percent(c["local_share"], locale, 1),
                ", ".join(option["pays_more_than_alone"]) or t("common.none"),
            ]
        )
    # One free-delivery run over the whole region (older answers: the first option's sum).
    free = result.get("free_delivery") or result["options"][0]["totals"]["free_delivery"]
    body.append(
        [
            t("region.freeDelivery"),
            "",
            "",
            "",
            "",
            "",
            w.number(free["deliveries"], locale),
            w.number(free["vehicle_km"], locale),
            w.number(free["co2e_kg"], locale),
            w.percent(free["local_share"], locale, 1),
            "",
        ]
    )
    widths = [38, 17, 26, 24, 24, 26, 21, 19, 21, 18, 27]
    return [_table(head, body, widths, text_cols=(0, 10))]


def _option(result: dict, option: dict, locale: str) -> list[Any]:
    t = _t(locale)
    sites = _sites(result)
    head = [[t("region.col.terminal"), t("coordinator.col.municipality"), *(t(key) for key, _ in FIGURES)]]
    body: list[list[Any]] = []
    flagged: list[Any] = []
    for group in option["groups"]:
        for row in group["per_municipality"]:
            if row["pays_more_than_alone"]:
                flagged.append(len(body))
            body.append(
                [sites[group["site"]], row["municipality"], *(w.number(row[field], locale) for _, field in FIGURES)]
            )
    widths = [44, 24, 17, 16, 17, 24, 21, 22, 24, 24, 24]  # 257 of the 261 mm between the margins
    story: list[Any] = [_p(option_name(option, locale), "h2")]
    story.append(_table(head, body, widths, text_cols=(0, 1), bold_rows=tuple(flagged)))
    story += _route_splits(option, locale, sites)
    names = option["pays_more_than_alone"]
    story.append(_p(t("region.paysMore.some", names=", ".join(names)) if names else t("region.paysMore.none"), "small"))
    return story


def _route_splits(option: dict, locale: str, sites: dict[str, str]) -> list[Any]:
    """For each shared terminal, its routes' cost split between its municipalities by every rule the
    impact analysis computed (the sampled period, SEK; a rule left out was not computed)."""
    t = _t(locale)
    story: list[Any] = []
    for group in option["groups"]:
        split = group.get("cost_split") or {}
        table = split.get("table") or []
        if len(table) < 2:
            continue
        rules = [r for r in w.SPLIT_RULES if any(row.get(r) is not None for row in table)]
        head = [[t("coordinator.col.municipality"), *(w.split_rule(r, locale) for r in rules)]]
        body = [[row["municipality"], *(w.number(row.get(r), locale) for r in rules)] for row in table]
        story.append(
            _p(t("region.pdf.split", site=sites[group["site"]], total=w.number(split["total_cost"], locale)), "h3")
        )
        story.append(_table(head, body, [40] + [28] * len(rules)))
    return story


def region_pdf(name: str, result: dict[str, Any], locale: str = DEFAULT_LOCALE) -> bytes:
    """The councils' PDF of a finished region analysis, in `locale` ("sv" or "en")."""
    register_fonts()
    t = _t(locale)
    sample = result["sample"]
    footer = t("region.pdf.footer", name=name, start=sample["start"], end=sample["end"])

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, "".join(c if ord(c) in _glyphs() else "?" for c in footer))
        canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, t("impact.pdf.page", n=doc.page))
        canvas.restoreState()

    story: list[Any] = [_p(t("region.pdf.title"), "title"), _p(name, "subtitle")]
    story.append(
        _p(t("region.pdf.intro", municipalities=len(result["municipalities"]), sites=len(result["sites"])), "body")
    )
    story += [_p(t("region.pdf.options"), "h2"), *_overview(result, locale)]
    for option in result["options"]:
        story += [Spacer(1, 2 * mm), KeepTogether(_option(result, option, locale))]
    story.append(_p(t("region.pdf.notes"), "h2"))
    story += [_p(w.message(note, locale), "small") for note in result.get("notes", [])]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=18 * mm,
        title=t("region.pdf.documentTitle", name=name),
        author="Samlast",
        lang=locale,
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def region_csv(result: dict[str, Any], locale: str = DEFAULT_LOCALE) -> str:
    """One row per option and municipality, in `locale` (Swedish: semicolons, decimal commas, BOM)."""
    t = _t(locale)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if locale == "sv" else ",", lineterminator="\r\n")
    sites = _sites(result)

    def num(value: Any) -> str:
        return w.csv_number(value, locale)

    writer.writerow(
        [
            t("region.col.option"),
            t("region.col.terminal"),
            t("coordinator.col.municipality"),
            *(t(key) for key, _ in FIGURES),
            t("region.col.freeDeliveriesWeek"),
            t("region.col.paysMore"),
        ]
    )
    for option in result["options"]:
        for group in option["groups"]:
            for row in group["per_municipality"]:
                writer.writerow(
                    [
                        option_name(option, locale),
                        sites[group["site"]],
                        row["municipality"],
                        *(num(row[field]) for _, field in FIGURES),
                        num(row["free_delivery_deliveries_per_week"]),
                        t("common.yes") if row["pays_more_than_alone"] else t("common.no"),
                    ]
                )
    body = buffer.getvalue()
    return ("\ufeff" + body) if locale == "sv" else body
