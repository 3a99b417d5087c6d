// The local producer's view (a farmer on a phone): free pickup / drop-off slots for the coming
// weeks, a form to book one and declare the goods, their bookings with the confirmed pickup
// time once the day is planned, and changing or cancelling before the cut-off. Also the orders
// the farm is to deliver (with the delivery points' names), which a booking can name.
import { ApiError, request } from "../api/client";
import type { ApiSchema, User } from "../api/types";
import { loadProducerBookings, loadProducerData, loadProducerOrdersOf, type ProducerData } from "../data/queries";
import { t } from "../i18n";
import "../recipient/recipient.css";
import { applyError, bookingForm, draftFor, formBody, orderPicker, type FormDraft, type OrderChoices } from "../producer/form";
import "../producer/producer.css";
import { roomForBooking, roomForSlot } from "../producer/rules";
import type { Booking, FreeSlot, ProducerOrder } from "../producer/types";
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
/** The farm's orders per day, loaded when a form for that day opens. */
const orderChoices = new Map<string, OrderChoices>();

// --- small pieces -----------------------------------------------------------------------------

function clock(iso: string | null): string {
  return iso ? formatClock(iso) : "";
}

const moment = formatDayTime;

const closed = (cutoff: string) => Date.now() >= Date.parse(cutoff);

/** Why a slot cannot be booked, in words (the server says which; an old answer without it: by the clock). */
function closedReason(slot: FreeSlot): string | null {
  if (slot.bookable) return null;
  const reason = slot.closed_reason ?? (closed(slot.cutoff) ? "cutoff" : "full");
  return reason === "cutoff" ? t("producer.slot.reason.cutoff", { time: moment(slot.cutoff) }) : t("producer.slot.reason.full");
}

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
  if (next.name !== "tabs") orderChoices.clear(); // a fresh list of orders each time a form opens
  screen = next;
  if (nextTab) tab = nextTab;
  draw();
  window.scrollTo(0, 0);
}

// --- slots --------------------------------------------------------------------------------------

function slotCard(slot: FreeSlot): HTMLElement {
  const reason = closedReason(slot);
  const slotWhen = when(slot.date, slot.start, slot.end);
  return h(
    "article",
    { class: `card slot${reason ? " full" : ""}`, "data-testid": "slot", "data-date": slot.date, "data-kind": slot.kind, "data-template-id": slot.template_id },
    h(
      "div",
      { class: "slot-info" },
      h("h4", {}, kindBadge(slot.kind), slotWhen),
      h(
        "p",
        { "data-testid": "slot-free" },
        t("producer.slot.free", { kg: formatNumber(slot.free_kg), pallets: formatNumber(slot.free_pallets) }),
      ),
      h("p", { class: "muted small" }, `${slot.name} · ${t("producer.slot.cutoff", { time: moment(slot.cutoff) })}`),
      reason ? h("p", { class: "slot-closed", "data-testid": "slot-closed" }, t("producer.slot.closedText", { reason })) : null,
    ),
    // A closed slot keeps a focusable button (aria-disabled, not disabled) whose name says it is
    // closed and why, so a screen reader user hears it instead of a silent greyed-out "Boka".
    h(
      "button",
      {
        type: "button",
        class: "button button-primary",
        "data-testid": "slot-book",
        "aria-disabled": reason ? "true" : null,
        "aria-label": reason ? t("producer.slot.closedLabel", { when: slotWhen, reason }) : t("producer.slot.bookLabel", { when: slotWhen }),
        onclick: () => {
          if (reason) return;
          draft = draftFor(null, areas());
          go({ name: "book", slot });
        },
      },
      reason ? t("producer.slot.closedShort") : t("producer.slot.book"),
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
    booking.order_refs.length
      ? h("p", { "data-testid": "booking-orders" }, t("producer.refs", { refs: bookedOrders(booking).join(", ") }))
      : null,
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
  const byDay = data?.ordersByDay ?? new Map<string, ProducerOrder[]>();
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
    byDay.size
      ? ordersByDay(byDay, (order) => t("order.toDeliveryPoint", { name: order.delivery_point_name }))
      : empty(t("producer.noOrders")),
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

/** Fresh free capacity for the open form (after the server said the slot is full). */
async function refreshFormCapacity(): Promise<void> {
  if (!data) return;
  try {
    const fresh = await loadProducerBookings();
    data.slots = fresh.slots;
    data.bookings = fresh.bookings;
  } catch {
    return; // offline: the server's message says what is free
  }
  if (screen.name === "book") {
    const { template_id, date } = screen.slot;
    const slot = data.slots.find((s) => s.template_id === template_id && s.date === date);
    if (slot) screen = { name: "book", slot };
  } else if (screen.name === "edit") {
    const id = screen.booking.id;
    const booking = data.bookings.find((b) => b.id === id);
    if (booking) screen = { name: "edit", booking };
  }
}

/** "O-3 (Bergaskolan kök)": a booking's orders with where they go. */
function bookedOrders(booking: Booking): string[] {
  const named = new Map((booking.orders ?? []).map((order) => [order.external_id, order.delivery_point_name]));
  return booking.order_refs.map((ref) => {
    const point = named.get(ref);
    return point ? t("producer.refWithPoint", { ref, point }) : ref;
  });
}

/** The farm's orders of `day` for the form: loaded once per day and form visit, then redrawn. */
function choicesFor(day: string): OrderChoices {
  const known = orderChoices.get(day);
  if (known) return known;
  const loading: OrderChoices = { state: "loading" };
  orderChoices.set(day, loading);
  const settle = (choices: OrderChoices) => {
    if (orderChoices.get(day) !== loading) return; // the form was left meanwhile
    orderChoices.set(day, choices);
    // Only the list is replaced, so a farmer typing the weight keeps the cursor where it is.
    const shown = root?.querySelector("[data-testid=order-choices]");
    if (shown && draft) shown.replaceWith(orderPicker(draft, choices, dayLabel(day)));
  };
  loadProducerOrdersOf(day)
    .then((loaded) => settle({ state: "ready", orders: loaded.data }))
    .catch((error: unknown) => settle({ state: "failed", message: errorMessage(error) }));
  return loading;
}

function formScreen(current: Extract<Screen, { name: "book" | "edit" }>): HTMLElement {
  const slot = current.name === "book" ? current.slot : current.booking;
  const label = h("p", { class: "lead", "data-testid": "form-slot" }, kindBadge(slot.kind), when(slot.date, slot.start, slot.end));
  const form = draft ?? (draft = draftFor(current.name === "edit" ? current.booking : null, areas()));
  const context = {
    slotLabel: label,
    room: current.name === "book" ? roomForSlot(current.slot) : roomForBooking(current.booking),
    day: dayLabel(slot.date),
    orders: choicesFor(slot.date),
    editing: current.name === "edit",
  };
  return bookingForm(form, areas(), context, {
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
            } satisfies ApiSchema<"BookingChange">);
      call
        .then(async () => {
          flash = t(current.name === "book" ? "producer.flash.booked" : "producer.flash.changed");
          draft = null;
          screen = { name: "tabs" };
          tab = "bookings";
          await reload();
          window.scrollTo(0, 0);
        })
        .catch(async (error: unknown) => {
          filled.sending = false;
          applyError(filled, error);
          // Someone else booked meanwhile: show what is free now, not what was free when the form opened.
          if (error instanceof ApiError && error.code === "booking.slot_full") await refreshFormCapacity();
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
