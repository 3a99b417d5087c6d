// "Register": orders, delivery points, suppliers, vehicles and slot templates as searchable
// tables, with CSV import. An import is all or nothing: on error the server's row / column /
// message report is shown as a table and nothing has been imported.
import { hasKey, t, type MessageKey } from "../i18n";
import { empty, errorBox, errorMessage, formatNumber, loading } from "../ui/components";
import { h } from "../ui/dom";
import * as api from "./api";
import type { ImportRowError, ListKind, Row } from "./api";

interface Column {
  label: MessageKey;
  value: (row: Row) => string;
}

const lookups = {
  municipalities: new Map<number, string>(),
  points: new Map<number, string>(),
  suppliers: new Map<number, string>(),
};

const str = (v: unknown) => (v === null || v === undefined || v === "" ? t("common.none") : String(v));
const num = (v: unknown) => (typeof v === "number" ? formatNumber(v) : str(v));
const weekday = (v: unknown) => (typeof v === "number" ? t(`weekday.${v}` as MessageKey) : str(v));
const translated = (prefix: string, v: unknown) => {
  const key = `${prefix}.${String(v)}`;
  return hasKey(key) ? t(key) : str(v);
};

function windows(row: Row): string {
  const list = Array.isArray(row.receiving_windows) ? (row.receiving_windows as { weekday: number; start: string; end: string }[]) : [];
  if (!list.length) return t("common.none");
  return list.map((w) => `${t(`weekday.${w.weekday}` as MessageKey).slice(0, 3)} ${w.start}–${w.end}`).join(", ");
}

function compartments(row: Row): string {
  const list = Array.isArray(row.compartments) ? (row.compartments as { temperature_class: string; capacity_kg: number }[]) : [];
  return list.map((c) => `${t(`temp.${c.temperature_class}` as MessageKey)} ${formatNumber(c.capacity_kg)} kg`).join(", ") || t("common.none");
}

const COLUMNS: Record<ListKind, Column[]> = {
  orders: [
    { label: "coordinator.col.externalId", value: (r) => str(r.external_id) },
    { label: "coordinator.col.date", value: (r) => str(r.requested_date) },
    { label: "coordinator.col.deliveryPoint", value: (r) => lookups.points.get(Number(r.delivery_point_id)) ?? str(r.delivery_point_id) },
    { label: "coordinator.col.supplier", value: (r) => lookups.suppliers.get(Number(r.supplier_id)) ?? str(r.supplier_id) },
    { label: "coordinator.col.lines", value: (r) => String(Array.isArray(r.lines) ? r.lines.length : 0) },
    { label: "coordinator.col.weight", value: (r) => `${num(r.total_weight_kg)} kg` },
    { label: "coordinator.col.status", value: (r) => translated("order.status", r.status) },
  ],
  delivery_points: [
    { label: "coordinator.col.externalId", value: (r) => str(r.external_id) },
    { label: "coordinator.col.name", value: (r) => str(r.name) },
    { label: "coordinator.col.kind", value: (r) => translated("dpKind", r.kind) },
    { label: "coordinator.col.municipality", value: (r) => lookups.municipalities.get(Number(r.municipality_id)) ?? str(r.municipality_id) },
    { label: "coordinator.col.address", value: (r) => str(r.address) },
    { label: "coordinator.col.windows", value: windows },
  ],
  suppliers: [
    { label: "coordinator.col.externalId", value: (r) => str(r.external_id) },
    { label: "coordinator.col.name", value: (r) => str(r.name) },
    { label: "coordinator.col.kind", value: (r) => translated("supplierKind", r.kind) },
    { label: "coordinator.col.address", value: (r) => str(r.address) },
    {
      label: "coordinator.col.productAreas",
      value: (r) => (Array.isArray(r.product_areas) ? (r.product_areas as { name: string }[]).map((a) => a.name).join(", ") : "") || t("common.none"),
    },
  ],
  vehicles: [
    { label: "coordinator.col.externalId", value: (r) => str(r.external_id) },
    { label: "coordinator.col.name", value: (r) => str(r.name) },
    { label: "coordinator.col.energy", value: (r) => str(r.energy_type) },
    { label: "coordinator.col.shift", value: (r) => `${str(r.shift_start)}–${str(r.shift_end)}` },
    { label: "coordinator.col.capacity", value: compartments },
    { label: "coordinator.col.active", value: (r) => t(r.active === false ? "coordinator.no" : "coordinator.yes") },
  ],
  slot_templates: [
    { label: "coordinator.col.name", value: (r) => str(r.name) },
    { label: "coordinator.col.kind", value: (r) => translated("coordinator.slotKind", r.kind) },
    { label: "coordinator.col.weekday", value: (r) => weekday(r.weekday) },
    { label: "coordinator.col.time", value: (r) => `${str(r.start)}–${str(r.end)}` },
    { label: "coordinator.col.capacity", value: (r) => `${num(r.capacity_kg)} kg, ${num(r.capacity_pallets)} pall` },
    { label: "coordinator.col.cutoff", value: (r) => t("coordinator.cutoff", { days: str(r.cutoff_days_before), time: str(r.cutoff_time) }) },
    { label: "coordinator.col.active", value: (r) => t(r.active === false ? "coordinator.no" : "coordinator.yes") },
  ],
};

