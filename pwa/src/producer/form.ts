// The producer's booking form: declare the goods for a slot (product area, temperature class,
// kg, pallet places, which orders they fill, a note), or change them before the cut-off.
// API errors are shown as sent: error.message on top, field errors next to their fields.
import { ApiError } from "../api/client";
import { TEMPERATURE_CLASSES, type ProductArea, type TemperatureClass } from "../api/types";
import { t } from "../i18n";
import { errorMessage } from "../ui/components";
import { h } from "../ui/dom";
import type { Booking, BookingInput, FreeSlot } from "./types";
import { parseDecimal } from "../util/numbers";

export interface FormDraft {
  productAreaId: string;
  temperature: TemperatureClass;
  kg: string;
  pallets: string;
  refs: string;
  note: string;
  errors: Record<string, string>;
  message: string | null;
  sending: boolean;
}

export function draftFor(booking: Booking | null, areas: ProductArea[]): FormDraft {
  const area = booking?.product_area_id ?? (areas.length === 1 ? areas[0]!.id : null);
  return {
    productAreaId: area ? String(area) : "",
    temperature: booking?.temperature_class ?? areas.find((a) => a.id === area)?.temperature_class ?? "ambient",
    kg: booking ? String(booking.kg) : "",
    pallets: booking ? String(booking.pallets) : "",
    refs: booking?.order_refs.join(", ") ?? "",
    note: booking?.note ?? "",
    errors: {},
    message: null,
    sending: false,
  };
}

const number = (value: string) => parseDecimal(value) ?? Number.NaN;

function localErrors(draft: FormDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!draft.kg.trim() || !(number(draft.kg) > 0)) errors.kg = t("producer.form.kgInvalid");
  if (!draft.pallets.trim() || !(number(draft.pallets) >= 0)) errors.pallets = t("producer.form.palletsInvalid");
  return errors;
}

export function formBody(draft: FormDraft, slot: { template_id: number; date: string }): BookingInput {
  return {
    template_id: slot.template_id,
    date: slot.date,
    product_area_id: draft.productAreaId ? Number(draft.productAreaId) : null,
    temperature_class: draft.temperature,
    kg: number(draft.kg),
    pallets: number(draft.pallets),
    order_refs: draft.refs.split(/[,;\s]+/).map((ref) => ref.trim()).filter(Boolean),
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
  if (error) {
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", `${name}-error`);
  }
  return h(
    "div",
    { class: "field", "data-field": name },
    h("label", { for: control.id }, label),
    control,
    hint ? h("p", { class: "muted small" }, hint) : null,
    error ? h("p", { class: "field-error", id: `${name}-error`, "data-testid": `error-${name}` }, error) : null,
  );
}

export function bookingForm(
  _slot: FreeSlot | Booking,
  slotLabel: HTMLElement,
  draft: FormDraft,
  areas: ProductArea[],
  editing: boolean,
  orderRefs: string[],
  handlers: FormHandlers,
): HTMLElement {
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
  return h(
    "form",
    {
      class: "card booking-form",
      "data-testid": "booking-form",
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        draft.errors = localErrors(draft);
        draft.message = Object.keys(draft.errors).length ? t("producer.form.fixErrors") : null;
        if (draft.message) {
          handlers.redraw();
          return;
        }
        handlers.submit(draft);
      },
    },
    h("h3", {}, t(editing ? "producer.form.editTitle" : "producer.form.title")),
    slotLabel,
    draft.message ? h("p", { class: "alert alert-error", role: "alert", "data-testid": "form-error" }, draft.message) : null,
    field(draft, "product_area_id", t("producer.form.area"), areaSelect),
    field(draft, "temperature_class", t("producer.form.temperature"), tempSelect),
    h(
      "div",
      { class: "form-grid" },
      field(draft, "kg", t("producer.form.kg"), input("bk-kg", draft.kg, (v) => (draft.kg = v), { inputmode: "decimal", "data-testid": "bk-kg" })),
      field(draft, "pallets", t("producer.form.pallets"), input("bk-pallets", draft.pallets, (v) => (draft.pallets = v), { inputmode: "decimal", "data-testid": "bk-pallets" })),
    ),
    field(
      draft,
      "order_refs",
      t("producer.form.refs"),
      input("bk-refs", draft.refs, (v) => (draft.refs = v), { "data-testid": "bk-refs", autocomplete: "off" }),
      orderRefs.length ? t("producer.form.refsHint", { refs: orderRefs.join(", ") }) : t("producer.form.refsHintNone"),
    ),
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
