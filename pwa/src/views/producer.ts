// The local producer's view (a farmer on a phone): free pickup / drop-off slots for the coming
// weeks, a form to book one and declare the goods, their bookings with the confirmed pickup
// time once the day is planned, and changing or cancelling before the cut-off. Also the orders
// the farm is to deliver, whose references a booking can name.
import { request } from "../api/client";
import type { Order, User } from "../api/types";
import { loadProducerBookings, loadProducerData, type ProducerData } from "../data/queries";
import { t } from "../i18n";
import "../kitchen/kitchen.css";
import { applyError, bookingForm, draftFor, formBody, type FormDraft } from "../producer/form";
import type { Booking, FreeSlot } from "../producer/types";
import { dayLabel, empty, errorMessage, formatNumber, ordersByDay } from "../ui/components";
import { h } from "../ui/dom";
import { parseIsoDate } from "../util/dates";
import type { View } from "./types";
import { formatClock, formatDayTime, zoneDate } from "../util/time";

type Tab = "slots" | "bookings" | "orders";
type Screen = { name: "tabs" } | { name: "book"; slot: FreeSlot } | { name: "edit"; booking: Booking };

let data: ProducerData | null = null;
let root: HTMLElement | null = null;
let tab: Tab = "slots";
let screen: Screen = { name: "tabs" };
let draft: FormDraft | null = null;
let flash: string | null = null;
let listError: string | null = null;
let cancelling: number | null = null;
let busy = false;

// --- small pieces -----------------------------------------------------------------------------

function clock(iso: string | null): string {
  return iso ? formatClock(iso) : "";
}

const moment = formatDayTime;

const closed = (cutoff: string) => Date.now() >= Date.parse(cutoff);

/** ISO 8601 week number of a YYYY-MM-DD date. */
function isoWeek(day: string): number {
  const date = parseIsoDate(day);
  date.setDate(date.getDate() + 3 - ((date.getDay() + 6) % 7));
  const firstThursday = new Date(date.getFullYear(), 0, 4);
  return 1 + Math.round(((date.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getDay() + 6) % 7)) / 7);
}

function kindBadge(kind: string): HTMLElement {
  return h("span", { class: `kind-badge kind-${kind}`, "data-testid": "slot-kind" }, t(kind === "terminal_dropoff" ? "producer.kind.terminal_dropoff" : "producer.kind.farm_pickup"));
}

function when(day: string, start: string, end: string): string {
  return `${dayLabel(day)} ${start}–${end}`;
}

async function reload(): Promise<void> {
  if (!data) return;
  try {
    const fresh = await loadProducerBookings();
    data.slots = fresh.slots;
    data.bookings = fresh.bookings;
    listError = null;
  } catch (error) {
    listError = errorMessage(error);
  }
  draw();
}

function go(next: Screen, nextTab?: Tab): void {
  screen = next;
  if (nextTab) tab = nextTab;
  draw();
  window.scrollTo(0, 0);
}

// --- slots --------------------------------------------------------------------------------------

function slotCard(slot: FreeSlot): HTMLElement {
  const reason = slot.bookable ? null : closed(slot.cutoff) ? t("producer.slot.closed") : t("producer.slot.full");
  return h(
    "article",
    { class: `card slot${slot.bookable ? "" : " full"}`, "data-testid": "slot", "data-date": slot.date, "data-kind": slot.kind, "data-template-id": slot.template_id },
    h("h4", {}, kindBadge(slot.kind), when(slot.date, slot.start, slot.end)),
    h(
      "p",
      { "data-testid": "slot-free" },
      t("producer.slot.free", { kg: formatNumber(slot.free_kg), pallets: formatNumber(slot.free_pallets) }),
    ),
    h("p", { class: "muted small" }, `${slot.name} · ${t("producer.slot.cutoff", { time: moment(slot.cutoff) })}`),
    h(
      "button",
      {
        type: "button",
        class: "button button-primary",
        "data-testid": "slot-book",
        disabled: !slot.bookable,
        "aria-label": `${t("producer.slot.book")} ${when(slot.date, slot.start, slot.end)}`,
        title: reason,
        onclick: () => {
          draft = draftFor(null, areas());
          go({ name: "book", slot });
        },
      },
      slot.bookable ? t("producer.slot.book") : reason,
    ),
  );
}

function slotsTab(): HTMLElement {
  const slots = data?.slots ?? [];
  if (!slots.length) return empty(t("producer.slot.none"), t("producer.slot.noneHint"));
  const weeks = new Map<number, FreeSlot[]>();
  for (const slot of [...slots].sort((a, b) => a.date.localeCompare(b.date) || a.start.localeCompare(b.start))) {
    const week = isoWeek(slot.date);
    weeks.set(week, [...(weeks.get(week) ?? []), slot]);
  }
  return h(
    "div",
    {},
    h("p", { class: "muted" }, t("producer.slot.intro")),
    [...weeks.entries()].map(([week, list]) =>
      h("section", { class: "week", "data-week": week }, h("h3", { class: "week-title" }, t("producer.week", { n: week })), list.map(slotCard)),
    ),
  );
}

