// The producer's booking form: declare the goods for a slot (product area, temperature class,
// kg, pallet places, which of the farm's orders of that day they fill, a note), or change them
// before the cut-off. The amounts are checked against the free capacity before sending; API
// errors are shown as sent: error.message on top, field errors next to their fields.
import { ApiError } from "../api/client";
import { TEMPERATURE_CLASSES, type ProductArea, type TemperatureClass } from "../api/types";
import { t } from "../i18n";
import { errorMessage, formatNumber } from "../ui/components";
import { h } from "../ui/dom";
import { parseDecimal } from "../util/numbers";
import { amountErrors, numberForInput, type Room } from "./rules";
import type { Booking, BookingInput, ProducerOrder } from "./types";

export interface FormDraft {
  productAreaId: string;
  temperature: TemperatureClass;
  kg: string;
  pallets: string;
  /** The chosen orders' references (external ids). */
  refs: string[];
  note: string;
  errors: Record<string, string>;
  message: string | null;
  sending: boolean;
}

/** The farm's orders of the slot's day to choose from, as far as they are loaded. */
export type OrderChoices =
  | { state: "loading" }
  | { state: "failed"; message: string }
  | { state: "ready"; orders: ProducerOrder[] };

export function draftFor(booking: Booking | null, areas: ProductArea[]): FormDraft {
  const area = booking?.product_area_id ?? (areas.length === 1 ? areas[0]!.id : null);
  return {
    productAreaId: area ? String(area) : "",
    temperature: booking?.temperature_class ?? areas.find((a) => a.id === area)?.temperature_class ?? "ambient",
    kg: booking ? numberForInput(booking.kg) : "",
    pallets: booking ? numberForInput(booking.pallets) : "",
    refs: [...(booking?.order_refs ?? [])],
    note: booking?.note ?? "",
    errors: {},
    message: null,
    sending: false,
  };
}

export function formBody(draft: FormDraft, slot: { template_id: number; date: string }): BookingInput {
  return {
    template_id: slot.template_id,
    date: slot.date,
    product_area_id: draft.productAreaId ? Number(draft.productAreaId) : null,
    temperature_class: draft.temperature,
    kg: parseDecimal(draft.kg) ?? Number.NaN,
    pallets: parseDecimal(draft.pallets) ?? Number.NaN,
    order_refs: draft.refs,
    note: draft.note.trim(),
  };
}

/** Turn an API error into the message on top and the messages next to the fields. */
export function applyError(draft: FormDraft, error: unknown): void {
  draft.message = errorMessage(error);
  draft.errors = {};
  if (error instanceof ApiError) {
    for (const [field, value] of Object.entries(error.fields ?? {})) {
      const text = Array.isArray(value) ? value.map(String).join(" ") : typeof value === "object" ? JSON.stringify(value) : String(value);
      draft.errors[field] = text;
    }
  }
}

export interface FormHandlers {
  submit(draft: FormDraft): void;
  cancel(): void;
  redraw(): void;
}

function field(draft: FormDraft, name: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  const error = draft.errors[name];
  const hintId = hint ? `${name}-hint` : null;
  const described = [error ? `${name}-error` : null, hintId].filter(Boolean).join(" ");
  if (error) control.setAttribute("aria-invalid", "true");
  if (described) control.setAttribute("aria-describedby", described);
  return h(
    "div",
    { class: "field", "data-field": name },
    h("label", { for: control.id }, label),
    control,
    hint ? h("p", { class: "muted small", id: hintId, "data-testid": `hint-${name}` }, hint) : null,
    error ? h("p", { class: "field-error", id: `${name}-error`, "data-testid": `error-${name}` }, error) : null,
  );
}

/** One order as a choice: its reference, where it goes, how much. */
function orderLabel(order: ProducerOrder): string {
  return t("producer.form.orderChoice", {
    ref: order.external_id,
    point: order.delivery_point_name,
    kg: order.total_weight_kg === null ? t("common.none") : formatNumber(order.total_weight_kg),
  });
}

/** Check boxes for the farm's orders of the day; a chosen reference not among them stays, marked. */
export function orderPicker(draft: FormDraft, choices: OrderChoices, day: string): HTMLElement {
  const error = draft.errors.order_refs;
  const box = (ref: string, label: string, testid: string) =>
    h(
      "label",
      { class: "order-choice", "data-testid": testid, "data-ref": ref },
      h("input", {
        type: "checkbox",
        value: ref,
        checked: draft.refs.includes(ref),
        onchange: (event: Event) => {
          const on = (event.target as HTMLInputElement).checked;
          draft.refs = on ? [...draft.refs.filter((r) => r !== ref), ref] : draft.refs.filter((r) => r !== ref);
        },
      }),
      h("span", {}, label),
    );
  const listed = choices.state === "ready" ? choices.orders : [];
  const known = new Set(listed.map((order) => order.external_id));
  const stale = draft.refs.filter((ref) => !known.has(ref));
  const status =
    choices.state === "loading"
      ? h("p", { class: "muted", role: "status" }, t("producer.form.ordersLoading"))
      : choices.state === "failed"
        ? h("p", { class: "alert alert-error", role: "alert" }, t("producer.form.ordersFailed", { message: choices.message }))
        : listed.length
          ? null
          : h("p", { class: "muted", "data-testid": "order-choices-none" }, t("producer.form.ordersNone", { day }));
  return h(
    "fieldset",
    {
      class: "field order-choices",
      "data-field": "order_refs",
      "data-testid": "order-choices",
      "aria-invalid": error ? "true" : null,
      "aria-describedby": error ? "order_refs-error" : null,
    },
    h("legend", {}, t("producer.form.refs")),
    h("p", { class: "muted small" }, t("producer.form.refsHint")),
    status,
    listed.map((order) => box(order.external_id, orderLabel(order), "order-choice")),
    choices.state === "ready" ? stale.map((ref) => box(ref, t("producer.form.orderGone", { ref }), "order-choice-gone")) : null,
    error ? h("p", { class: "field-error", id: "order_refs-error", "data-testid": "error-order_refs" }, error) : null,
  );
}

