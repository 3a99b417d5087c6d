// Confirming receipt on the kitchen's shared tablet: who confirms (asked every time, the last
// few names offered), "all received" in one tap, or per line the quantity received with a
// deviation and a note, photos (downscaled on the device) and a message. The confirmation goes
// to the device outbox (data/outbox.ts) with its client_id, so it is kept and sent when online.
import { TEMPERATURE_CLASSES } from "../api/types";
import { outbox, STREAMS } from "../data/outbox";
import { downscalePhoto } from "../driver/images";
import { newClientId, nowWithOffset } from "../driver/types";
import { t } from "../i18n";
import { formatNumber } from "../ui/components";
import { deviationWord, sides } from "../ui/deviation";
import { h } from "../ui/dom";
import { formatClock } from "../util/time";
import { deliveryRecords, lineBoxes } from "./lines";
import { CONFIRMATION_PATH, recentNames, rememberName } from "./state";
import { KITCHEN_DEVIATIONS, type ConfirmationBody, type Delivery, type ExpectedLine, type KitchenDeviation } from "./types";
import { parseDecimal } from "../util/numbers";

export const MAX_PHOTOS = 5;

interface LineDraft {
  qty: string;
  deviation: KitchenDeviation | "";
  note: string;
}

export interface ConfirmDraft {
  key: string;
  name: string;
  detailed: boolean;
  lines: Map<number, LineDraft>;
  photos: string[];
  note: string;
  processing: boolean;
  errors: Record<string, string>;
}

const expected = (line: ExpectedLine) => line.delivered_quantity ?? line.quantity;

export function newConfirmDraft(key: string, delivery: Delivery): ConfirmDraft {
  return {
    key,
    name: "",
    detailed: false,
    lines: new Map(delivery.lines.map((line) => [line.order_line_id, { qty: String(expected(line)), deviation: "", note: "" }])),
    photos: [],
    note: "",
    processing: false,
    errors: {},
  };
}

export interface ConfirmHandlers {
  redraw(): void;
  cancel(): void;
  saved(): void;
  failed(): void;
}

function parseQty(value: string): number | null {
  const number = parseDecimal(value);
  return number !== null && number >= 0 ? number : null;
}

function validate(draft: ConfirmDraft, detailed: boolean): boolean {
  draft.errors = {};
  if (!draft.name.trim()) draft.errors.name = t("kitchen.confirm.nameRequired");
  if (detailed) {
    for (const [id, line] of draft.lines) {
      if (parseQty(line.qty) === null) draft.errors[`qty-${id}`] = t("kitchen.confirm.qtyInvalid");
    }
  }
  return !Object.keys(draft.errors).length;
}

