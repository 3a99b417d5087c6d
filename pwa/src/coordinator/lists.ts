// "Listor": orders, delivery points, suppliers, vehicles and slot templates as searchable
// tables, a page at a time with the total, and CSV import. An import is all or nothing: on
// error every error of the file is shown as a table (row, column, the cell as written, what
// is wrong) and nothing has been imported.
import { downloadFile } from "../data/download";
import { hasKey, serverText, t, type MessageKey } from "../i18n";
import { empty, errorBox, errorMessage, formatNumber, loading } from "../ui/components";
import { drawInto, h } from "../ui/dom";
import { formatClock, formatDateTime, zoneDate } from "../util/time";
import * as api from "./api";
import { mapControl, mappingsPanel } from "./mappings";
import { registerPanel } from "./registers";
import type { ImportRowError, ListKind, Row } from "./api";

/** Rows per page: a page stays quick to draw on a phone; the total is always shown. */
export const PAGE_SIZE = 200;

interface Column {
  label: MessageKey;
  value: (row: Row) => string | Node;
  /** Short values that read badly broken over lines (ids, dates, weights, statuses). */
  nowrap?: boolean;
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

/** "Mån–Fre 07:00–11:00, Lör 08:00–10:00": the days with the same hours together, one group per line. */
function windows(row: Row): string | Node {
  const list = Array.isArray(row.receiving_windows) ? (row.receiving_windows as { weekday: number; start: string; end: string }[]) : [];
  if (!list.length) return t("common.none");
  const day = (d: number) => t(`weekday.${d}` as MessageKey).slice(0, 3);
  const byHours = new Map<string, number[]>();
  for (const w of [...list].sort((a, b) => a.weekday - b.weekday)) {
    const hours = `${w.start}–${w.end}`;
    byHours.set(hours, [...(byHours.get(hours) ?? []), w.weekday]);
  }
  const groups = [...byHours].map(([hours, days]) => {
    const runs: string[] = [];
    let first = days[0]!;
    days.forEach((d, i) => {
      const next = days[i + 1];
      if (next === d + 1) return;
      runs.push(d === first ? day(d) : d === first + 1 ? `${day(first)}, ${day(d)}` : `${day(first)}–${day(d)}`);
      first = next ?? d;
    });
    return `${runs.join(", ")} ${hours}`;
  });
  return h("span", { class: "cwindows" }, groups.map((group) => h("span", { class: "nowrap" }, group)));
}

function cutoff(row: Row): string {
  const time = str(row.cutoff_time);
  if (row.cutoff_days_before === 0) return t("coordinator.cutoffSameDay", { time });
  if (row.cutoff_days_before === 1) return t("coordinator.cutoffOne", { time });
  return t("coordinator.cutoff", { days: str(row.cutoff_days_before), time });
}

/** Open, delivered (with the time of hand-over) or cancelled, as a badge. */
function orderStatus(row: Row): HTMLElement {
  const badge = (kind: string, text: string) => h("span", { class: `chip ochip-${kind}`, "data-testid": "order-status" }, text);
  if (row.status === "cancelled") return badge("cancelled", t("order.status.cancelled"));
  if (typeof row.delivered_at === "string" && row.delivered_at) {
    const at = row.delivered_at;
    // The time alone when handed over on the day asked for, else the date too.
    const time = zoneDate(at) === row.requested_date ? formatClock(at) : formatDateTime(at);
    return badge("delivered", t("coordinator.orderStatus.delivered", { time }));
  }
  return badge("open", translated("order.status", row.status));
}

function compartments(row: Row): string {
  const list = Array.isArray(row.compartments) ? (row.compartments as { temperature_class: string; capacity_kg: number }[]) : [];
  return list.map((c) => `${t(`temp.${c.temperature_class}` as MessageKey)} ${formatNumber(c.capacity_kg)} kg`).join(", ") || t("common.none");
}

/** What a change did: for a change, field by field ("Namn: Mejeri → Mejerivaror"); for a new or
 * removed record, its name. Lists (order lines, windows) are said to have changed, not printed;
 * secrets come masked from the server. */
function changes(row: Row): string {
  const value = (v: unknown) => (v !== null && typeof v === "object" ? t("audit.listChanged") : str(v));
  const label = (field: string) => (hasKey(`audit.field.${field}`) ? t(`audit.field.${field}` as MessageKey) : field);
  const fields = row.changes && typeof row.changes === "object" ? (row.changes as Record<string, unknown>) : {};
  if (row.action !== "update") {
    const name = ["name", "display_name", "username", "external_id", "version"].find((f) => fields[f] !== undefined && fields[f] !== null);
    return name ? `${label(name)}: ${str(fields[name])}` : t("common.none");
  }
  const entries = Object.entries(fields);
  if (!entries.length) return t("common.none");
  return entries
    .map(([field, change]) => {
      if (!Array.isArray(change) || change.length !== 2) return label(field);
      const [before, after] = change as [unknown, unknown];
      return typeof before === "object" && before !== null ? `${label(field)}: ${value(after)}` : `${label(field)}: ${value(before)} → ${value(after)}`;
    })
    .join("; ");
}

const COLUMNS: Record<ListKind, Column[]> = {
  orders: [
    { label: "coordinator.col.externalId", value: (r) => str(r.external_id), nowrap: true },
    { label: "coordinator.col.date", value: (r) => str(r.requested_date), nowrap: true },
    { label: "coordinator.col.deliveryPoint", value: (r) => lookups.points.get(Number(r.delivery_point_id)) ?? str(r.delivery_point_id) },
    { label: "coordinator.col.supplier", value: (r) => lookups.suppliers.get(Number(r.supplier_id)) ?? str(r.supplier_id) },
    { label: "coordinator.col.lines", value: (r) => String(Array.isArray(r.lines) ? r.lines.length : 0) },
    { label: "coordinator.col.weight", value: (r) => `${num(r.total_weight_kg)} kg`, nowrap: true },
    { label: "coordinator.col.status", value: orderStatus, nowrap: true },
  ],
  delivery_points: [
    { label: "coordinator.col.externalId", value: (r) => str(r.external_id), nowrap: true },
    { label: "coordinator.col.name", value: (r) => str(r.name) },
    { label: "coordinator.col.kind", value: (r) => translated("dpKind", r.kind) },
    { label: "coordinator.col.municipality", value: (r) => lookups.municipalities.get(Number(r.municipality_id)) ?? str(r.municipality_id) },
    { label: "coordinator.col.address", value: (r) => str(r.address) },
    { label: "coordinator.col.windows", value: windows },
  ],
  suppliers: [
    { label: "coordinator.col.externalId", value: (r) => str(r.external_id), nowrap: true },
    { label: "coordinator.col.name", value: (r) => str(r.name) },
    { label: "coordinator.col.kind", value: (r) => translated("supplierKind", r.kind) },
    { label: "coordinator.col.address", value: (r) => str(r.address) },
    {
      label: "coordinator.col.productAreas",
      value: (r) => (Array.isArray(r.product_areas) ? (r.product_areas as { name: string }[]).map((a) => a.name).join(", ") : "") || t("common.none"),
    },
  ],
  vehicles: [
    { label: "coordinator.col.externalId", value: (r) => str(r.external_id), nowrap: true },
    { label: "coordinator.col.name", value: (r) => str(r.name) },
    { label: "coordinator.col.energy", value: (r) => translated("energy", r.energy_type) },
    { label: "coordinator.col.shift", value: (r) => `${str(r.shift_start)}–${str(r.shift_end)}`, nowrap: true },
    { label: "coordinator.col.capacity", value: compartments },
    { label: "coordinator.col.active", value: (r) => t(r.active === false ? "coordinator.no" : "coordinator.yes") },
  ],
  slot_templates: [
    { label: "coordinator.col.name", value: (r) => str(r.name) },
    { label: "coordinator.col.kind", value: (r) => translated("coordinator.slotKind", r.kind) },
    { label: "coordinator.col.weekday", value: (r) => weekday(r.weekday) },
    { label: "coordinator.col.time", value: (r) => `${str(r.start)}–${str(r.end)}`, nowrap: true },
    { label: "coordinator.col.capacity", value: (r) => `${num(r.capacity_kg)} kg, ${t("coordinator.pallets", { n: num(r.capacity_pallets) })}` },
    { label: "coordinator.col.cutoff", value: cutoff },
    { label: "coordinator.col.active", value: (r) => t(r.active === false ? "coordinator.no" : "coordinator.yes") },
  ],
  audit: [
    { label: "coordinator.col.time", value: (r) => (typeof r.at === "string" ? formatDateTime(r.at) : str(r.at)), nowrap: true },
    { label: "coordinator.col.who", value: (r) => (r.actor_name ? String(r.actor_name) : t("audit.system")) },
    { label: "coordinator.col.action", value: (r) => translated("audit.action", r.action) },
    { label: "coordinator.col.what", value: (r) => `${translated("audit.entity", r.entity)} ${str(r.entity_id)}` },
    { label: "coordinator.col.changes", value: changes },
  ],
};

type ImportState =
  | { status: "idle" }
  | { status: "running"; run: api.ImportRun | null }
  | { status: "ok"; result: { created: number; updated: number; message: string } }
  | { status: "error"; message: string; rows: ImportRowError[]; partly?: boolean };

const state = {
  kind: "orders" as ListKind,
  q: "",
  date: "",
  offset: 0,
  total: 0,
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
    api.listAll("delivery_points").catch(() => []),
    api.listAll("suppliers").catch(() => []),
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
    const extra: Record<string, string> = state.kind === "orders" ? { date: state.date } : {};
    const page = await api.listPage(state.kind, state.q, extra, PAGE_SIZE, state.offset);
    if (token !== loadToken) return;
    state.rows = page.rows;
    state.total = page.total;
    state.error = null;
  } catch (error) {
    if (token !== loadToken) return;
    state.rows = [];
    state.total = 0;
    state.error = error;
  }
  drawTable();
}

