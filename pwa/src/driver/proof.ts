// Proof of delivery (or of a pickup): who received, what was handed over line by line,
// temperatures, deviations, returns, photos and a signature drawn with a finger.
// All input lives in a ProofDraft (proofdata.ts), so the form can be redrawn without loss.
import { TEMPERATURE_CLASSES } from "../api/types";
import { t } from "../i18n";
import { formatNumber } from "../ui/components";
import { h } from "../ui/dom";
import { downscalePhoto, drawStrokes, type Stroke } from "./images";
import { buildProof, MAX_PHOTOS, needsTemperature, quantityError, SIGNATURE_HEIGHT, temperatureError, type ProofDraft } from "./proofdata";
import { DEVIATIONS, type Deviation, type DriverStop, type ProofInput } from "./types";

export { newDraft, type ProofDraft } from "./proofdata";

function deviationSelect(id: string, value: string, onChange: (value: Deviation | "") => void, testId: string): HTMLSelectElement {
  const select = h(
    "select",
    { id, class: "input", "data-testid": testId },
    h("option", { value: "" }, t("driver.deviation.none")),
    DEVIATIONS.map((code) => h("option", { value: code, selected: code === value }, t(`driver.deviation.${code}`))),
  );
  select.addEventListener("change", () => onChange(select.value as Deviation | ""));
  return select;
}

function fieldError(draft: ProofDraft, key: string): HTMLElement | null {
  const message = draft.errors[key];
  return message ? h("p", { class: "field-error", id: `proof-${key}-error`, role: "alert", "data-testid": `error-${key}` }, message) : null;
}

/** An input that says at once (when the driver leaves it) whether it reads as a number. */
function numberInput(
  draft: ProofDraft,
  key: string,
  attrs: { id: string; value: string; testId: string; describedBy?: string },
  check: (text: string) => string | null,
  store: (text: string) => void,
): HTMLInputElement {
  const input = h("input", {
    id: attrs.id,
    class: "input input-number",
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    enterkeyhint: "next",
    value: attrs.value,
    "aria-invalid": draft.errors[key] ? "true" : null,
    "aria-describedby": [attrs.describedBy, draft.errors[key] ? `proof-${key}-error` : null].filter(Boolean).join(" ") || null,
    "data-testid": attrs.testId,
  });
  input.addEventListener("input", () => store(input.value));
  input.addEventListener("change", () => {
    const message = check(input.value);
    const field = input.closest(".field");
    field?.querySelector(".field-error")?.remove();
    if (message) {
      draft.errors[key] = message;
      input.after(h("p", { class: "field-error", id: `proof-${key}-error`, role: "alert", "data-testid": `error-${key}` }, message));
      input.setAttribute("aria-invalid", "true");
    } else {
      delete draft.errors[key];
      input.removeAttribute("aria-invalid");
    }
    input.setAttribute("aria-describedby", [attrs.describedBy, message ? `proof-${key}-error` : null].filter(Boolean).join(" "));
    if (!input.getAttribute("aria-describedby")) input.removeAttribute("aria-describedby");
  });
  return input;
}

function stepper(label: string, testId: string, get: () => number, set: (n: number) => void): HTMLElement {
  const value = h("output", { class: "stepper-value", "data-testid": `${testId}-value`, "aria-live": "polite" }, String(get()));
  const change = (delta: number) => {
    set(Math.max(0, Math.min(1000, get() + delta)));
    value.textContent = String(get());
  };
  return h(
    "div",
    { class: "stepper", role: "group", "aria-label": label, "data-testid": testId },
    h("span", { class: "stepper-label" }, label),
    h("button", { type: "button", class: "button stepper-button", "aria-label": `${label} −1`, onclick: () => change(-1) }, "−"),
    value,
    h("button", { type: "button", class: "button stepper-button", "aria-label": `${label} +1`, onclick: () => change(1) }, "+"),
  );
}