async function submit(draft: ConfirmDraft, delivery: Delivery, userId: number, acceptAll: boolean, handlers: ConfirmHandlers): Promise<void> {
  if (!validate(draft, !acceptAll)) {
    handlers.redraw();
    requestAnimationFrame(() => document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
    return;
  }
  const body: ConfirmationBody = {
    client_id: newClientId(),
    delivery_point_id: delivery.delivery_point_id,
    plan_date: delivery.date,
    accept_all: acceptAll,
    confirmed_by_name: draft.name.trim(),
    lines: acceptAll
      ? []
      : delivery.lines.map((line) => {
          const given = draft.lines.get(line.order_line_id);
          return {
            order_line_id: line.order_line_id,
            received_quantity: parseQty(given?.qty ?? "") ?? expected(line),
            deviation: given?.deviation || null,
            note: given?.note.trim() ?? "",
          };
        }),
    photos: draft.photos,
    note: draft.note.trim(),
    recorded_at: nowWithOffset(),
  };
  try {
    await outbox.add(userId, {
      stream: STREAMS.recipientConfirmations,
      path: CONFIRMATION_PATH,
      body,
      label: `${delivery.delivery_point_name} ${delivery.date}`,
    });
    rememberName(body.confirmed_by_name);
    handlers.saved();
  } catch {
    handlers.failed();
  }
}

function errorText(draft: ConfirmDraft, key: string, id: string): HTMLElement | null {
  const message = draft.errors[key];
  return message ? h("p", { class: "field-error", id, role: "alert" }, message) : null;
}

function nameField(draft: ConfirmDraft, handlers: ConfirmHandlers): HTMLElement {
  const names = recentNames();
  const input = h("input", {
    id: "confirm-name",
    name: "confirmed_by_name",
    autocomplete: "off",
    "data-testid": "confirm-name",
    value: draft.name,
    maxlength: 120,
    "aria-invalid": draft.errors.name ? "true" : null,
    "aria-describedby": draft.errors.name ? "confirm-name-error" : null,
    oninput: (event: Event) => {
      draft.name = (event.target as HTMLInputElement).value;
    },
  });
  return h(
    "div",
    { class: "field" },
    h("label", { for: "confirm-name" }, t("kitchen.confirm.name")),
    names.length
      ? h(
          "div",
          { class: "name-chips", role: "group", "aria-label": t("kitchen.confirm.recentNames") },
          names.map((name) =>
            h(
              "button",
              {
                type: "button",
                class: "chip-button",
                "aria-pressed": String(draft.name === name),
                "data-testid": "recent-name",
                onclick: () => {
                  draft.name = name;
                  delete draft.errors.name;
                  handlers.redraw();
                },
              },
              name,
            ),
          ),
        )
      : null,
    input,
    errorText(draft, "name", "confirm-name-error"),
  );
}

function lineRow(line: ExpectedLine, draft: ConfirmDraft): HTMLElement {
  const id = line.order_line_id;
  const value = draft.lines.get(id) ?? { qty: String(expected(line)), deviation: "", note: "" };
  draft.lines.set(id, value);
  const qtyError = draft.errors[`qty-${id}`];
  const qtyInput = h("input", {
    id: `recv-${id}`,
    type: "text",
    inputmode: "decimal",
    value: value.qty,
    "aria-invalid": qtyError ? "true" : null,
    oninput: (event: Event) => {
      value.qty = (event.target as HTMLInputElement).value;
    },
  });
  const select = h(
    "select",
    {
      id: `dev-${id}`,
      onchange: (event: Event) => {
        value.deviation = (event.target as HTMLSelectElement).value as KitchenDeviation | "";
        // "Missing" with the full quantity still in the box: nothing came.
        if (value.deviation === "missing" && parseQty(value.qty) === expected(line)) {
          value.qty = "0";
          qtyInput.value = "0";
        }
      },
    },
    h("option", { value: "" }, t("kitchen.confirm.noDeviation")),
    KITCHEN_DEVIATIONS.map((code) => h("option", { value: code, selected: value.deviation === code }, deviationWord(code))),
  );
  return h(
    "li",
    { class: "confirm-line", "data-testid": "confirm-line", "data-order-line-id": id },
    h(
      "p",
      { class: "confirm-line-head" },
      h("span", { class: "line-article" }, line.article),
      h("span", { class: "muted small" }, ` · ${line.supplier_name}`),
    ),
    h(
      "p",
      { class: "muted small" },
      t("kitchen.confirm.ordered", { qty: formatNumber(line.quantity), unit: line.unit }),
      line.delivered_quantity !== null ? ` · ${t("kitchen.confirm.driverDelivered", { qty: formatNumber(line.delivered_quantity), unit: line.unit })}` : "",
    ),
    line.driver_deviation || line.driver_note ? sides(line.driver_deviation, null, false) : null,
    line.driver_note ? h("p", { class: "dev-note" }, t("kitchen.line.driverNote", { note: line.driver_note })) : null,
    h(
      "div",
      { class: "confirm-grid" },
      h("div", { class: "field" }, h("label", { for: `recv-${id}` }, t("kitchen.confirm.received", { unit: line.unit })), qtyInput, qtyError ? h("p", { class: "field-error", role: "alert" }, qtyError) : null),
      h("div", { class: "field" }, h("label", { for: `dev-${id}` }, t("kitchen.confirm.deviation")), select),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: `note-${id}` }, t("kitchen.confirm.lineNote")),
      h("input", {
        id: `note-${id}`,
        value: value.note,
        maxlength: 1000,
        oninput: (event: Event) => {
          value.note = (event.target as HTMLInputElement).value;
        },
      }),
    ),
  );
}