/** Reload from the first page (a new search, date or list). */
function reload(): void {
  state.offset = 0;
  void load();
}

function goToPage(offset: number, scroll: boolean): void {
  state.offset = Math.max(0, offset);
  void load().then(() => {
    if (scroll) container?.querySelector(".list-slot")?.scrollIntoView({ block: "start" });
  });
}

function pager(where: "top" | "bottom"): HTMLElement {
  const rows = state.rows?.length ?? 0;
  const suffix = where === "top" ? "" : "-bottom";
  return h(
    "nav",
    { class: `cpager cpager-${where}`, "aria-label": t("coordinator.page.label") },
    where === "top"
      ? h(
          "p",
          { class: "cpager-count", "data-testid": "list-count", "aria-live": "polite" },
          t("coordinator.page.showing", {
            from: formatNumber(state.offset + 1),
            to: formatNumber(state.offset + rows),
            total: formatNumber(state.total),
          }),
        )
      : null,
    state.total > PAGE_SIZE
      ? h(
          "div",
          { class: "cpager-buttons" },
          h(
            "button",
            { type: "button", class: "button button-small", "data-testid": `list-prev${suffix}`, disabled: state.offset === 0, onclick: () => goToPage(state.offset - PAGE_SIZE, where === "bottom") },
            t("coordinator.page.prev"),
          ),
          h(
            "button",
            { type: "button", class: "button button-small", "data-testid": `list-next${suffix}`, disabled: state.offset + rows >= state.total, onclick: () => goToPage(state.offset + PAGE_SIZE, where === "bottom") },
            t("coordinator.page.next"),
          ),
        )
      : null,
  );
}

