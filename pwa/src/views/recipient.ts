// The kitchen's view (shared tablet at a school or care home): upcoming deliveries, today
// first, with the expected arrival updated live, what is coming grouped Fryst / Kylt / Torrt,
// confirmation of receipt after the driver's hand-over (kept in an outbox when offline), the
// driver's PDF receipt, a "vehicle is near" notice, and 30 days of history with a CSV export.
import type { DeliveryPoint, User } from "../api/types";
import { outbox } from "../data/outbox";
import { loadRecipientData, loadRecipientHistory, type RecipientData } from "../data/queries";
import { t } from "../i18n";
import { confirmForm, newConfirmDraft, type ConfirmDraft } from "../recipient/confirm";
import { downloadFile, openPdf } from "../data/download";
import "../recipient/recipient.css";
import { pushPermission, subscribePush, type PushState } from "../recipient/push";
import { deliveryRecords, lineBoxes, type LineRecord } from "../recipient/lines";
import { dismissNear, recipient, queuedConfirmation, refreshDeliveries, setDeliveries, setRecipientRedraw, startRecipient } from "../recipient/state";
import { deliveryKey, type Delivery, type ExpectedLine, type HistoryRow } from "../recipient/types";
import { dayLabel, empty, errorBox, errorMessage, formatNumber, linesByTemperature, loading, parkedAlert, savedCopyNote } from "../ui/components";
import { h } from "../ui/dom";
import type { View } from "./types";
import { formatClock, formatDayTime } from "../util/time";

let root: HTMLElement | null = null;
let statusEl: HTMLElement | null = null;
let bodyEl: HTMLElement | null = null;
let points: DeliveryPoint[] = [];
let user: User | null = null;
let draft: ConfirmDraft | null = null;
let pushState: PushState = "unsupported";
let pushHelpOpen = false;
let history: { status: "idle" | "loading" | "ready" | "error"; rows: HistoryRow[]; savedAt: number | null; error?: unknown } = {
  status: "idle",
  rows: [],
  savedAt: null,
};
let actionError: string | null = null;

setRecipientRedraw((what) => {
  if (!root?.isConnected) return;
  if (what === "status" || what === "all") drawStatus();
  if ((what === "body" || what === "all") && !recipient.confirming) drawBody();
});

// --- small pieces -----------------------------------------------------------------------

function clock(iso: string | null | undefined): string {
  return iso ? formatClock(iso) : "";
}

function minutesLate(delivery: Delivery): number {
  if (!delivery.eta || !delivery.planned_arrival) return 0;
  return Math.round((Date.parse(delivery.eta) - Date.parse(delivery.planned_arrival)) / 60_000);
}

/** Lines goods in found short at the terminal: known before the truck leaves. */
function missingFromSupplier(delivery: Delivery): HTMLElement | null {
  const short = delivery.lines.filter(
    (line) => line.terminal_quantity !== null && line.terminal_quantity !== undefined && line.terminal_quantity < line.quantity,
  );
  if (!short.length) return null;
  return h(
    "div",
    { class: "alert alert-warn", role: "status", "data-testid": "missing-from-supplier" },
    h("p", { class: "alert-title" }, t("kitchen.missingFromSupplier.title")),
    h(
      "ul",
      {},
      short.map((line) =>
        h("li", {}, t("kitchen.missingFromSupplier.line", {
          article: line.article,
          missing: formatNumber(line.quantity - (line.terminal_quantity ?? 0)),
          ordered: formatNumber(line.quantity),
          unit: line.unit,
        })),
      ),
    ),
  );
}

function goods(lines: ExpectedLine[]): HTMLElement[] {
  return linesByTemperature(lines, (line) => `${line.supplier_name} · ${line.order_external_id}`);
}

// --- status: live, push, outbox, vehicle near ------------------------------------------------

