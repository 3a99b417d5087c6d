// A delivery's lines as the kitchen checks them: per line, in its own box, what was ordered, what
// the driver left and what the kitchen received, with each side's own deviation and note. Used
// before confirming (what was left), on the card after confirming (what was received) and in
// the history.
import type { TemperatureClass } from "../api/types";
import { t } from "../i18n";
import { openPdf } from "../data/download";
import { byTemperature, errorMessage } from "../ui/components";
import { disagrees, quantityGrid, sides } from "../ui/deviation";
import { h } from "../ui/dom";
import type { Delivery } from "./types";

export interface LineRecord {
  id: number | string;
  article: string;
  detail?: string;
  temperature_class?: TemperatureClass;
  ordered: number;
  left: number | null;
  received: number | null;
  unit: string;
  driver: string | null;
  kitchen: string | null;
  driverNote: string;
  kitchenNote: string;
  /** False before the kitchen has confirmed: its side is not shown yet. */
  kitchenKnown: boolean;
  /** The order line, when known: its way from the supplier can be opened (a PDF). */
  orderLineId?: number;
}

function followButton(orderLineId: number): HTMLElement {
  const note = h("span", { class: "muted", "aria-live": "polite" });
  const open = () => {
    note.textContent = "";
    openPdf(`/order-lines/${orderLineId}/timeline.pdf`, `samlast-vag-${orderLineId}.pdf`).catch((error: unknown) => {
      note.textContent = errorMessage(error);
    });
  };
  return h(
    "p",
    { class: "line-follow" },
    h("button", { type: "button", class: "button button-small button-secondary", "data-testid": "line-follow", onclick: open }, t("kitchen.line.follow")),
    note,
  );
}

export function lineBox(line: LineRecord): HTMLElement {
  const mismatch = line.kitchenKnown && disagrees(line.left, line.received);
  const flagged = Boolean(line.driver || (line.kitchenKnown && line.kitchen) || mismatch);
  return h(
    "li",
    { class: `line-box${flagged ? " line-box-deviation" : ""}`, "data-testid": "line-box", "data-article": line.article },
    h("p", { class: "line-box-head" }, h("span", { class: "line-article" }, line.article), line.detail ? h("span", { class: "line-supplier" }, ` · ${line.detail}`) : null),
    quantityGrid({ ordered: line.ordered, left: line.left, received: line.kitchenKnown ? line.received : undefined, unit: line.unit, driver: line.driver, kitchen: line.kitchen }),
    sides(line.driver, line.kitchen, line.kitchenKnown),
    mismatch ? h("p", { class: "dev-mismatch", "data-testid": "line-mismatch" }, t("deviation.code.receipt_mismatch")) : null,
    line.driverNote ? h("p", { class: "dev-note" }, t("kitchen.line.driverNote", { note: line.driverNote })) : null,
    line.kitchenKnown && line.kitchenNote ? h("p", { class: "dev-note" }, t("deviation.kitchen_note", { note: line.kitchenNote })) : null,
    line.kitchenKnown && line.orderLineId !== undefined ? followButton(line.orderLineId) : null,
  );
}

/** Lines in boxes, grouped Fryst / Kylt / Torrt when the temperature class is known. */
export function lineBoxes(lines: LineRecord[]): HTMLElement[] {
  const known = lines.every((line) => line.temperature_class);
  const boxes = (group: LineRecord[]) => h("ul", { class: "line-boxes" }, group.map(lineBox));
  return known ? byTemperature(lines, boxes) : [boxes(lines)];
}

/** A delivery's lines as records: before the kitchen confirmed (`kitchenKnown` false) its side is
 * left empty, after it what the kitchen received and reported. */
export function deliveryRecords(delivery: Delivery, kitchenKnown: boolean): LineRecord[] {
  return delivery.lines.map((line) => ({
    id: line.order_line_id,
    article: line.article,
    detail: line.supplier_name,
    temperature_class: line.temperature_class,
    ordered: line.quantity,
    left: line.delivered_quantity,
    received: kitchenKnown ? line.received_quantity : null,
    unit: line.unit,
    driver: line.driver_deviation,
    kitchen: kitchenKnown ? line.kitchen_deviation : null,
    driverNote: line.driver_note,
    kitchenNote: kitchenKnown ? line.kitchen_note : "",
    kitchenKnown,
    orderLineId: line.order_line_id,
  }));
}