function table(rows: Row[]): HTMLElement {
  const columns = COLUMNS[state.kind];
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "ctable ctable-stack", "data-testid": "list-table" },
      h("caption", { class: "visually-hidden" }, t(`coordinator.list.${state.kind}`)),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, t(c.label))))),
      h("tbody", {}, rows.map((row) => h("tr", { "data-testid": "list-row" }, columns.map((c) => h("td", { class: c.nowrap ? "nowrap" : null, "data-label": t(c.label) }, c.value(row)))))),
    ),
  );
}

function drawTable(): void {
  const slot = container?.querySelector(".list-slot");
  if (!slot) return;
  if (state.rows === undefined) slot.replaceChildren(loading());
  else if (state.error) slot.replaceChildren(errorBox(state.error, () => void load()));
  else if (!state.rows.length) slot.replaceChildren(empty(t(state.q || state.date ? "coordinator.noMatches" : "coordinator.noRows")));
  else slot.replaceChildren(pager("top"), table(state.rows), state.total > PAGE_SIZE ? pager("bottom") : "");
}

async function runImport(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  if (!file) {
    state.import = { status: "error", message: t("coordinator.import.chooseFile"), rows: [] };
    drawImport();
    return;
  }
  state.import = { status: "running", run: null };
  drawImport();
  const kind = state.kind;
  if (kind === "orders" && /\.(xml|zip)$/i.test(file.name)) return void (await runPeppolImport(input, file));
  try {
    // A run: addresses without coordinates are looked up one a second, so a long file takes
    // minutes; its progress is shown while the coordinator may go on working.
    let run = await api.startImport(kind, file, file.name);
    while (run.status === "queued" || run.status === "running") {
      if (state.kind === kind) {
        state.import = { status: "running", run };
        drawImport();
      }
      await new Promise((resolve) => window.setTimeout(resolve, IMPORT_POLL_MS));
      run = await api.importRun(run.id);
    }
    if (state.kind !== kind) return; // another list is open; its own import state stands
    if (run.status === "succeeded" && run.result) {
      state.import = { status: "ok", result: { created: run.result.created, updated: run.result.updated, message: serverText(run) } };
      input.value = "";
      input.dispatchEvent(new Event("change"));
      lookups.points.clear();
      reload();
    } else {
      state.import = { status: "error", message: serverText(run), rows: run.result?.errors ?? [] };
    }
  } catch (error) {
    state.import = { status: "error", message: errorMessage(error), rows: api.importErrors(error) };
  }
  drawImport();
}

