// Building blocks shared by the views: states (loading, empty, error, saved copy) and orders.
import { ApiError, NetworkError } from "../api/client";
import { TEMPERATURE_CLASSES, type Order } from "../api/types";
import { intlLocale, serverText, t, type MessageKey } from "../i18n";
import { parseIsoDate, isoDate, addDays } from "../util/dates";
import { h } from "./dom";
import { formatDateTime, zoneDate } from "../util/time";

export function loading(): HTMLElement {
  return h("p", { class: "state state-loading", role: "status" }, t("common.loading"));
}

export function empty(message: string, hint?: string): HTMLElement {
  return h(
    "div",
    { class: "state state-empty", "data-testid": "empty-state" },
    h("p", { class: "state-title" }, message),
    hint ? h("p", {}, hint) : null,
  );
}

/** The message to show for an error: the API's own error.message when there is one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof NetworkError) return `${t("error.network")} ${t("offline.nothingSaved")}`;
  return error instanceof Error ? error.message : String(error);
}

export function errorBox(error: unknown, retry?: () => void): HTMLElement {
  return h(
    "div",
    { class: "alert alert-error", role: "alert", "data-testid": "error" },
    h("p", { class: "alert-title" }, t("error.title")),
    h("p", {}, errorMessage(error)),
    retry ? h("button", { type: "button", class: "button", onclick: retry }, t("common.retry")) : null,
  );
}

export function savedCopyNote(savedAt: number | null): HTMLElement | null {
  if (savedAt === null) return null;
  const time = formatDateTime(savedAt);
  return h("p", { class: "note-saved", "data-testid": "saved-copy" }, t("offline.savedAt", { time }));
}

export function formatKg(kg: number): string {
  return t("common.kg", {
    kg: new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 1 }).format(kg),
  });
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 2 }).format(value);
}

/** "I dag", "I morgon" or e.g. "torsdag 27 nov." */
export function dayLabel(day: string): string {
  const today = zoneDate();
  if (day === today) return t("common.today");
  if (day === isoDate(addDays(parseIsoDate(today), 1))) return t("common.tomorrow");
  return new Intl.DateTimeFormat(intlLocale(), {
    weekday: "long",
    day: "numeric",
    month: "short",
  }).format(parseIsoDate(day));
}

/** A line of goods as every role sees it: article, amount, temperature class. */
export interface GoodsLine {
  article: string;
  quantity: number;
  unit: string;
  temperature_class: string;
}

/** Items in sections headed Fryst / Kylt / Torrt (empty classes left out), each group drawn by `list`. */
export function byTemperature<L extends { temperature_class?: string | null }>(lines: L[], list: (group: L[]) => HTMLElement): HTMLElement[] {
  return TEMPERATURE_CLASSES.flatMap((temperature) => {
    const group = lines.filter((line) => line.temperature_class === temperature);
    if (!group.length) return [];
    return [
      h(
        "section",
        { class: `temp-group temp-${temperature}`, "data-temperature": temperature },
        h("h4", { class: "temp-label" }, t(`temp.${temperature}`)),
        list(group),
      ),
    ];
  });
}

/** Lines grouped Fryst / Kylt / Torrt; `detail` adds e.g. supplier and order after the article. */
export function linesByTemperature<L extends GoodsLine>(lines: L[], detail?: (line: L) => string): HTMLElement[] {
  return byTemperature(lines, (group) =>
    h(
      "ul",
      { class: "lines" },
      group.map((line) =>
        h(
          "li",
          {},
          h("span", { class: "line-article" }, line.article, detail ? h("span", { class: "line-supplier" }, ` · ${detail(line)}`) : null),
          h("span", { class: "line-qty" }, `${formatNumber(line.quantity)} ${line.unit}`),
        ),
      ),
    ),
  );
}

/** One order: reference, counterpart, total weight, lines grouped Fryst / Kylt / Torrt. */
export function orderCard(order: Order, counterpart: string): HTMLElement {
  return h(
    "article",
    { class: "card order", "data-testid": "order" },
    h(
      "header",
      { class: "order-head" },
      h("h3", {}, t("order.title", { ref: order.external_id })),
      h("p", { class: "muted" }, counterpart),
      h(
        "p",
        { class: "order-total" },
        t("order.total", {
          kg:
            order.total_weight_kg === null
              ? t("common.none")
              : new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 1 }).format(order.total_weight_kg),
        }),
      ),
    ),
    order.note ? h("p", { class: "order-note" }, t("order.note", { note: order.note })) : null,
    linesByTemperature(order.lines),
  );
}

export function ordersByDay<O extends Order>(
  byDay: Map<string, O[]>,
  counterpart: (order: O) => string,
): HTMLElement[] {
  return [...byDay.entries()].map(([day, orders]) =>
    h(
      "section",
      { class: "day", "data-day": day },
      h("h3", { class: "day-label" }, dayLabel(day)),
      orders.map((order) => orderCard(order, counterpart(order))),
    ),
  );
}


/** A record set aside by the device outbox (refused, or failing again and again; it never blocks
 * the others), shown with retry and discard. */
export interface ParkedRecord {
  seq?: number;
  label: string;
  setAside?: { message: string; reason: "refused" | "failing" } | null;
}

export function parkedAlert(
  item: ParkedRecord,
  keys: { title: MessageKey; retry: MessageKey; discard: MessageKey; confirm: MessageKey },
  retry: (seq: number) => void,
  discard: (seq: number) => void,
): HTMLElement {
  return h(
    "div",
    { class: "alert alert-error", role: "alert", "data-testid": "parked" },
    h("p", { class: "alert-title" }, t(keys.title, { what: item.label })),
    h("p", {}, item.setAside?.message ?? ""),
    h(
      "div",
      { class: "button-row" },
      h("button", { type: "button", class: "button", onclick: () => retry(item.seq ?? 0) }, t(keys.retry)),
      h(
        "button",
        {
          type: "button",
          class: "button button-secondary",
          onclick: () => {
            if (confirm(t(keys.confirm))) discard(item.seq ?? 0);
          },
        },
        t(keys.discard),
      ),
    ),
  );
}

/** A background run (impact analysis, region analysis) while it is queued or running, and when it
 * failed: its status and percentage, a progress bar and the server's message. */
export function runProgressBlock(
  run: (Parameters<typeof serverText>[0] & { status: string; progress?: number | null }) | null | undefined,
  { id, testId, statusKey }: { id: string; testId: string; statusKey: (status: string) => MessageKey },
): HTMLElement | null {
  if (!run || (run.status !== "queued" && run.status !== "running" && run.status !== "failed")) return null;
  const value = Math.round((run.progress || 0) * 100);
  return h(
    "div",
    { class: `progress-block job-${run.status}`, role: "status", "data-testid": testId },
    h("label", { for: id }, `${t(statusKey(run.status))} – ${value} %`),
    h("progress", { id, max: 100, value }),
    run.message ? h("p", { class: "muted small" }, serverText(run)) : null,
  );
}