/** Notifications: a button to turn them on, or why they cannot be (blocked, not supported). */
function pushButton(): HTMLElement {
  if (pushState === "subscribed") return h("span", { class: "push-on", "data-testid": "push-on" }, t("kitchen.push.on"));
  if (pushState === "denied" || pushState === "unsupported") {
    return h(
      "button",
      {
        type: "button",
        class: "button button-secondary",
        "data-testid": "push-blocked",
        "aria-expanded": String(pushHelpOpen),
        "aria-controls": "push-help",
        onclick: () => {
          pushHelpOpen = !pushHelpOpen;
          drawStatus();
        },
      },
      t(pushState === "denied" ? "kitchen.push.blocked" : "kitchen.push.unsupported"),
    );
  }
  return h(
    "button",
    {
      type: "button",
      class: "button button-secondary",
      "data-testid": "push-enable",
      onclick: () =>
        void subscribePush(true).then((state) => {
          pushState = state;
          pushHelpOpen = state === "denied" || state === "failed";
          drawStatus();
        }),
    },
    t("kitchen.push.enable"),
  );
}

function pushHelp(): HTMLElement | null {
  const key =
    pushState === "denied" ? "kitchen.push.deniedHelp" : pushState === "unsupported" ? "kitchen.push.unsupportedHelp" : pushState === "failed" ? "kitchen.push.failed" : null;
  if (!key || !pushHelpOpen) return null;
  return h("p", { class: "push-help", id: "push-help", role: "status", "data-testid": "push-help" }, t(key));
}

function drawStatus(): void {
  if (!statusEl) return;
  const near = recipient.near;
  const { waiting, setAside } = recipient.outbox;
  const parts: (HTMLElement | null)[] = [
      h(
        "div",
        { class: "sync-row" },
        h("span", { class: `live live-${recipient.live ? "on" : "off"}`, "data-testid": "live" }, t(recipient.live ? "kitchen.live" : "kitchen.notLive")),
        pushButton(),
        h("button", { type: "button", class: "button button-secondary", "data-testid": "refresh", onclick: () => void refreshDeliveries() }, t("kitchen.refresh")),
      ),
      pushHelp(),
      near
        ? h(
            "div",
            { class: "near-banner", role: "alert", "data-testid": "vehicle-near" },
            h("p", { class: "alert-title" }, t("kitchen.near.title")),
            h("p", {}, t("kitchen.near.body", { time: clock(near.eta) })),
            h("button", { type: "button", class: "button", onclick: dismissNear, "data-testid": "vehicle-near-ok" }, t("kitchen.near.ok")),
          )
        : null,
      waiting.length
        ? h("p", { class: "pending", role: "status", "data-testid": "pending-count" }, t(waiting.length === 1 ? "kitchen.pendingOne" : "kitchen.pending", { n: waiting.length }))
        : null,
      ...setAside.map((record) =>
        parkedAlert(
          record,
          { title: "kitchen.parked", retry: "kitchen.parkedRetry", discard: "kitchen.parkedDiscard", confirm: "kitchen.parkedDiscardConfirm" },
          (seq) => void outbox.retry(seq),
          (seq) => void outbox.discard(seq),
        ),
      ),
  ];
  statusEl.replaceChildren(...parts.filter((part): part is HTMLElement => part !== null));
}

// --- upcoming deliveries ---------------------------------------------------------------------

function statusChip(delivery: Delivery): HTMLElement {
  return h("span", { class: `chip chip-${delivery.status}`, "data-testid": "delivery-status" }, t(`kitchen.status.${delivery.status}`));
}

function arrival(delivery: Delivery): HTMLElement | null {
  if (delivery.status === "not_planned") return h("p", { class: "muted" }, t("kitchen.notPlannedHint"));
  if (delivery.status === "done" || delivery.status === "skipped" || !delivery.eta) return null;
  const late = minutesLate(delivery);
  return h(
    "div",
    { class: "eta-box" },
    h("p", { class: "eta-label" }, t(delivery.status === "arrived" ? "kitchen.arrivedAt" : "kitchen.expected")),
    h("p", { class: "eta", "data-testid": "eta" }, clock(delivery.eta)),
    h(
      "p",
      { class: "muted", "data-testid": "eta-detail" },
      [
        late >= 5
          ? t("kitchen.late", { planned: clock(delivery.planned_arrival), min: late })
          : late <= -5
            ? t("kitchen.early", { planned: clock(delivery.planned_arrival), min: -late })
            : t("kitchen.onTime"),
        delivery.stops_before !== undefined && delivery.status === "planned"
          ? delivery.stops_before === 0
            ? t("kitchen.nextStop")
            : t(delivery.stops_before === 1 ? "kitchen.stopsBeforeOne" : "kitchen.stopsBefore", { n: delivery.stops_before })
          : "",
      ]
        .filter(Boolean)
        .join(" · "),
    ),
  );
}