const IMPORT_POLL_MS = 1000;

/** Orders as Peppol documents (one XML, or a zip of many): each read whole or not at all. */
async function runPeppolImport(input: HTMLInputElement, file: File): Promise<void> {
  try {
    const answer = await api.importPeppol(file, file.name);
    const done = answer.documents.filter((d) => d.ok);
    const count = (action: string) => done.filter((d) => d.result?.action === action).length;
    const summary = t("coordinator.import.peppolDone", { n: done.length, created: count("created"), updated: count("updated"), cancelled: count("cancelled") });
    if (answer.refused === 0) {
      state.import = { status: "ok", result: { created: count("created"), updated: count("updated"), message: summary } };
      input.value = "";
      input.dispatchEvent(new Event("change"));
      reload();
    } else {
      const rows = answer.documents.flatMap((d) => d.errors.map((e) => ({ ...e, column: `${d.file}: ${e.column}` })));
      state.import = { status: "error", message: `${t("coordinator.import.peppolRefused", { n: answer.refused })} ${summary}`, rows, partly: done.length > 0 };
      if (done.length) reload();
    }
  } catch (error) {
    state.import = { status: "error", message: errorMessage(error), rows: api.importErrors(error) };
  }
  drawImport();
}

function importProgress(run: api.ImportRun | null): HTMLElement {
  return h(
    "div",
    { role: "status", "data-testid": "import-running" },
    h("p", {}, t("coordinator.import.running")),
    run && run.lookups > 0 ? h("p", { class: "muted" }, t("coordinator.import.lookups", { n: run.lookups })) : null,
    run ? h("progress", { max: 1, value: run.progress, "aria-label": t("coordinator.import.running") }) : null,
    run && run.status === "running" ? h("p", { "data-testid": "import-progress" }, serverText(run)) : null,
  );
}