function signaturePad(draft: ProofDraft): HTMLElement {
  const canvas = h("canvas", {
    class: "signature-canvas",
    "data-testid": "signature",
    "aria-label": t("driver.proof.signatureHint"),
    role: "img",
    height: SIGNATURE_HEIGHT,
  });
  let current: Stroke | null = null;
  const scale = () => window.devicePixelRatio || 1;
  const redraw = () => {
    const width = canvas.clientWidth || draft.signatureWidth || 320;
    draft.signatureWidth = width;
    canvas.width = Math.round(width * scale());
    canvas.height = Math.round(SIGNATURE_HEIGHT * scale());
    const ctx = canvas.getContext("2d");
    if (ctx) drawStrokes(ctx, draft.strokes, scale());
  };
  const point = (event: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return { x: Math.round((event.clientX - box.left) * 10) / 10, y: Math.round((event.clientY - box.top) * 10) / 10 };
  };
  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    draft.strokes.push(current);
    delete draft.errors.signature;
    document.getElementById("proof-signature-error")?.remove();
    redraw();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    event.preventDefault();
    current.push(point(event));
    redraw();
  });
  const end = () => {
    current = null;
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  requestAnimationFrame(redraw);
  window.addEventListener("resize", redraw);
  return h(
    "div",
    { class: "field" },
    h("label", {}, t("driver.proof.signature")),
    h("p", { class: "muted small" }, t("driver.proof.signatureHint")),
    canvas,
    fieldError(draft, "signature"),
    h(
      "button",
      {
        type: "button",
        class: "button button-secondary",
        "data-testid": "signature-clear",
        onclick: () => {
          draft.strokes = [];
          redraw();
        },
      },
      t("driver.proof.clearSignature"),
    ),
  );
}

function photos(draft: ProofDraft): HTMLElement {
  const list = h("div", { class: "photos", "data-testid": "photos" });
  const status = h("p", { class: "muted small", "aria-live": "polite" });
  const drawList = () => {
    list.replaceChildren(
      ...draft.photos.map((src, index) =>
        h(
          "figure",
          { class: "photo" },
          h("img", { src, alt: t("driver.proof.photoN", { n: index + 1 }) }),
          h(
            "button",
            {
              type: "button",
              class: "button button-secondary",
              onclick: () => {
                draft.photos.splice(index, 1);
                drawList();
              },
            },
            t("driver.proof.removePhoto"),
          ),
        ),
      ),
    );
  };
  const input = h("input", {
    id: "proof-photos",
    type: "file",
    accept: "image/*",
    capture: "environment",
    multiple: true,
    class: "visually-hidden",
    "data-testid": "photo-input",
  });
  input.addEventListener("change", async () => {
    const files = [...(input.files ?? [])].slice(0, MAX_PHOTOS - draft.photos.length);
    input.value = "";
    status.textContent = t("driver.proof.photoProcessing");
    for (const file of files) {
      try {
        draft.photos.push(await downscalePhoto(file));
      } catch {
        status.textContent = t("driver.proof.photoFailed");
      }
    }
    if (status.textContent === t("driver.proof.photoProcessing")) status.textContent = "";
    drawList();
  });
  drawList();
  return h(
    "div",
    { class: "field" },
    h("span", { class: "field-label" }, t("driver.proof.photos", { max: MAX_PHOTOS })),
    list,
    status,
    h("label", { for: "proof-photos", class: "button button-secondary" }, t("driver.proof.addPhoto")),
    input,
  );
}

function lineRows(stop: DriverStop, draft: ProofDraft): HTMLElement[] {
  return TEMPERATURE_CLASSES.flatMap((temperature) => {
    const group = stop.lines.filter((line) => line.temperature_class === temperature);
    if (!group.length) return [];
    return [
      h(
        "section",
        { class: `temp-group temp-${temperature}`, "data-temperature": temperature },
        h("h4", { class: "temp-label" }, t(`temp.${temperature}`)),
        group.map((line) => {
          const input = draft.lines.get(line.order_line_id)!;
          const id = line.order_line_id;
          const qty = numberInput(
            draft,
            `line-${id}`,
            { id: `qty-${id}`, value: input.delivered, testId: `qty-${id}` },
            quantityError,
            (text) => (input.delivered = text),
          );
          // No placeholder: a grey "-18" in the box reads as a temperature already measured.
          const temp = needsTemperature(temperature)
            ? numberInput(
                draft,
                `temp-${id}`,
                { id: `temp-${id}`, value: input.temperature, testId: `temp-${id}`, describedBy: `temp-${id}-hint` },
                temperatureError,
                (text) => (input.temperature = text),
              )
            : null;
          const note = h("input", { id: `line-note-${id}`, class: "input", type: "text", value: input.note });
          note.addEventListener("input", () => (input.note = note.value));
          const noteField = h(
            "div",
            { class: "line-note", hidden: !input.deviation },
            h("label", { for: `line-note-${id}` }, t("driver.proof.lineNote")),
            note,
          );
          return h(
            "div",
            { class: "proof-line", "data-testid": "proof-line", "data-line": id },
            h(
              "p",
              { class: "proof-line-head" },
              h("span", { class: "line-article" }, line.article),
              line.from_stock ? h("span", { class: "chip chip-stock", "data-testid": "line-from-stock" }, t("stock.fromStock")) : null,
              h("span", { class: "muted" }, t("driver.proof.ordered", { qty: formatNumber(line.quantity), unit: line.unit })),
              line.terminal_quantity !== null && line.terminal_quantity !== undefined && line.terminal_quantity < line.quantity
                ? h("span", { class: "proof-line-short", "data-testid": "line-short-at-terminal" },
                    t("driver.proof.atTerminal", { qty: formatNumber(line.terminal_quantity), unit: line.unit }))
                : null,
            ),
            h(
              "div",
              { class: "proof-line-inputs" },
              h("div", { class: "field" }, h("label", { for: `qty-${id}` }, t("driver.proof.delivered", { unit: line.unit })), qty, fieldError(draft, `line-${id}`)),
              temp
                ? h(
                    "div",
                    { class: "field" },
                    h("label", { for: `temp-${id}` }, t("driver.proof.temperature")),
                    temp,
                    h("p", { class: "field-hint", id: `temp-${id}-hint` }, t("driver.proof.temperatureHint", { example: temperature === "frozen" ? "−18" : "4" })),
                    fieldError(draft, `temp-${id}`),
                  )
                : null,
            ),
            h(
              "div",
              { class: "field" },
              h("label", { for: `dev-${id}` }, t("driver.proof.lineDeviation")),
              deviationSelect(`dev-${id}`, input.deviation, (value) => {
                input.deviation = value;
                noteField.hidden = !value;
              }, `dev-${id}`),
              noteField,
            ),
          );
        }),
      ),
    ];
  });
}