function receipt(delivery: Delivery): HTMLElement | null {
  const handedOver = delivery.status === "done" || delivery.status === "skipped" || delivery.proof_id !== null;
  if (!handedOver) return null;
  const key = deliveryKey(delivery);
  const queued = queuedConfirmation(key);
  return h(
    "div",
    { class: "receipt-actions" },
    delivery.proof_id !== null
      ? h(
          "button",
          {
            type: "button",
            class: "button button-secondary button-block",
            "data-testid": "receipt-pdf",
            onclick: () => {
              actionError = null;
              openPdf(`/proofs/${delivery.proof_id}/receipt.pdf`, `kvitto-${delivery.proof_id}.pdf`).catch((error: unknown) => {
                actionError = errorMessage(error);
                drawBody();
              });
            },
          },
          t("kitchen.receiptPdf"),
        )
      : null,
    delivery.confirmed
      ? h(
          "div",
          { class: "confirmed", "data-testid": "confirmed" },
          h("p", {}, `✓ ${t("kitchen.confirmed")}`),
          delivery.confirmation ? h("p", { class: "confirmed-by", "data-testid": "confirmed-by" }, confirmedBy(delivery.confirmation)) : null,
          delivery.confirmation?.note ? h("p", { class: "confirmed-by" }, t("kitchen.confirmedNote", { note: delivery.confirmation.note })) : null,
        )
      : queued
        ? h("p", { class: "pending", "data-testid": "confirm-queued" }, t(queued.setAside ? "kitchen.confirmRefused" : "kitchen.confirmQueued"))
        : h(
            "button",
            {
              type: "button",
              class: "button button-primary button-big button-block",
              "data-testid": "confirm-open",
              onclick: () => {
                recipient.confirming = key;
                draft = newConfirmDraft(key, delivery);
                drawBody();
                window.scrollTo(0, 0);
              },
            },
            t("kitchen.confirm.open"),
          ),
  );
}

function confirmedBy(who: { confirmed_by_name: string; confirmed_by_account: string; confirmed_at: string | null }): string {
  return t("kitchen.confirmedBy", {
    name: who.confirmed_by_name || t("kitchen.noName"),
    account: who.confirmed_by_account,
    time: who.confirmed_at ? formatDayTime(who.confirmed_at) : t("common.none"),
  });
}


function deliveryCard(delivery: Delivery, showPoint: boolean): HTMLElement {
  const windows = delivery.time_windows.map(([from, to]) => `${from}–${to}`).join(", ");
  return h(
    "article",
    { class: `card delivery status-${delivery.status}`, "data-testid": "delivery", "data-key": deliveryKey(delivery), "data-date": delivery.date },
    h(
      "header",
      { class: "delivery-head" },
      h("div", {}, showPoint ? h("h3", {}, delivery.delivery_point_name) : null, windows ? h("p", { class: "muted" }, t("kitchen.window", { window: windows })) : null),
      statusChip(delivery),
    ),
    arrival(delivery),
    delivery.confirmed ? null : missingFromSupplier(delivery),
    receipt(delivery),
    ...(delivery.confirmed
      ? [h("h4", { class: "goods-title" }, t("kitchen.receivedTitle")), h("div", { "data-testid": "received-lines" }, lineBoxes(deliveryRecords(delivery, true)))]
      : [h("h4", { class: "goods-title" }, t("kitchen.coming", { n: delivery.lines.length })), ...goods(delivery.lines)]),
  );
}

