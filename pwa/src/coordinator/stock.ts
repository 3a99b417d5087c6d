// "Beredskapslager": the terminal's emergency stock. What is held and how many days it lasts per
// municipality (against what the kitchens order), a warning for each article below the minimum
// levels, the batches to use in ordinary deliveries before they expire (first in, first out, with
// the quantity to buy back), a crisis day's cover when a supplier did not come (care homes first;
// a preview before anything changes), the minimum levels, and new articles and batches.
import { newClientId } from "../driver/types";
import { t, type MessageKey } from "../i18n";
import { empty, errorBox, errorMessage, formatNumber, loading } from "../ui/components";
import { drawInto, h } from "../ui/dom";
import { zoneDate } from "../util/time";
import * as api from "./api";

const KINDS = ["care_home", "preschool", "school_kitchen", "other"] as const;
const CLASSES = ["frozen", "chilled", "ambient"] as const;

const state = {
  data: undefined as api.StockOverview | undefined,
  error: null as unknown,
  notice: null as { text: string; ok: boolean; where: string } | null,
  suppliers: [] as { id: number; name: string }[],
  crisis: null as api.Crisis | null,
  busy: false,
  /** The proposals' window in days; null: the server's default. */
  rotationDays: null as number | null,
  /** What is typed in the window's field and not yet taken (a redraw keeps it, as it keeps open editors). */
  rotationDraft: null as string | null,
  /** Articles whose editor is open (kept open across redraws). */
  open: new Set<number>(),
  /** The cluster's terminals; the stock shown is the chosen one's (null: the first, as the server picks). */
  terminals: [] as api.Terminal[],
  terminalId: null as number | null,
};

let container: HTMLElement | null = null;

const qty = (value: number) => formatNumber(value);
const days = (value: number | null) => (value === null ? t("stock.noUse") : t("stock.days", { n: formatNumber(value) }));

/** The latest load only: an older answer arriving after a newer one (the language switched, then
 * the window narrowed) must not put the older figures back on screen. */
let loadToken = 0;

async function load(): Promise<void> {
  const token = ++loadToken;
  try {
    const [data, suppliers, terminals] = await Promise.all([
      api.stockOverview(state.rotationDays, state.terminalId),
      api.listAll("suppliers"),
      state.terminals.length ? Promise.resolve(state.terminals) : api.terminals(),
    ]);
    if (token !== loadToken) return;
    state.terminals = terminals;
    state.data = data;
    state.suppliers = suppliers
      .filter((row) => row.terminal_stock_of === null || row.terminal_stock_of === undefined)
      .map((row) => ({ id: Number(row.id), name: String(row.name) }));
    state.error = null;
  } catch (error) {
    if (token !== loadToken) return;
    state.error = error;
  }
  draw();
}

function notice(where: string): HTMLElement | null {
  const n = state.notice;
  if (!n || n.where !== where) return null;
  return h("p", { class: `alert ${n.ok ? "alert-ok" : "alert-error"}`, role: n.ok ? "status" : "alert", "data-testid": `stock-notice-${where}` }, n.text);
}

async function act(where: string, work: () => Promise<string>): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  try {
    state.notice = { text: await work(), ok: true, where };
    state.data = await api.stockOverview(state.rotationDays, state.terminalId);
  } catch (error) {
    state.notice = { text: errorMessage(error), ok: false, where };
  } finally {
    state.busy = false;
  }
  draw();
}

function warnings(data: api.StockOverview): HTMLElement | null {
  const below = data.articles.filter((a) => a.below_minimum);
  if (!below.length) return null;
  return h(
    "div",
    { class: "alert alert-warn", role: "alert", "data-testid": "stock-below" },
    h("p", { class: "alert-title" }, t("stock.belowTitle")),
    h("ul", {}, below.map((a) => h("li", {}, t("stock.below", { article: a.article, quantity: qty(a.quantity), required: qty(a.required), unit: a.unit })))),
  );
}

