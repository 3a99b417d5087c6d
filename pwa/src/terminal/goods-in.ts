// Goods in at the terminal (terminal staff, phone or rugged tablet in a cold warehouse): today's
// expected arrivals per supplier, and a supplier's delivery received line by line with the
// quantities, the temperatures of chilled and frozen goods against their limits, deviations, and
// the supplier driver's name and signature (the hand-over).
//
// Coverage in a warehouse is poor: the list is read with cachedGet (a saved copy offline) and a
// receipt goes through the device outbox (stream "goods-in:<supplier>"), so it is kept on the
// device and sent once, with its client id, when the network is back.
import type { ApiSchema, User } from "../api/types";
import { cachedGet } from "../data/fetch";
import { outbox, startOutbox, type OutboxRecord } from "../data/outbox";
import { downscalePhoto } from "../driver/images";
import { newClientId, nowWithOffset } from "../driver/types";
import { t, type MessageKey } from "../i18n";
import { empty, errorBox, formatNumber, loading, parkedAlert, savedCopyNote } from "../ui/components";
import { h } from "../ui/dom";
import { signaturePad } from "../ui/signature";
import { parseDecimal } from "../util/numbers";
import { formatClock, zoneDate } from "../util/time";
import "./goods-in.css";

type Arrivals = ApiSchema<"ExpectedArrivals">;
type Supplier = Arrivals["suppliers"][number];
type Line = Supplier["lines"][number];
type ReceiptBody = ApiSchema<"GoodsReceiptInput">;
type Deviation = NonNullable<ReceiptBody["lines"][number]["deviation"]>;

const DEVIATIONS: Deviation[] = ["short", "damaged", "wrong_temperature", "not_ordered", "wrong_article"];

const stream = (supplierId: number) => `goods-in:${supplierId}`;

interface Draft {
  quantity: string;
  temperature: string;
  deviation: Deviation | "";
  /** A photo of the deviation, shrunk on the device (data URL). */
  photo: string | null;
}

let openSupplier: number | null = null;
let drafts = new Map<number, Draft>();
let driverName = "";
/** "Saved" after a receipt: shown for a while, through the redraws the outbox's news cause. */
let flash: { text: string; until: number } | null = null;
const FLASH_MS = 15_000;
let listening = false;
let redrawOpen: (() => void) | null = null;

export function drawGoodsIn(host: HTMLElement, user: User): void {
  void startOutbox(user.id); // idempotent: sends what this device kept, also after a restart
  if (!listening) {
    listening = true;
    // Sent or set aside: the list shows the server's record, or the refusal.
    outbox.onSent((record) => {
      if (record.stream.startsWith("goods-in:")) redrawOpen?.();
    });
    outbox.onChange(() => redrawOpen?.());
  }
  redrawOpen = () => {
    if (host.isConnected && openSupplier === null) void drawList(host, user);
  };
  void drawList(host, user);
}

async function waitingFor(user: User): Promise<OutboxRecord[]> {
  return (await outbox.records(user.id).catch(() => [] as OutboxRecord[])).filter((r) => r.stream.startsWith("goods-in:"));
}

async function drawList(host: HTMLElement, user: User): Promise<void> {
  if (!host.childElementCount) host.replaceChildren(loading());
  let loaded;
  try {
    loaded = await cachedGet<Arrivals>(`/goods-in/expected?date=${zoneDate()}`);
  } catch (error) {
    host.replaceChildren(errorBox(error, () => void drawList(host, user)));
    return;
  }
  const records = await waitingFor(user);
  if (openSupplier !== null) {
    const supplier = loaded.data.suppliers.find((s) => s.supplier_id === openSupplier);
    if (supplier) return drawForm(host, user, supplier);
    openSupplier = null;
  }
  const title = h("h2", { class: "section-title" }, t("goodsIn.title"));
  const parts: (HTMLElement | null)[] = [title, savedCopyNote(loaded.savedAt)];
  if (flash && Date.now() < flash.until) {
    parts.push(h("p", { class: "alert alert-ok", role: "status", "data-testid": "goods-in-flash" }, flash.text));
  } else {
    flash = null;
  }
  for (const record of records.filter((r) => r.setAside)) {
    parts.push(
      parkedAlert(
        { ...record, setAside: record.setAside ?? null },
        { title: "goodsIn.parked", retry: "goodsIn.parkedRetry", discard: "goodsIn.parkedDiscard", confirm: "goodsIn.parkedDiscardConfirm" },
        (seq) => void outbox.retry(seq).then(() => drawList(host, user)),
        (seq) => void outbox.discard(seq).then(() => drawList(host, user)),
      ),
    );
  }
  if (!loaded.data.suppliers.length) {
    host.replaceChildren(...parts.filter(Boolean) as HTMLElement[], empty(t("goodsIn.empty"), t("goodsIn.emptyHint")));
    return;
  }
  const waiting = new Set(records.filter((r) => !r.setAside).map((r) => r.stream));
  host.replaceChildren(
    ...(parts.filter(Boolean) as HTMLElement[]),
    h("ul", { class: "goods-in-suppliers" }, loaded.data.suppliers.map((supplier) => supplierCard(host, user, supplier, waiting.has(stream(supplier.supplier_id))))),
  );
}