function pointCard(point: DeliveryPoint): HTMLElement {
  const sorted = [...point.receiving_windows].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
  return h(
    "article",
    { class: "card point", "data-testid": "delivery-point", "data-id": point.id },
    h("h3", {}, point.name),
    h("p", { class: "muted" }, [t(`dpKind.${point.kind}`), point.address].filter(Boolean).join(" · ")),
    h("h4", {}, t("recipient.windows")),
    sorted.length
      ? h(
          "dl",
          { class: "windows" },
          sorted.flatMap((w) => [h("dt", {}, t(`weekday.${w.weekday}` as `weekday.${0 | 1 | 2 | 3 | 4 | 5 | 6}`)), h("dd", {}, `${w.start}–${w.end}`)]),
        )
      : h("p", { class: "muted" }, t("recipient.noWindows")),
    point.unloading_place ? h("p", {}, t("recipient.unloading", { place: point.unloading_place })) : null,
    point.access_notes ? h("p", {}, t("recipient.access", { notes: point.access_notes })) : null,
  );
}

function upcoming(): HTMLElement {
  const deliveries = recipient.deliveries;
  const byDay = new Map<string, Delivery[]>();
  for (const delivery of [...deliveries].sort((a, b) => a.date.localeCompare(b.date) || a.delivery_point_name.localeCompare(b.delivery_point_name))) {
    byDay.set(delivery.date, [...(byDay.get(delivery.date) ?? []), delivery]);
  }
  return h(
    "div",
    {},
    recipient.flash ? h("p", { class: "flash", role: "status", "data-testid": "flash" }, recipient.flash) : null,
    actionError ? h("p", { class: "alert alert-error", role: "alert" }, actionError) : null,
    byDay.size
      ? [...byDay.entries()].map(([day, list]) =>
          h("section", { class: "day kitchen-day", "data-day": day }, h("h3", { class: "day-label" }, dayLabel(day)), list.map((d) => deliveryCard(d, true))),
        )
      : empty(t("recipient.noOrders")),
    points.length ? h("h2", { class: "section-title" }, t(points.length > 1 ? "kitchen.myPoints" : "kitchen.myPoint")) : null,
    h("div", { class: "points" }, points.map(pointCard)),
  );
}

// --- history ---------------------------------------------------------------------------------

function loadHistory(): void {
  history = { ...history, status: "loading" };
  drawBody();
  loadRecipientHistory()
    .then((loaded) => {
      history = { status: "ready", rows: loaded.data, savedAt: loaded.savedAt };
    })
    .catch((error: unknown) => {
      history = { status: "error", rows: [], savedAt: null, error };
    })
    .finally(() => {
      if (recipient.tab === "history") drawBody();
    });
}

function historyRecord(row: HistoryRow, index: number): LineRecord {
  return {
    id: `${row.proof_id}-${index}`,
    article: row.article,
    ordered: row.ordered,
    left: row.delivered,
    received: row.received,
    unit: row.unit,
    driver: row.driver_deviation || null,
    kitchen: row.kitchen_deviation || null,
    driverNote: row.driver_note,
    kitchenNote: row.kitchen_note,
    kitchenKnown: row.confirmed,
  };
}

function historyCard(rows: HistoryRow[]): HTMLElement {
  const first = rows[0]!;
  return h(
    "article",
    { class: "card", "data-testid": "history-delivery" },
    h("h3", {}, t("kitchen.history.when", { day: dayLabel(first.date), time: clock(first.delivered_at) })),
    h("p", { class: "muted" }, [first.delivery_point, first.receiver_name && t("kitchen.history.signedBy", { name: first.receiver_name })].filter(Boolean).join(" · ")),
    first.confirmed
      ? h("p", { class: "history-confirmed", "data-testid": "history-confirmed-by" }, confirmedBy(first))
      : h("p", { class: "history-unconfirmed", "data-testid": "history-confirmed-by" }, t("kitchen.history.notConfirmed")),
    first.confirmation_note ? h("p", {}, t("kitchen.confirmedNote", { note: first.confirmation_note })) : null,
    h("div", { "data-testid": "history-lines" }, lineBoxes(rows.map(historyRecord))),
  );
}