function proposalCard(p: api.StockProposal): HTMLElement {
  const add = () =>
    act("proposals", async () => {
      const done = await api.addToDelivery({
        client_id: newClientId(), batch_id: p.batch_id, delivery_point_id: p.delivery_point_id!, date: p.date!, quantity: p.quantity, terminal_id: state.terminalId,
      });
      return t("stock.proposal.added", { quantity: qty(done.quantity), unit: done.unit, article: done.article, point: done.delivery_point_name, date: done.date ?? "" });
    });
  return h(
    "li",
    { class: "card stock-proposal", "data-testid": "stock-proposal" },
    h("p", { class: "stock-proposal-head" },
      h("strong", {}, t("stock.proposal.batch", { quantity: qty(p.quantity), unit: p.unit, article: p.article, date: p.best_before })),
      " ",
      h("span", { class: "chip chip-warn" }, t("stock.proposal.daysLeft", { n: p.days_left }))),
    p.delivery_point_id && p.date
      ? h("p", {}, t("stock.proposal.to", { point: p.delivery_point_name ?? "", date: p.date }))
      : h("p", { class: "muted" }, t("stock.proposal.nobody")),
    h("p", { class: "muted" }, t("stock.proposal.replace", { quantity: qty(p.replacement_quantity), unit: p.unit })),
    p.delivery_point_id && p.date
      ? h("button", { type: "button", class: "button button-primary", disabled: state.busy, "data-testid": "stock-add-to-delivery", onclick: () => void add() }, t("stock.proposal.add"))
      : null,
  );
}

function articleEditor(a: api.StockArticle): HTMLElement {
  const where = `article-${a.id}`;
  const id = (name: string) => `stock-${a.id}-${name}`;
  const field = (fieldId: string, label: string, input: HTMLElement) => h("div", { class: "field-inline" }, h("label", { for: fieldId }, label), input);
  const name = h("input", { id: id("name"), maxlength: 200, value: a.article, "data-testid": "stock-edit-article" });
  const unit = h("input", { id: id("unit"), maxlength: 16, value: a.unit, size: 6 });
  const temperature = h("select", { id: id("temp") }, CLASSES.map((c) => h("option", { value: c, selected: c === a.temperature_class }, t(`temp.${c}` as MessageKey))));
  const save = () =>
    act(where, async () => {
      await api.updateStockArticle(a.id, { article: name.value.trim(), unit: unit.value.trim(), temperature_class: temperature.value as (typeof CLASSES)[number] });
      return t("stock.edit.saved", { article: name.value.trim() });
    });
  const remove = () =>
    act("articles", async () => {
      await api.deleteStockArticle(a.id);
      state.open.delete(a.id);
      return t("stock.edit.deleted", { article: a.article });
    });
  const batchRow = (b: api.StockArticle["batches"][number], index: number) => {
    const quantity = h("input", { id: id(`bq-${b.id}`), type: "number", min: "0", step: "0.5", inputmode: "decimal", value: String(b.quantity), "data-testid": "stock-batch-quantity" });
    const bestBefore = h("input", { id: id(`bb-${b.id}`), type: "date", value: b.best_before });
    const saveBatch = () =>
      act(where, async () => {
        await api.updateStockBatch(b.id, { quantity: Number(quantity.value || 0), best_before: bestBefore.value });
        return t("stock.edit.batchSaved");
      });
    const removeBatch = () =>
      act(where, async () => {
        await api.deleteStockBatch(b.id);
        return t("stock.edit.batchDeleted");
      });
    return h(
      "fieldset",
      { class: "stock-batch-edit", "data-testid": "stock-batch-edit" },
      h("legend", {}, t("stock.edit.batchLabel", { n: index + 1 })),
      h("div", { class: "stock-form-row" },
        field(id(`bq-${b.id}`), `${t("stock.add.quantity")} (${a.unit})`, quantity),
        field(id(`bb-${b.id}`), t("stock.add.bestBefore"), bestBefore)),
      h("div", { class: "stock-actions" },
        h("button", { type: "button", class: "button button-secondary", "data-testid": "stock-batch-save", onclick: () => void saveBatch() }, t("stock.edit.batchSave")),
        h("button", { type: "button", class: "button button-secondary", "data-testid": "stock-batch-delete", onclick: () => void removeBatch() }, t("stock.edit.batchDelete"))),
    );
  };
  const newQuantity = h("input", { id: id("nq"), type: "number", min: "0", step: "0.5", inputmode: "decimal", "data-testid": "stock-batch-new-quantity" });
  const newBestBefore = h("input", { id: id("nbb"), type: "date", "data-testid": "stock-batch-new-best-before" });
  const addBatch = () =>
    act(where, async () => {
      await api.addStockBatch(a.id, { quantity: Number(newQuantity.value || 0), best_before: newBestBefore.value, note: "" });
      return t("stock.add.batchSaved");
    });
  const details = h(
    "details",
    { class: "stock-edit", open: state.open.has(a.id), "data-testid": "stock-edit" },
    h("summary", {}, t("stock.edit.title")),
    h("div", { class: "stock-form-row" },
      field(id("name"), t("stock.add.article"), name),
      field(id("unit"), t("stock.add.unit"), unit),
      field(id("temp"), t("stock.add.temperature"), temperature)),
    h("div", { class: "stock-actions" },
      h("button", { type: "button", class: "button button-secondary", "data-testid": "stock-edit-save", onclick: () => void save() }, t("stock.edit.save")),
      h("button", { type: "button", class: "button button-secondary", "data-testid": "stock-edit-delete", onclick: () => void remove() }, t("stock.edit.delete"))),
    a.batches.map(batchRow),
    h("p", { class: "muted" }, t("stock.edit.batchHint")),
    h("fieldset", { class: "stock-batch-edit" },
      h("legend", {}, t("stock.add.batch")),
      h("div", { class: "stock-form-row" },
        field(id("nq"), `${t("stock.add.quantity")} (${a.unit})`, newQuantity),
        field(id("nbb"), t("stock.add.bestBefore"), newBestBefore)),
      h("button", { type: "button", class: "button button-secondary", "data-testid": "stock-batch-add", onclick: () => void addBatch() }, t("stock.add.batch"))),
  );
  details.addEventListener("toggle", () => {
    if ((details as HTMLDetailsElement).open) state.open.add(a.id);
    else state.open.delete(a.id);
  });
  return details;
}