function supplierCard(host: HTMLElement, user: User, supplier: Supplier, waiting: boolean): HTMLElement {
  const points = new Set(supplier.lines.map((line) => line.delivery_point_id)).size;
  const status = supplier.received
    ? h("p", { class: "goods-in-received", "data-testid": "supplier-received" },
        `✓ ${t("goodsIn.received", { time: supplier.received_at ? formatClock(supplier.received_at) : "", name: supplier.received_by ?? "" })}`)
    : waiting
      ? h("p", { class: "note-saved", "data-testid": "supplier-waiting" }, t("goodsIn.waitingToSend"))
      : h("p", { class: "muted", "data-testid": "supplier-expected" }, t("goodsIn.notYet"));
  const short = supplier.lines.filter((line) => line.received_quantity !== null && line.received_quantity !== undefined && line.received_quantity < line.quantity).length;
  return h(
    "li",
    { class: "card goods-in-supplier", "data-testid": "goods-in-supplier", "data-supplier": supplier.supplier_name },
    h("h3", {}, supplier.supplier_name),
    h("p", { class: "muted" }, t("goodsIn.summary", { lines: t("goodsIn.lines", { n: supplier.lines.length }), points: t("goodsIn.points", { n: points }) })),
    status,
    short ? h("p", { class: "goods-in-short" }, short === 1 ? t("goodsIn.shortOne") : t("goodsIn.short", { n: short })) : null,
    supplier.received || waiting
      ? null
      : h(
          "button",
          {
            type: "button",
            class: "button button-primary button-block",
            "data-testid": "receive-supplier",
            onclick: () => {
              openSupplier = supplier.supplier_id;
              flash = null;
              drafts = new Map();
              driverName = "";
              drawForm(host, user, supplier);
            },
          },
          t("goodsIn.receive"),
        ),
  );
}

function draftOf(line: Line): Draft {
  let draft = drafts.get(line.order_line_id);
  if (!draft) {
    // Counting starts from what the supplier's despatch advice says was shipped, else the order.
    const start = line.announced_quantity ?? line.quantity;
    draft = { quantity: String(start).replace(".", ","), temperature: "", deviation: "", photo: null };
    drafts.set(line.order_line_id, draft);
  }
  return draft;
}

function where(line: Line): string {
  const stop = line.vehicle_name && line.stop_sequence
    ? t("goodsIn.stop", { vehicle: line.vehicle_name, trip: line.trip ?? 1, stop: line.stop_sequence })
    : t("goodsIn.notPlanned");
  return `${line.delivery_point_name} · ${stop}`;
}