// --- bookings ----------------------------------------------------------------------------------

function areas() {
  const own = data?.supplier?.product_areas ?? [];
  return own.length ? own : (data?.areas ?? []);
}

function bookingCard(booking: Booking): HTMLElement {
  const isClosed = closed(booking.cutoff);
  const cancelled = booking.status === "cancelled";
  const status = cancelled ? "cancelled" : booking.confirmed_time ? "confirmed" : "booked";
  const area = data?.areas.find((a) => a.id === booking.product_area_id);
  return h(
    "article",
    { class: "card booking", "data-testid": "booking", "data-id": booking.id, "data-status": status },
    h(
      "header",
      { class: "booking-head" },
      h("div", {}, h("h3", {}, kindBadge(booking.kind), when(booking.date, booking.start, booking.end)), h("p", { class: "muted small" }, booking.slot_name)),
      h("span", { class: `chip chip-${status}`, "data-testid": "booking-status" }, t(`producer.status.${status}`)),
    ),
    h(
      "p",
      {},
      [
        area?.name,
        t(`temp.${booking.temperature_class}`),
        t("common.kg", { kg: formatNumber(booking.kg) }),
        booking.pallets === 1 ? t("producer.palletsOne") : t("producer.pallets", { n: formatNumber(booking.pallets) }),
      ]
        .filter(Boolean)
        .join(" · "),
    ),
    booking.order_refs.length ? h("p", {}, t("producer.refs", { refs: booking.order_refs.join(", ") })) : null,
    booking.note ? h("p", { class: "order-note" }, booking.note) : null,
    cancelled
      ? null
      : booking.confirmed_time
        ? h(
            "p",
            { class: "confirmed-time", "data-testid": "confirmed-time" },
            t(booking.kind === "terminal_dropoff" ? "producer.confirmedDropoff" : "producer.confirmedPickup", { time: clock(booking.confirmed_time) }),
          )
        : h("p", { class: "muted", "data-testid": "not-confirmed" }, t("producer.notConfirmed")),
    cancelled
      ? null
      : isClosed
        ? h("p", { class: "locked", "data-testid": "booking-locked" }, t("producer.locked", { time: moment(booking.cutoff) }))
        : h("p", { class: "muted small" }, t("producer.openUntil", { time: moment(booking.cutoff) })),
    cancelled
      ? null
      : cancelling === booking.id
        ? h(
            "div",
            { class: "button-row", role: "group" },
            h("p", { class: "alert-title" }, t("producer.cancelConfirm")),
            h("button", { type: "button", class: "button button-primary", "data-testid": "booking-cancel-yes", disabled: busy, onclick: () => void cancelBooking(booking) }, t("producer.cancelYes")),
            h("button", { type: "button", class: "button", onclick: () => ((cancelling = null), draw()) }, t("producer.cancelNo")),
          )
        : h(
            "div",
            { class: "button-row" },
            h(
              "button",
              {
                type: "button",
                class: "button",
                "data-testid": "booking-edit",
                disabled: isClosed,
                "aria-describedby": isClosed ? null : undefined,
                onclick: () => {
                  draft = draftFor(booking, areas());
                  go({ name: "edit", booking });
                },
              },
              t("producer.edit"),
            ),
            h(
              "button",
              { type: "button", class: "button", "data-testid": "booking-cancel", disabled: isClosed, onclick: () => ((cancelling = booking.id), draw()) },
              t("producer.cancel"),
            ),
          ),
  );
}

async function cancelBooking(booking: Booking): Promise<void> {
  busy = true;
  draw();
  try {
    await request<Booking>("DELETE", `/producer/bookings/${booking.id}`);
    flash = t("producer.flash.cancelled");
    listError = null;
  } catch (error) {
    listError = errorMessage(error);
  }
  busy = false;
  cancelling = null;
  await reload();
}

function bookingsTab(): HTMLElement {
  const bookings = data?.bookings ?? [];
  if (!bookings.length) return empty(t("producer.noBookings"), t("producer.noBookingsHint"));
  // Coming first (soonest on top), then past and cancelled ones.
  const today = zoneDate();
  const sorted = [...bookings].sort((a, b) => {
    const rank = (x: Booking) => (x.status === "cancelled" ? 2 : x.date < today ? 1 : 0);
    return rank(a) - rank(b) || (rank(a) === 0 ? a.date.localeCompare(b.date) : b.date.localeCompare(a.date));
  });
  return h("div", {}, sorted.map(bookingCard));
}

// --- orders ------------------------------------------------------------------------------------