function articleCard(a: api.StockArticle): HTMLElement {
  return h(
    "li",
    { class: "card stock-article", "data-testid": "stock-article", "data-article": a.article },
    h("p", { class: "stock-article-head" },
      h("strong", {}, a.article),
      ` · ${t(`temp.${a.temperature_class}` as MessageKey)} `,
      a.below_minimum ? h("span", { class: "chip chip-danger" }, t("stock.belowChip")) : null),
    h("dl", { class: "stock-figures" },
      h("div", {}, h("dt", {}, t("stock.col.quantity")), h("dd", { "data-testid": "stock-quantity" }, `${qty(a.quantity)} ${a.unit}`)),
      h("div", {}, h("dt", {}, t("stock.col.days")), h("dd", { "data-testid": "stock-days" }, days(a.days_of_supply))),
      h("div", {}, h("dt", {}, t("stock.col.batches")), h("dd", {}, a.batches.length ? a.batches.map((b) => h("span", { class: "stock-batch" }, `${qty(b.quantity)} ${a.unit}: ${b.best_before}`)) : "–"))),
    a.municipalities.length
      ? h("div", {},
          h("p", { class: "muted stock-sub" }, t("stock.col.perMunicipality")),
          h("ul", { class: "stock-municipalities" }, a.municipalities.map((m) =>
            h("li", {}, t("stock.municipality", { name: m.name, days: days(m.days_of_supply), required: qty(m.required), unit: a.unit })))))
      : null,
    notice(`article-${a.id}`),
    articleEditor(a),
  );
}