function historyView(): HTMLElement {
  const csv = h(
    "button",
    {
      type: "button",
      class: "button button-secondary button-block",
      "data-testid": "history-csv",
      onclick: () => {
        actionError = null;
        downloadFile("/recipient/history.csv", t("kitchen.history.csvFile")).catch((error: unknown) => {
          actionError = errorMessage(error);
          drawBody();
        });
      },
    },
    t("kitchen.history.csv"),
  );
  if (history.status === "idle") queueMicrotask(loadHistory);
  if (history.status === "loading" || history.status === "idle") return h("div", {}, loading());
  if (history.status === "error") return h("div", {}, errorBox(history.error, loadHistory));
  const byProof = new Map<number, HistoryRow[]>();
  for (const row of history.rows) byProof.set(row.proof_id, [...(byProof.get(row.proof_id) ?? []), row]);
  return h(
    "div",
    { class: "history" },
    savedCopyNote(history.savedAt),
    actionError ? h("p", { class: "alert alert-error", role: "alert" }, actionError) : null,
    h("p", { class: "muted" }, t("kitchen.history.intro")),
    csv,
    byProof.size
      ? [...byProof.values()].reverse().map(historyCard)
      : empty(t("kitchen.history.empty")),
  );
}

// --- screens ---------------------------------------------------------------------------------

function tabs(): HTMLElement {
  const tab = (name: "upcoming" | "history", label: string) =>
    h(
      "button",
      {
        type: "button",
        role: "tab",
        class: "tab",
        "aria-selected": String(recipient.tab === name),
        "data-testid": `tab-${name}`,
        onclick: () => {
          recipient.tab = name;
          if (name === "history") history = { ...history, status: "idle" };
          drawBody();
        },
      },
      label,
    );
  return h("div", { class: "tabs", role: "tablist" }, tab("upcoming", t("kitchen.tab.upcoming")), tab("history", t("kitchen.tab.history")));
}

function drawBody(): void {
  if (!bodyEl || !user) return;
  const confirming = recipient.confirming ? recipient.deliveries.find((d) => deliveryKey(d) === recipient.confirming) : null;
  if (recipient.confirming && confirming && draft) {
    const close = () => {
      recipient.confirming = null;
      draft = null;
      drawBody();
    };
    bodyEl.replaceChildren(
      h(
        "div",
        {},
        h("p", { class: "muted" }, `${confirming.delivery_point_name} · ${dayLabel(confirming.date)}`),
        confirmForm(confirming, draft, user.id, {
          redraw: drawBody,
          cancel: close,
          saved: () => {
            recipient.flash = t("kitchen.confirm.saved");
            close();
          },
          failed: () => {
            recipient.flash = t("kitchen.confirm.saveFailed");
            drawBody();
          },
        }),
      ),
    );
    return;
  }
  recipient.confirming = null;
  bodyEl.replaceChildren(tabs(), recipient.tab === "history" ? historyView() : upcoming());
  recipient.flash = null;
}

export const recipientView: View<RecipientData> = {
  id: "recipient-deliveries",
  title: "recipient.title",
  load: async (who: User) => {
    const loaded = await loadRecipientData();
    startRecipient(who.id);
    return loaded;
  },
  render(data, who) {
    if (!who.delivery_point_ids.length && !data.points.length) return empty(t("recipient.noPoints"));
    user = who;
    points = data.points;
    if (data !== lastData) {
      lastData = data;
      setDeliveries(data.deliveries);
    }
    // A failed subscription stays shown (with its "try again") until the browser says otherwise.
    const permission = pushPermission();
    if (pushState !== "failed" || permission === "denied" || permission === "unsupported") pushState = permission;
    if (pushState === "subscribed" && !pushTried) {
      pushTried = true;
      void subscribePush(false).then((state) => {
        pushState = state;
        drawStatus();
      });
    }
    statusEl = h("div", { class: "sync-bar kitchen-status" });
    bodyEl = h("div", { class: "kitchen-body" });
    root = h("div", { class: "kitchen" }, statusEl, bodyEl);
    drawStatus();
    drawBody();
    return root;
  },
};

let lastData: RecipientData | null = null;
let pushTried = false;