function ordersTab(): HTMLElement {
  const byDay = data?.ordersByDay ?? new Map<string, Order[]>();
  return h(
    "div",
    {},
    data?.supplier
      ? h(
          "article",
          { class: "card", "data-testid": "supplier" },
          h("h3", {}, data.supplier.name),
          h("p", { class: "muted" }, [t(`supplierKind.${data.supplier.kind}`), data.supplier.address].filter(Boolean).join(" · ")),
          data.supplier.product_areas.length ? h("p", {}, t("producer.productAreas", { areas: data.supplier.product_areas.map((a) => a.name).join(", ") })) : null,
        )
      : null,
    h("h3", { class: "section-title" }, t("producer.upcoming")),
    byDay.size ? ordersByDay(byDay, (order) => t("order.toDeliveryPoint", { id: order.delivery_point_id })) : empty(t("producer.noOrders")),
  );
}

// --- screens -----------------------------------------------------------------------------------

function tabs(): HTMLElement {
  const active = (data?.bookings ?? []).filter((b) => b.status !== "cancelled").length;
  const button = (name: Tab, label: string) =>
    h(
      "button",
      {
        type: "button",
        role: "tab",
        class: "tab",
        "aria-selected": String(tab === name),
        "data-testid": `tab-${name}`,
        onclick: () => {
          tab = name;
          cancelling = null;
          draw();
        },
      },
      label,
    );
  return h(
    "div",
    { class: "tabs", role: "tablist" },
    button("slots", t("producer.tab.slots")),
    button("bookings", active ? t("producer.tab.bookingsN", { n: active }) : t("producer.tab.bookings")),
    button("orders", t("producer.tab.orders")),
  );
}

function orderRefsFor(day: string): string[] {
  return (data?.ordersByDay.get(day) ?? []).map((order) => order.external_id);
}

function formScreen(current: Extract<Screen, { name: "book" | "edit" }>): HTMLElement {
  const slot = current.name === "book" ? current.slot : current.booking;
  const label = h(
    "p",
    { class: "lead", "data-testid": "form-slot" },
    kindBadge(slot.kind),
    when(slot.date, slot.start, slot.end),
    current.name === "book"
      ? h("span", { class: "muted small" }, ` · ${t("producer.slot.free", { kg: formatNumber(current.slot.free_kg), pallets: formatNumber(current.slot.free_pallets) })}`)
      : null,
  );
  const form = draft ?? (draft = draftFor(current.name === "edit" ? current.booking : null, areas()));
  return bookingForm(slot, label, form, areas(), current.name === "edit", orderRefsFor(slot.date), {
    redraw: draw,
    cancel: () => go({ name: "tabs" }),
    submit: (filled) => {
      filled.sending = true;
      draw();
      const body = formBody(filled, current.name === "book" ? current.slot : { template_id: current.booking.template_id, date: current.booking.date });
      const call =
        current.name === "book"
          ? request<Booking>("POST", "/producer/bookings", body)
          : request<Booking>("PATCH", `/producer/bookings/${current.booking.id}`, {
              kg: body.kg,
              pallets: body.pallets,
              temperature_class: body.temperature_class,
              order_refs: body.order_refs,
              note: body.note,
            });
      call
        .then(async () => {
          flash = t(current.name === "book" ? "producer.flash.booked" : "producer.flash.changed");
          draft = null;
          screen = { name: "tabs" };
          tab = "bookings";
          await reload();
          window.scrollTo(0, 0);
        })
        .catch((error: unknown) => {
          filled.sending = false;
          applyError(filled, error);
          draw();
          requestAnimationFrame(() => document.querySelector<HTMLElement>("[data-testid=form-error]")?.scrollIntoView({ block: "center" }));
        });
    },
  });
}

function draw(): void {
  if (!root || !data) return;
  if (screen.name !== "tabs") {
    root.replaceChildren(formScreen(screen));
    return;
  }
  const note = flash;
  flash = null;
  const parts: (HTMLElement | null)[] = [
    h(
      "div",
      { class: "sync-row" },
      h("button", { type: "button", class: "button button-secondary", "data-testid": "refresh", onclick: () => void reload() }, t("producer.refresh")),
    ),
    note ? h("p", { class: "flash", role: "status", "data-testid": "flash" }, note) : null,
    listError ? h("p", { class: "alert alert-error", role: "alert", "data-testid": "list-error" }, listError) : null,
    tabs(),
    tab === "slots" ? slotsTab() : tab === "bookings" ? bookingsTab() : ordersTab(),
  ];
  root.replaceChildren(...parts.filter((part): part is HTMLElement => part !== null));
}

let hooked = false;

export const producerView: View<ProducerData> = {
  id: "producer-bookings",
  title: "producer.title",
  load: (user: User) => loadProducerData(user.supplier_id),
  render(loaded) {
    if (!loaded.supplier) return empty(t("producer.noSupplier"));
    if (loaded !== data) {
      data = loaded;
      if (!loaded.bookings.some((b) => b.status !== "cancelled")) tab = tab === "bookings" ? "slots" : tab;
    }
    root = h("div", { class: "producer" });
    draw();
    if (!hooked) {
      hooked = true;
      // The confirmed time appears when the coordinator plans: look again when the farmer
      // comes back to the app.
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible" && root?.isConnected && screen.name === "tabs") void reload();
      });
    }
    return root;
  },
};