function crisisForm(): HTMLElement {
  const date = h("input", { id: "crisis-date", type: "date", value: zoneDate(), "data-testid": "crisis-date" });
  const supplier = h("select", { id: "crisis-supplier", "data-testid": "crisis-supplier" },
    state.suppliers.map((s) => h("option", { value: String(s.id) }, s.name)));
  const preview = async () => {
    if (state.busy) return;
    state.busy = true;
    try {
      state.crisis = await api.crisisPreview(date.value, Number(supplier.value), state.terminalId);
      state.notice = null;
    } catch (error) {
      state.crisis = null;
      state.notice = { text: errorMessage(error), ok: false, where: "crisis" };
    } finally {
      state.busy = false;
    }
    draw();
  };
  const shown = state.crisis;
  const confirm = () =>
    act("crisis", async () => {
      const done = await api.crisisCover({ client_id: newClientId(), date: shown!.date, supplier_id: shown!.supplier_id, terminal_id: state.terminalId });
      state.crisis = null;
      return done.covered.length ? t("stock.crisis.done", { n: done.covered.length }) : t("stock.crisis.nothing");
    });
  const row = (r: api.StockIssue) => {
    const params = { point: r.delivery_point_name, quantity: qty(r.quantity), unit: r.unit, article: r.article };
    return h("li", {}, r.best_before ? t("stock.crisis.rowBatch", { ...params, date: r.best_before }) : t("stock.crisis.row", params));
  };
  return h(
    "section",
    { class: "card stock-crisis", "data-testid": "stock-crisis" },
    h("h3", {}, t("stock.crisis.title")),
    h("p", { class: "muted" }, t("stock.crisis.hint")),
    h("div", { class: "stock-form-row" },
      h("div", { class: "field-inline" }, h("label", { for: "crisis-date" }, t("stock.crisis.date")), date),
      h("div", { class: "field-inline" }, h("label", { for: "crisis-supplier" }, t("stock.crisis.supplier")), supplier),
      h("button", { type: "button", class: "button button-secondary", "data-testid": "crisis-preview", onclick: () => void preview() }, t("stock.crisis.preview"))),
    notice("crisis"),
    shown
      ? h("div", { "data-testid": "crisis-result" },
          shown.covered.length
            ? h("div", {}, h("h4", {}, t("stock.crisis.covered", { n: shown.covered.length })), h("ul", { "data-testid": "crisis-covered" }, shown.covered.map(row)))
            : h("p", {}, t("stock.crisis.nothing")),
          shown.uncovered.length
            ? h("div", {}, h("h4", {}, t("stock.crisis.uncovered", { n: shown.uncovered.length })), h("ul", { "data-testid": "crisis-uncovered" }, shown.uncovered.map(row)))
            : null,
          shown.covered.length
            ? h("button", { type: "button", class: "button button-primary", "data-testid": "crisis-confirm", onclick: () => void confirm() }, t("stock.crisis.confirm"))
            : null)
      : null,
  );
}

function minimumsForm(data: api.StockOverview): HTMLElement {
  const inputs = KINDS.map((kind) => {
    const current = data.minimums.find((m) => m.kind === kind)?.days ?? 0;
    return { kind, input: h("input", { id: `min-${kind}`, type: "number", min: "0", max: "60", step: "0.5", value: String(current), inputmode: "decimal", "data-testid": `stock-min-${kind}` }) };
  });
  const save = () =>
    act("minimums", async () => {
      await api.saveStockMinimums({ terminal_id: state.terminalId, minimums: inputs.map(({ kind, input }) => ({ kind, days: Number(input.value || 0) })) });
      return t("stock.minimums.saved");
    });
  return h(
    "section",
    { class: "card" },
    h("h3", {}, t("stock.minimums.title")),
    h("p", { class: "muted" }, t("stock.minimums.hint")),
    h("div", { class: "stock-form-row" }, inputs.map(({ kind, input }) =>
      h("div", { class: "field-inline" }, h("label", { for: `min-${kind}` }, t("stock.minimums.days", { kind: t(`dpKind.${kind}` as MessageKey) })), input))),
    h("button", { type: "button", class: "button button-secondary", "data-testid": "stock-min-save", onclick: () => void save() }, t("stock.minimums.save")),
    notice("minimums"),
  );
}