function lineRow(line: Line, index: number, errors: Map<string, string>): HTMLElement {
  const draft = draftOf(line);
  const id = `gi-${line.order_line_id}`;
  const quantity = h("input", {
    id: `${id}-qty`, type: "text", inputmode: "decimal", autocomplete: "off", value: draft.quantity,
    "data-testid": "received-quantity", "aria-invalid": errors.has(`${index}.qty`) ? "true" : null,
  });
  const error = (key: string) => (errors.has(key) ? h("p", { class: "field-error" }, errors.get(key) ?? "") : null);
  const quantityError = error(`${index}.qty`);
  quantity.addEventListener("input", () => {
    draft.quantity = quantity.value;
    answered(quantity, quantityError, validQuantity(draft.quantity));
  });
  const limit = line.temperature_limit_c;
  let temperature: HTMLInputElement | null = null;
  const temperatureError = error(`${index}.temp`);
  if (limit !== null && limit !== undefined) {
    temperature = h("input", {
      id: `${id}-temp`, type: "text", inputmode: "decimal", autocomplete: "off", value: draft.temperature,
      "data-testid": "temperature", "aria-invalid": errors.has(`${index}.temp`) ? "true" : null,
    });
    temperature.addEventListener("input", () => {
      draft.temperature = temperature?.value ?? "";
      if (temperature) answered(temperature, temperatureError, parseTemperature(draft.temperature) !== null);
    });
  }
  const deviation = h(
    "select",
    { id: `${id}-dev`, "data-testid": "deviation" },
    h("option", { value: "", selected: draft.deviation === "" }, t("goodsIn.deviation.none")),
    ...DEVIATIONS.map((code) => h("option", { value: code, selected: draft.deviation === code }, t(`goodsIn.deviation.${code}` as MessageKey))),
  );
  deviation.addEventListener("change", () => (draft.deviation = deviation.value as Deviation | ""));
  return h(
    "li",
    { class: "goods-in-line", "data-testid": "goods-in-line", "data-article": line.article, "data-point": line.delivery_point_name },
    h("p", { class: "goods-in-article" }, h("strong", {}, line.article), ` · ${t(`temp.${line.temperature_class}` as MessageKey)}`),
    h("p", { class: "muted" }, where(line)),
    line.announced_quantity !== null && line.announced_quantity !== undefined && line.announced_quantity < line.quantity
      ? h("p", { class: "goods-in-short", "data-testid": "announced-short" },
          t("goodsIn.announced", { announced: formatNumber(line.announced_quantity), quantity: formatNumber(line.quantity), unit: line.unit }))
      : null,
    h(
      "div",
      { class: "goods-in-fields" },
      h("div", { class: "field" },
        h("label", { for: `${id}-qty` }, t("goodsIn.receivedOf", { ordered: String(line.quantity).replace(".", ","), unit: line.unit })),
        quantity, quantityError),
      temperature
        ? h("div", { class: "field" },
            h("label", { for: `${id}-temp` }, t("goodsIn.temperature", { limit: String(limit).replace(".", ",").replace("-", "−") })),
            temperature, temperatureError)
        : null,
      h("div", { class: "field" }, h("label", { for: `${id}-dev` }, t("goodsIn.deviation")), deviation),
      photoField(id, draft),
    ),
  );
}

/** The deviation's photo: the app's own button (a bare file input shows the browser's words, cut
 * short on a phone), the picture once taken, and a way to take it away again. */
function photoField(id: string, draft: Draft): HTMLElement {
  const field = h("div", { class: "field goods-in-photo" });
  const draw = (status = "") => {
    const input = h("input", {
      id: `${id}-photo`, type: "file", accept: "image/*", capture: "environment", class: "visually-hidden",
      "data-testid": "deviation-photo",
    });
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      if (!file) return;
      draw(t("goodsIn.photoProcessing"));
      downscalePhoto(file).then(
        (url) => {
          draft.photo = url;
          draw();
        },
        () => draw(t("goodsIn.photoFailed")),
      );
    });
    const children = [
      h("span", { class: "field-label" }, t("goodsIn.photo")),
      draft.photo ? h("img", { src: draft.photo, alt: t("goodsIn.photoTaken"), class: "goods-in-thumb", "data-testid": "deviation-photo-taken" }) : null,
      status ? h("p", { class: "muted", role: "status" }, status) : null,
      h("div", { class: "goods-in-photo-actions" },
        input,
        h("label", { for: `${id}-photo`, class: "button button-secondary" }, draft.photo ? t("goodsIn.photoRetake") : t("goodsIn.photoTake")),
        draft.photo
          ? h("button", { type: "button", class: "button", "data-testid": "deviation-photo-remove", onclick: () => {
              draft.photo = null;
              draw();
            } }, t("goodsIn.photoRemove"))
          : null),
    ];
    field.replaceChildren(...children.filter((child): child is HTMLElement => child !== null));
  };
  draw();
  return field;
}

/** An error stays until its field is answered: then the words and the red frame go. */
function answered(input: HTMLInputElement, error: HTMLElement | null, ok: boolean): void {
  if (!error) return;
  error.hidden = ok;
  input.setAttribute("aria-invalid", ok ? "false" : "true");
}

function validQuantity(value: string): boolean {
  const quantity = parseDecimal(value);
  return quantity !== null && quantity >= 0;
}