type ImportState =
  | { status: "idle" }
  | { status: "running" }
  | { status: "ok"; result: api.ImportResult }
  | { status: "error"; message: string; rows: ImportRowError[] };

const state = {
  kind: "orders" as ListKind,
  q: "",
  date: "",
  rows: undefined as Row[] | undefined,
  error: null as unknown,
  import: { status: "idle" } as ImportState,
};

let container: HTMLElement | null = null;
let loadToken = 0;
let searchTimer: number | undefined;

async function loadLookups(): Promise<void> {
  const [municipalities, points, suppliers] = await Promise.all([
    api.municipalities().catch(() => []),
    api.listRows("delivery_points", "").catch(() => []),
    api.listRows("suppliers", "").catch(() => []),
  ]);
  lookups.municipalities = new Map(municipalities.map((m) => [m.id, m.name]));
  lookups.points = new Map(points.map((p) => [Number(p.id), String(p.name)]));
  lookups.suppliers = new Map(suppliers.map((s) => [Number(s.id), String(s.name)]));
}

async function load(): Promise<void> {
  const token = ++loadToken;
  state.rows = undefined;
  drawTable();
  try {
    if (state.kind === "orders" && !lookups.points.size) await loadLookups();
    if (state.kind === "delivery_points" && !lookups.municipalities.size) await loadLookups();
    const rows = await api.listRows(state.kind, state.q, state.kind === "orders" ? { date: state.date } : {});
    if (token !== loadToken) return;
    state.rows = rows;
    state.error = null;
  } catch (error) {
    if (token !== loadToken) return;
    state.rows = [];
    state.error = error;
  }
  drawTable();
}

function table(rows: Row[]): HTMLElement {
  const columns = COLUMNS[state.kind];
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "ctable", "data-testid": "list-table" },
      h("caption", { class: "visually-hidden" }, t(`coordinator.list.${state.kind}`)),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, t(c.label))))),
      h("tbody", {}, rows.map((row) => h("tr", { "data-testid": "list-row" }, columns.map((c) => h("td", {}, c.value(row)))))),
    ),
  );
}

function drawTable(): void {
  const slot = container?.querySelector(".list-slot");
  if (!slot) return;
  if (state.rows === undefined) slot.replaceChildren(loading());
  else if (state.error) slot.replaceChildren(errorBox(state.error, () => void load()));
  else if (!state.rows.length) slot.replaceChildren(empty(t(state.q ? "coordinator.noMatches" : "coordinator.noRows")));
  else
    slot.replaceChildren(
      h("p", { class: "muted", "data-testid": "list-count" }, t("coordinator.rowCount", { n: state.rows.length })),
      table(state.rows),
    );
}

async function runImport(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  if (!file) {
    state.import = { status: "error", message: t("coordinator.import.chooseFile"), rows: [] };
    drawImport();
    return;
  }
  state.import = { status: "running" };
  drawImport();
  try {
    const result = await api.importCsv(state.kind, file, file.name);
    state.import = { status: "ok", result };
    input.value = "";
    lookups.points.clear();
    void load();
  } catch (error) {
    state.import = { status: "error", message: errorMessage(error), rows: api.importErrors(error) };
  }
  drawImport();
}