function addForm(): HTMLElement {
  const field = (id: string, label: MessageKey, input: HTMLElement) => h("div", { class: "field-inline" }, h("label", { for: id }, t(label)), input);
  const article = h("input", { id: "stock-article", maxlength: 200, "data-testid": "stock-new-article" });
  const unit = h("input", { id: "stock-unit", maxlength: 16, value: "st", size: 6 });
  const kg = h("input", { id: "stock-kg", type: "number", min: "0", step: "0.01", value: "1", inputmode: "decimal" });
  const temperature = h("select", { id: "stock-temp" }, CLASSES.map((c) => h("option", { value: c }, t(`temp.${c}` as MessageKey))));
  const quantity = h("input", { id: "stock-qty", type: "number", min: "0", step: "0.5", inputmode: "decimal", "data-testid": "stock-new-quantity" });
  const bestBefore = h("input", { id: "stock-bb", type: "date", "data-testid": "stock-new-best-before" });
  const save = () =>
    act("add", async () => {
      const name = article.value.trim();
      await api.addStockArticle({
        terminal_id: state.terminalId, article: name, unit: unit.value.trim(), weight_kg_per_unit: Number(kg.value || 1),
        temperature_class: temperature.value as (typeof CLASSES)[number],
        batches: quantity.value ? [{ quantity: Number(quantity.value), best_before: bestBefore.value, note: "" }] : [],
      });
      return t("stock.add.saved", { article: name });
    });
  return h(
    "section",
    { class: "card" },
    h("h3", {}, t("stock.add.title")),
    h("div", { class: "stock-form-row" },
      field("stock-article", "stock.add.article", article),
      field("stock-unit", "stock.add.unit", unit),
      field("stock-kg", "stock.add.kg", kg),
      field("stock-temp", "stock.add.temperature", temperature),
      field("stock-qty", "stock.add.quantity", quantity),
      field("stock-bb", "stock.add.bestBefore", bestBefore)),
    h("button", { type: "button", class: "button button-secondary", "data-testid": "stock-new-save", onclick: () => void save() }, t("stock.add.save")),
    notice("add"),
  );
}

function rotationField(data: api.StockOverview): HTMLElement {
  const input = h("input", { id: "stock-rotation", type: "number", min: "0", max: "365", step: "1", inputmode: "numeric", value: state.rotationDraft ?? String(data.rotation_days), size: 4, "data-testid": "stock-rotation" });
  input.addEventListener("input", () => {
    state.rotationDraft = input.value;
  });
  input.addEventListener("change", () => {
    const value = Math.round(Number(input.value));
    if (!Number.isFinite(value) || value < 0 || value > 365) return;
    state.rotationDraft = null;
    state.rotationDays = value;
    void load();
  });
  return h("div", { class: "stock-form-row" }, h("div", { class: "field-inline" }, h("label", { for: "stock-rotation" }, t("stock.rotation.label")), input));
}

/** With more than one terminal: which one's stock is shown (each keeps its own). */
function terminalPicker(): HTMLElement | null {
  if (state.terminals.length < 2) return null;
  const select = h(
    "select",
    { id: "stock-terminal", "data-testid": "stock-terminal" },
    state.terminals.map((terminal, index) =>
      h("option", { value: String(terminal.id), selected: state.terminalId === null ? index === 0 : terminal.id === state.terminalId }, terminal.name),
    ),
  );
  select.addEventListener("change", () => {
    state.terminalId = Number(select.value);
    state.notice = null;
    state.crisis = null;
    state.open.clear();
    void load();
  });
  return h("div", { class: "field-inline" }, h("label", { for: "stock-terminal" }, t("stock.terminal")), select);
}

function draw(): void {
  if (!container?.isConnected) return;
  if (state.error) return void container.replaceChildren(errorBox(state.error, () => void load()));
  const data = state.data;
  if (!data) return void container.replaceChildren(loading());
  drawInto(
    container,
    h("div", { class: "stock", "data-testid": "stock-view" },
      h("h2", { class: "section-title" }, t("stock.title")),
      terminalPicker(),
      h("p", { class: "muted", "data-testid": "stock-basis" }, t("stock.basis", { days: data.use_window_days })),
      warnings(data),
      h("section", {},
        h("h3", {}, t("stock.proposals.title")),
        h("p", { class: "muted" }, t("stock.proposals.hint", { days: data.rotation_days })),
        rotationField(data),
        notice("proposals"),
        data.proposals.length
          ? h("ul", { class: "stock-list" }, data.proposals.map(proposalCard))
          : h("p", {}, t("stock.proposals.none", { days: data.rotation_days }))),
      h("section", {},
        h("h3", {}, t("stock.articles.title")),
        notice("articles"),
        data.articles.length ? h("ul", { class: "stock-list" }, data.articles.map(articleCard)) : empty(t("stock.empty"), t("stock.emptyHint"))),
      crisisForm(),
      minimumsForm(data),
      addForm(),
    ),
  );
}

export function stockSection(): HTMLElement {
  container = h("div", {});
  state.notice = null;
  state.crisis = null;
  queueMicrotask(() => {
    draw();
    void load();
  });
  return container;
}