function photos(draft: ConfirmDraft, handlers: ConfirmHandlers): HTMLElement {
  const input = h("input", {
    type: "file",
    accept: "image/*",
    capture: "environment",
    class: "visually-hidden",
    id: "confirm-photo",
    "data-testid": "confirm-photo-input",
    onchange: async (event: Event) => {
      const files = [...((event.target as HTMLInputElement).files ?? [])].slice(0, MAX_PHOTOS - draft.photos.length);
      if (!files.length) return;
      draft.processing = true;
      handlers.redraw();
      for (const file of files) {
        try {
          draft.photos.push(await downscalePhoto(file));
          delete draft.errors.photos;
        } catch {
          draft.errors.photos = t("kitchen.confirm.photoFailed");
        }
      }
      draft.processing = false;
      handlers.redraw();
    },
  });
  return h(
    "div",
    { class: "field" },
    h("p", { class: "label" }, t("kitchen.confirm.photos", { max: MAX_PHOTOS })),
    h(
      "div",
      { class: "photo-row" },
      draft.photos.map((src, index) =>
        h(
          "figure",
          { class: "photo", "data-testid": "confirm-photo" },
          h("img", { src, alt: t("kitchen.confirm.photoN", { n: index + 1 }) }),
          h(
            "button",
            {
              type: "button",
              class: "button button-secondary",
              onclick: () => {
                draft.photos.splice(index, 1);
                handlers.redraw();
              },
            },
            t("kitchen.confirm.removePhoto"),
          ),
        ),
      ),
    ),
    draft.processing ? h("p", { role: "status" }, t("kitchen.confirm.photoProcessing")) : null,
    draft.photos.length < MAX_PHOTOS ? h("label", { for: "confirm-photo", class: "button button-secondary" }, t("kitchen.confirm.addPhoto")) : null,
    input,
    errorText(draft, "photos", "confirm-photo-error"),
  );
}

/** Before confirming: what the driver handed over, line by line, with the driver's own deviation. */
function leftByDriver(delivery: Delivery): HTMLElement {
  return h(
    "section",
    { class: "left-by-driver", "data-testid": "left-by-driver", "aria-labelledby": "left-title" },
    h("h4", { id: "left-title" }, t("kitchen.confirm.leftTitle")),
    h(
      "p",
      { class: "muted" },
      delivery.proof_id !== null && delivery.handed_over_at
        ? t(delivery.receiver_name ? "kitchen.confirm.leftAtBy" : "kitchen.confirm.leftAt", {
            time: formatClock(delivery.handed_over_at),
            name: delivery.receiver_name,
          })
        : t("kitchen.confirm.noProof"),
    ),
    lineBoxes(deliveryRecords(delivery, false)),
  );
}

export function confirmForm(delivery: Delivery, draft: ConfirmDraft, userId: number, handlers: ConfirmHandlers): HTMLElement {
  const hasErrors = Object.keys(draft.errors).length > 0;
  return h(
    "form",
    {
      class: "confirm-form card",
      "data-testid": "confirm-form",
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        void submit(draft, delivery, userId, false, handlers);
      },
    },
    h("h3", {}, t("kitchen.confirm.title")),
    h("p", { class: "muted" }, t("kitchen.confirm.intro")),
    hasErrors ? h("p", { class: "alert alert-error", role: "alert" }, t("kitchen.confirm.fixErrors")) : null,
    draft.detailed ? null : leftByDriver(delivery),
    nameField(draft, handlers),
    draft.detailed
      ? null
      : h(
          "div",
          { class: "confirm-choice" },
          h(
            "button",
            {
              type: "button",
              class: "button button-primary button-big button-block",
              "data-testid": "accept-all",
              onclick: () => void submit(draft, delivery, userId, true, handlers),
            },
            t("kitchen.confirm.acceptAll"),
          ),
          h(
            "button",
            {
              type: "button",
              class: "button button-big button-block",
              "data-testid": "report-deviation",
              onclick: () => {
                draft.detailed = true;
                handlers.redraw();
              },
            },
            t("kitchen.confirm.somethingWrong"),
          ),
        ),
    draft.detailed
      ? h(
          "div",
          { class: "confirm-details" },
          TEMPERATURE_CLASSES.flatMap((temperature) => {
            const group = delivery.lines.filter((line) => line.temperature_class === temperature);
            if (!group.length) return [];
            return [
              h(
                "section",
                { class: `temp-group temp-${temperature}`, "data-temperature": temperature },
                h("h4", { class: "temp-label" }, t(`temp.${temperature}`)),
                h("ul", { class: "lines confirm-lines" }, group.map((line) => lineRow(line, draft))),
              ),
            ];
          }),
          photos(draft, handlers),
          h(
            "div",
            { class: "field" },
            h("label", { for: "confirm-note" }, t("kitchen.confirm.note")),
            h(
              "textarea",
              {
                id: "confirm-note",
                rows: 3,
                maxlength: 2000,
                oninput: (event: Event) => {
                  draft.note = (event.target as HTMLTextAreaElement).value;
                },
              },
              draft.note,
            ),
          ),
          h(
            "button",
            { type: "submit", class: "button button-primary button-big button-block", "data-testid": "confirm-submit", disabled: draft.processing },
            t("kitchen.confirm.submit"),
          ),
        )
      : null,
    h("button", { type: "button", class: "button button-block", "data-testid": "confirm-cancel", onclick: handlers.cancel }, t("kitchen.confirm.cancel")),
  );
}