export interface FormContext {
  slotLabel: HTMLElement;
  /** What this form may book (the booking's own amounts included when changing it). */
  room: Room;
  /** The day in words, for "no orders on …". */
  day: string;
  orders: OrderChoices;
  editing: boolean;
}

export function bookingForm(draft: FormDraft, areas: ProductArea[], context: FormContext, handlers: FormHandlers): HTMLElement {
  const { editing, room } = context;
  const input = (id: string, value: string, set: (v: string) => void, attrs: Record<string, string> = {}) =>
    h("input", { id, value, ...attrs, oninput: (event: Event) => set((event.target as HTMLInputElement).value) });
  const areaSelect = h(
    "select",
    {
      id: "bk-area",
      disabled: editing,
      onchange: (event: Event) => {
        draft.productAreaId = (event.target as HTMLSelectElement).value;
        const area = areas.find((a) => String(a.id) === draft.productAreaId);
        if (area) {
          draft.temperature = area.temperature_class;
          handlers.redraw();
        }
      },
    },
    h("option", { value: "" }, t("producer.form.noArea")),
    areas.map((area) => h("option", { value: area.id, selected: String(area.id) === draft.productAreaId }, `${area.name} (${t(`temp.${area.temperature_class}`)})`)),
  );
  const tempSelect = h(
    "select",
    {
      id: "bk-temp",
      onchange: (event: Event) => {
        draft.temperature = (event.target as HTMLSelectElement).value as TemperatureClass;
      },
    },
    TEMPERATURE_CLASSES.map((temp) => h("option", { value: temp, selected: temp === draft.temperature }, t(`temp.${temp}`))),
  );
  const decimal = { inputmode: "decimal", autocomplete: "off" };
  return h(
    "form",
    {
      class: "card booking-form",
      "data-testid": "booking-form",
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        draft.errors = amountErrors(draft, room);
        draft.message = Object.keys(draft.errors).length ? t("producer.form.fixErrors") : null;
        if (draft.message) {
          handlers.redraw();
          requestAnimationFrame(() => document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
          return;
        }
        handlers.submit(draft);
      },
    },
    h("h3", {}, t(editing ? "producer.form.editTitle" : "producer.form.title")),
    context.slotLabel,
    h(
      "p",
      { class: "form-free", "data-testid": "form-free" },
      t(editing ? "producer.form.freeForBooking" : "producer.form.free", { kg: formatNumber(room.kg), pallets: formatNumber(room.pallets) }),
    ),
    draft.message ? h("p", { class: "alert alert-error", role: "alert", "data-testid": "form-error" }, draft.message) : null,
    field(draft, "product_area_id", t("producer.form.area"), areaSelect),
    field(draft, "temperature_class", t("producer.form.temperature"), tempSelect),
    h(
      "div",
      { class: "form-grid" },
      field(draft, "kg", t("producer.form.kg"), input("bk-kg", draft.kg, (v) => (draft.kg = v), { ...decimal, "data-testid": "bk-kg" }), t("producer.form.kgMax", { kg: formatNumber(room.kg) })),
      field(
        draft,
        "pallets",
        t("producer.form.pallets"),
        input("bk-pallets", draft.pallets, (v) => (draft.pallets = v), { ...decimal, "data-testid": "bk-pallets" }),
        t("producer.form.palletsMax", { n: formatNumber(room.pallets) }),
      ),
    ),
    orderPicker(draft, context.orders, context.day),
    field(
      draft,
      "note",
      t("producer.form.note"),
      h("textarea", { id: "bk-note", rows: 3, maxlength: 1000, "data-testid": "bk-note", oninput: (event: Event) => (draft.note = (event.target as HTMLTextAreaElement).value) }, draft.note),
    ),
    draft.errors.date ? h("p", { class: "field-error", "data-testid": "error-date" }, draft.errors.date) : null,
    draft.errors.template_id ? h("p", { class: "field-error" }, draft.errors.template_id) : null,
    h(
      "button",
      { type: "submit", class: "button button-primary button-block", "data-testid": "booking-submit", disabled: draft.sending },
      t(draft.sending ? "producer.form.sending" : editing ? "producer.form.save" : "producer.form.submit"),
    ),
    h("button", { type: "button", class: "button button-block", "data-testid": "booking-cancel-form", onclick: handlers.cancel }, t("producer.form.back")),
  );
}