function importReport(): HTMLElement | null {
  const s = state.import;
  if (s.status === "idle") return null;
  if (s.status === "running") return h("p", { role: "status" }, t("coordinator.import.running"));
  if (s.status === "ok")
    return h(
      "div",
      { class: "alert alert-ok", role: "status", "data-testid": "import-ok" },
      h("p", { class: "alert-title" }, t("coordinator.import.ok", { created: s.result.created, updated: s.result.updated })),
      s.result.message ? h("p", {}, s.result.message) : null,
    );
  return h(
    "div",
    { class: "alert alert-error", role: "alert", "data-testid": "import-error" },
    h("p", { class: "alert-title" }, t("coordinator.import.failed")),
    h("p", {}, s.message),
    s.rows.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "ctable ctable-errors", "data-testid": "import-errors" },
            h("caption", {}, t("coordinator.import.errorsCaption", { n: s.rows.length })),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, t("coordinator.import.row")),
                h("th", { scope: "col" }, t("coordinator.import.column")),
                h("th", { scope: "col" }, t("coordinator.import.message")),
              ),
            ),
            h(
              "tbody",
              {},
              s.rows.map((e) =>
                h("tr", { "data-testid": "import-error-row" }, h("td", {}, String(e.row)), h("td", {}, e.column || t("common.none")), h("td", {}, e.message)),
              ),
            ),
          ),
        )
      : null,
  );
}

function drawImport(): void {
  const slot = container?.querySelector(".import-slot");
  if (slot) slot.replaceChildren(...[importReport()].filter((x): x is HTMLElement => x !== null));
  const button = container?.querySelector<HTMLButtonElement>("[data-testid=import-button]");
  if (button) button.disabled = state.import.status === "running";
}

function importPanel(): HTMLElement | null {
  if (!api.IMPORTABLE.has(state.kind)) return h("p", { class: "muted" }, t("coordinator.import.notAvailable"));
  const input = h("input", { id: "import-file", type: "file", accept: ".csv,text/csv", "data-testid": "import-file" });
  return h(
    "section",
    { class: "card cimport" },
    h("h3", {}, t("coordinator.import.title", { what: t(`coordinator.list.${state.kind}`) })),
    h("p", {}, t("coordinator.import.hint")),
    h(
      "div",
      { class: "cimport-row" },
      h("label", { for: "import-file" }, t("coordinator.import.file")),
      input,
      h("button", { type: "button", class: "button button-primary", "data-testid": "import-button", onclick: () => void runImport(input) }, t("coordinator.import.submit")),
    ),
    h("div", { class: "import-slot", "aria-live": "polite" }, importReport()),
  );
}

function subTabs(): HTMLElement {
  return h(
    "div",
    { class: "subtabs", role: "tablist", "aria-label": t("coordinator.tab.lists") },
    api.LIST_KINDS.map((kind) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          class: "subtab",
          "aria-selected": String(kind === state.kind),
          "data-testid": `list-tab-${kind}`,
          onclick: () => {
            if (kind === state.kind) return;
            state.kind = kind;
            state.q = "";
            state.import = { status: "idle" };
            draw();
            void load();
          },
        },
        t(`coordinator.list.${kind}`),
      ),
    ),
  );
}

function searchForm(): HTMLElement {
  const onInput = (event: Event) => {
    state.q = (event.target as HTMLInputElement).value;
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void load(), 300);
  };
  return h(
    "form",
    {
      class: "csearch",
      role: "search",
      onsubmit: (event: Event) => {
        event.preventDefault();
        window.clearTimeout(searchTimer);
        void load();
      },
    },
    h(
      "div",
      { class: "field field-inline" },
      h("label", { for: "list-q" }, t("coordinator.search")),
      h("input", { id: "list-q", type: "search", value: state.q, "data-testid": "list-search", oninput: onInput, placeholder: t(state.kind === "orders" ? "coordinator.searchOrders" : "coordinator.searchNames") }),
    ),
    state.kind === "orders"
      ? h(
          "div",
          { class: "field field-inline" },
          h("label", { for: "list-date" }, t("coordinator.col.date")),
          h("input", {
            id: "list-date",
            type: "date",
            value: state.date,
            onchange: (event: Event) => {
              state.date = (event.target as HTMLInputElement).value;
              void load();
            },
          }),
        )
      : null,
    h("button", { type: "submit", class: "button" }, t("coordinator.searchButton")),
  );
}

function draw(): void {
  if (!container) return;
  container.replaceChildren(
    h(
      "div",
      { class: "clists", "data-testid": "lists" },
      subTabs(),
      h("div", { class: "clists-grid" }, h("div", {}, searchForm(), h("div", { class: "list-slot" })), importPanel()),
    ),
  );
  drawTable();
}

export function listsSection(): HTMLElement {
  container = h("div", {});
  queueMicrotask(() => {
    draw();
    void load();
  });
  return container;
}