function parseTemperature(value: string): number | null {
  return parseDecimal(value.replace("−", "-"));
}

function drawForm(host: HTMLElement, user: User, supplier: Supplier, errors = new Map<string, string>()): void {
  const name = h("input", { id: "gi-driver", autocomplete: "off", maxlength: 120, value: driverName, "data-testid": "supplier-driver" });
  const nameError = errors.has("driver") ? h("p", { class: "field-error" }, errors.get("driver") ?? "") : null;
  name.addEventListener("input", () => {
    driverName = name.value;
    if (nameError) nameError.hidden = Boolean(driverName.trim()); // an error answered is no longer shown
  });
  const pad = signaturePad({
    label: t("goodsIn.signature"),
    hint: t("goodsIn.signatureHint"),
    clearLabel: t("goodsIn.clear"),
    testId: "goods-in-signature",
    onStroke: () => {
      if (signatureError) signatureError.hidden = true;
    },
  });
  const signatureError = errors.has("signature") ? h("p", { class: "field-error" }, errors.get("signature") ?? "") : null;
  const back = h("button", {
    type: "button", class: "button button-secondary", "data-testid": "goods-in-back",
    onclick: () => {
      openSupplier = null;
      void drawList(host, user);
    },
  }, `← ${t("goodsIn.back")}`);
  const save = async () => {
    const found = new Map<string, string>();
    const lines: ReceiptBody["lines"] = [];
    supplier.lines.forEach((line, index) => {
      const draft = draftOf(line);
      const quantity = parseDecimal(draft.quantity);
      if (!validQuantity(draft.quantity)) found.set(`${index}.qty`, t("goodsIn.error.quantity", { value: draft.quantity }));
      let temperature: number | null = null;
      if (line.temperature_limit_c !== null && line.temperature_limit_c !== undefined) {
        temperature = parseTemperature(draft.temperature);
        if (temperature === null) found.set(`${index}.temp`, t("goodsIn.error.temperature"));
      }
      lines.push({
        order_line_id: line.order_line_id, received_quantity: quantity ?? 0, temperature_c: temperature,
        deviation: draft.deviation || null, note: "", photo: draft.photo,
      });
    });
    if (!driverName.trim()) found.set("driver", t("goodsIn.error.driver"));
    const signature = pad.png();
    if (signature === null) found.set("signature", t("goodsIn.error.signature"));
    if (found.size) return drawForm(host, user, supplier, found);
    const body: ReceiptBody = {
      client_id: newClientId(), terminal_id: null, supplier_id: supplier.supplier_id, plan_date: zoneDate(), supplier_driver_name: driverName.trim(),
      signature, note: "", recorded_at: nowWithOffset(), lines,
    };
    await outbox.add(user.id, { stream: stream(supplier.supplier_id), path: "/goods-in/receipts", body, label: t("goodsIn.outboxLabel", { supplier: supplier.supplier_name }) });
    flash = { text: t("goodsIn.saved", { supplier: supplier.supplier_name }), until: Date.now() + FLASH_MS };
    openSupplier = null;
    drafts = new Map();
    driverName = "";
    void drawList(host, user);
  };
  const count = errors.size;
  host.replaceChildren(
    h(
      "div",
      { class: "goods-in-form", "data-testid": "goods-in-form" },
      back,
      h("h2", { class: "section-title" }, t("goodsIn.formTitle", { supplier: supplier.supplier_name })),
      h("p", { class: "muted" }, t("goodsIn.formHint")),
      count ? h("p", { class: "alert alert-error", role: "alert", "data-testid": "goods-in-errors" }, count === 1 ? t("goodsIn.errorsOne") : t("goodsIn.errors", { n: count })) : null,
      h("ul", { class: "goods-in-lines" }, supplier.lines.map((line, index) => lineRow(line, index, errors))),
      h("section", { class: "card goods-in-handover" },
        h("h3", {}, t("goodsIn.handover")),
        h("p", { class: "muted" }, t("goodsIn.handoverHint")),
        h("div", { class: "field" }, h("label", { for: "gi-driver" }, t("goodsIn.driver")), name, nameError),
        pad.element,
        signatureError,
        h("button", { type: "button", class: "button button-primary button-block", "data-testid": "goods-in-save", onclick: () => void save() }, t("goodsIn.save")),
      ),
    ),
  );
}