function importReport(): HTMLElement | null {
  const s = state.import;
  if (s.status === "idle") return null;
  if (s.status === "running") return importProgress(s.run);
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
    // Some documents of a zip may have been read: then it is not "nothing imported".
    h("p", { class: "alert-title" }, s.partly ? t("coordinator.import.partly") : t("coordinator.import.failed")),
    h("p", {}, s.message),
    s.rows.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "ctable ctable-errors ctable-stack", "data-testid": "import-errors" },
            h("caption", {}, t("coordinator.import.errorsCaption", { n: s.rows.length })),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, t("coordinator.import.row")),
                h("th", { scope: "col" }, t("coordinator.import.column")),
                h("th", { scope: "col" }, t("coordinator.import.value")),
                h("th", { scope: "col" }, t("coordinator.import.message")),
              ),
            ),
            h(
              "tbody",
              {},
              s.rows.map((e) =>
                h(
                  "tr",
                  { "data-testid": "import-error-row" },
                  h("td", { class: "nowrap", "data-label": t("coordinator.import.row") }, String(e.row)),
                  h("td", { class: "nowrap", "data-label": t("coordinator.import.column") }, e.column || t("common.none")),
                  h("td", { class: "cvalue", "data-label": t("coordinator.import.value"), "data-testid": "import-error-value" }, cellValue(e)),
                  h("td", { "data-label": t("coordinator.import.message") }, h("div", {}, e.message, mapControl(e, lookups))),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

/** The cell as written, in quotes so spaces and an empty cell show; nothing when the error is not about a cell. */
function cellValue(error: ImportRowError): string {
  if (!error.column) return t("common.none");
  return error.value ? t("coordinator.import.quoted", { value: error.value }) : t("coordinator.import.emptyValue");
}

function drawImport(): void {
  const slot = container?.querySelector(".import-slot");
  if (slot) slot.replaceChildren(...[importReport()].filter((x): x is HTMLElement => x !== null));
  const button = container?.querySelector<HTMLButtonElement>("[data-testid=import-button]");
  if (button) button.disabled = state.import.status === "running";
}

function importPanel(): HTMLElement | null {
  if (state.kind === "audit") return auditPanel();
  if (!api.IMPORTABLE.has(state.kind)) return h("p", { class: "muted" }, t("coordinator.import.notAvailable"));
  // The browser's own file button speaks the browser's language; this one speaks the app's.
  const chosen = h("span", { class: "cfile-name", "data-testid": "import-file-name" }, t("coordinator.import.noFile"));
  const input = h("input", {
    id: "import-file",
    type: "file",
    class: "cfile-input",
    accept: state.kind === "orders" ? ".csv,text/csv,.xml,application/xml,.zip,application/zip" : ".csv,text/csv",
    "data-testid": "import-file",
    onchange: () => (chosen.textContent = input.files?.[0]?.name ?? t("coordinator.import.noFile")),
  });
  const what = `import.kind.${state.kind}`;
  return h(
    "section",
    { class: "card cimport" },
    h("h3", {}, t(state.kind === "orders" ? "coordinator.import.titlePeppol" : "coordinator.import.title", { what: hasKey(what) ? t(what) : t(`coordinator.list.${state.kind}`) })),
    h("p", {}, t("coordinator.import.hint")),
    state.kind === "orders" ? h("p", { class: "muted" }, t("coordinator.import.peppolHint")) : null,
    h(
      "div",
      { class: "cimport-row" },
      h("div", { class: "cfile" }, input, h("label", { for: "import-file", class: "button button-secondary" }, t("coordinator.import.choose")), chosen),
      h("button", { type: "button", class: "button button-primary", "data-testid": "import-button", onclick: () => void runImport(input) }, t("coordinator.import.submit")),
    ),
    h("div", { class: "import-slot", "aria-live": "polite" }, importReport()),
    state.kind === "orders" ? mappingsPanel() : null,
  );
}

/** Under the suppliers: how each delivered to the terminal, per week (goods in), as CSV for Excel. */
function supplierFollowUpPanel(): HTMLElement {
  const note = h("p", { class: "muted", "aria-live": "polite" });
  const exportCsv = async () => {
    note.textContent = "";
    try {
      await downloadFile("/goods-in/suppliers.csv", t("coordinator.suppliers.followUpFile"));
    } catch (error) {
      note.textContent = errorMessage(error);
    }
  };
  return h(
    "section",
    { class: "card cimport", "data-testid": "supplier-follow-up" },
    h("h3", {}, t("coordinator.suppliers.followUp")),
    h("p", {}, t("coordinator.suppliers.followUpHint")),
    h("button", { type: "button", class: "button button-secondary", "data-testid": "supplier-follow-up-csv", onclick: () => void exportCsv() },
      t("coordinator.suppliers.followUpCsv")),
    note,
  );
}

/** The change log is kept by the server and cannot be edited; it can be taken out as CSV for Excel. */
function auditPanel(): HTMLElement {
  const note = h("p", { class: "muted", "aria-live": "polite" });
  const exportCsv = async () => {
    note.textContent = "";
    try {
      const params = new URLSearchParams(state.q.trim() ? { actor: state.q.trim() } : {});
      await downloadFile(`/audit.csv${params.size ? `?${params}` : ""}`, "andringslogg.csv");
    } catch (error) {
      note.textContent = errorMessage(error);
    }
  };
  return h(
    "section",
    { class: "card cimport" },
    h("p", {}, t("coordinator.audit.hint")),
    h("button", { type: "button", class: "button button-secondary", "data-testid": "audit-csv", onclick: () => void exportCsv() }, t("coordinator.audit.csv")),
    note,
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
            state.offset = 0;
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
    searchTimer = window.setTimeout(reload, 300);
  };
  return h(
    "form",
    {
      class: "csearch",
      role: "search",
      onsubmit: (event: Event) => {
        event.preventDefault();
        window.clearTimeout(searchTimer);
        reload();
      },
    },
    h(
      "div",
      { class: "field field-inline" },
      h("label", { for: "list-q" }, t("coordinator.search")),
      h("input", { id: "list-q", type: "search", value: state.q, "data-testid": "list-search", oninput: onInput, placeholder: t(state.kind === "orders" ? "coordinator.searchOrders" : state.kind === "audit" ? "coordinator.searchWho" : "coordinator.searchNames") }),
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
              reload();
            },
          }),
        )
      : null,
    h("button", { type: "submit", class: "button" }, t("coordinator.searchButton")),
  );
}

function draw(): void {
  if (!container) return;
  drawInto(
    container,
    h(
      "div",
      { class: "clists", "data-testid": "lists" },
      subTabs(),
      // The import above the list, so the table has the page's whole width (statuses never cut off).
      importPanel(),
      state.kind === "suppliers" ? supplierFollowUpPanel() : null,
      state.kind === "delivery_points" ? registerPanel(reload) : null,
      searchForm(),
      h("div", { class: "list-slot" }),
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