export function proofForm(
  stop: DriverStop,
  draft: ProofDraft,
  actions: { submit(proof: ProofInput): void; cancel(): void; redraw(): void },
): HTMLElement {
  const pickup = stop.kind === "pickup";
  const receiver = h("input", {
    id: "proof-receiver",
    class: "input",
    type: "text",
    autocomplete: "name",
    value: draft.receiver,
    "aria-invalid": draft.errors.receiver ? "true" : null,
    "data-testid": "receiver",
  });
  receiver.addEventListener("input", () => (draft.receiver = receiver.value));
  const note = h("textarea", { id: "proof-note", class: "input", rows: 2 }, draft.note);
  note.addEventListener("input", () => (draft.note = note.value));
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const proof = buildProof(stop, draft);
    if (proof) actions.submit(proof);
    else {
      actions.redraw();
      requestAnimationFrame(() => document.querySelector<HTMLElement>(".proof .field-error")?.scrollIntoView({ block: "center" }));
    }
  };
  return h(
    "form",
    { class: "proof", novalidate: true, onsubmit: onSubmit, "data-testid": "proof-form" },
    h("h3", {}, t(pickup ? "driver.proof.titlePickup" : "driver.proof.title", { name: stop.place.name ?? stop.job_key })),
    Object.keys(draft.errors).length
      ? h("div", { class: "alert alert-error", role: "alert" }, t("driver.proof.fixErrors"))
      : null,
    h(
      "div",
      { class: "field" },
      h("label", { for: "proof-receiver" }, t(pickup ? "driver.proof.handedOverBy" : "driver.proof.receiver")),
      receiver,
      fieldError(draft, "receiver"),
    ),
    h("h4", { class: "section-title" }, t(pickup ? "driver.proof.collected" : "driver.proof.handedOver")),
    lineRows(stop, draft),
    h(
      "div",
      { class: "field" },
      h("label", { for: "proof-deviation" }, t("driver.proof.stopDeviation")),
      deviationSelect("proof-deviation", draft.deviation, (value) => (draft.deviation = value), "stop-deviation"),
    ),
    h("div", { class: "field" }, h("label", { for: "proof-note" }, t("driver.proof.note")), note),
    h(
      "fieldset",
      { class: "returns" },
      h("legend", {}, t("driver.proof.returns")),
      stepper(t("driver.returns.crates"), "returns-crates", () => draft.returns.crates, (n) => (draft.returns.crates = n)),
      stepper(t("driver.returns.roll_cages"), "returns-roll-cages", () => draft.returns.roll_cages, (n) => (draft.returns.roll_cages = n)),
      stepper(t("driver.returns.pallets"), "returns-pallets", () => draft.returns.pallets, (n) => (draft.returns.pallets = n)),
    ),
    photos(draft),
    signaturePad(draft),
    h(
      "div",
      { class: "proof-actions" },
      h("button", { type: "submit", class: "button button-primary button-block button-big", "data-testid": "proof-submit" }, t(pickup ? "driver.proof.savePickup" : "driver.proof.save")),
      h("button", { type: "button", class: "button button-secondary button-block", onclick: actions.cancel }, t("driver.cancel")),
    ),
  );
}
