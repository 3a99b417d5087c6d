// "Region": which municipalities share a terminal, and where it stands. The coordinator keeps
// the candidate terminal sites (name, place, fixed yearly cost, handling per pallet), starts a
// region analysis (progress bar; it runs in the job queue), and reads the options side by side:
// every municipality alone, the clusters the coordinator names, and the optimizer's grouping,
// each on a map (sites, catchments, trunk flows from the suppliers) next to a table of what each
// municipality pays a year against going alone. PDF for the councils and CSV to download.
import type * as LeafletNS from "leaflet";
import "leaflet/dist/leaflet.css";
import { get, post, request } from "../api/client";
import type { ApiSchema } from "../api/types";
import { openPdf, downloadFile } from "../data/download";
import { intlLocale, message, t, type KeyedMessage, type MessageKey } from "../i18n";
import { empty, errorBox, errorMessage, loading, runProgressBlock } from "../ui/components";
import { drawInto, h } from "../ui/dom";
import { addDays, isoDate } from "../util/dates";
import { parseDecimal } from "../util/numbers";
import { routeClass, routeColour } from "./map";
import { readClusters } from "./regionClusters";
import "./region.css";

type RegionRun = ApiSchema<"RegionRun">;
type RegionSite = ApiSchema<"RegionSite">;
type RegionRequest = ApiSchema<"RegionRequest">;

type OptionKind = "alone" | "named" | "optimized";
interface LatLon {
  lat: number;
  lon: number;
}
interface Scenario {
  deliveries: number;
  vehicle_km: number;
  co2e_kg: number;
  cost_sek: number;
  local_share: number;
}
interface MunicipalityRow {
  municipality: string;
  deliveries_per_week: number;
  vehicle_km_per_week: number;
  co2e_kg_per_week: number;
  total_sek_per_year: number;
  alone_sek_per_year: number;
  saving_sek_per_year: number;
  pays_more_than_alone: boolean;
}
interface Flow {
  supplier: string;
  from: LatLon;
  to: LatLon;
  kg_per_week: number;
}
interface Group {
  site: string;
  site_name: string;
  location: LatLon;
  municipalities: string[];
  per_municipality: MunicipalityRow[];
  trunk_flows: Flow[];
}
interface Option {
  kind: OptionKind;
  groups: Group[];
  pays_more_than_alone: string[];
  totals: {
    coordinated: Scenario;
    free_delivery: Scenario;
    total_sek_per_year: number;
    fixed_sek_per_year: number;
    handling_sek_per_year: number;
    transport_sek_per_year: number;
  };
}
interface RegionResult {
  municipalities: { name: string; points: number; centre: LatLon }[];
  sites: { id: string; name: string; lat: number; lon: number }[];
  options: Option[];
  sample: { start: string; end: string; weeks_per_year: number };
  /** One free-delivery run over the whole region: the reference of every option. */
  free_delivery: Scenario;
  notes: KeyedMessage[];
}

const api = {
  sites: () => get<RegionSite[]>("/region/sites"),
  addSite: (body: ApiSchema<"RegionSiteIn">) => post<RegionSite>("/region/sites", body),
  deleteSite: (id: number) => request<null>("DELETE", `/region/sites/${id}`),
  runs: () => get<RegionRun[]>("/region/runs?limit=20"),
  run: (id: string) => get<RegionRun>(`/region/runs/${encodeURIComponent(id)}`),
  start: (body: RegionRequest) => post<RegionRun>("/region/runs", body),
};

function monday(): Date {
  const today = new Date();
  return addDays(today, -((today.getDay() + 6) % 7));
}

const state = {
  sites: undefined as RegionSite[] | undefined,
  runs: undefined as RegionRun[] | undefined,
  error: null as unknown,
  current: null as RegionRun | null,
  option: "optimized" as OptionKind,
  startError: null as string | null,
  clusterErrors: [] as string[],
  siteError: null as string | null,
  form: { name: "", from: isoDate(monday()), to: isoDate(addDays(monday(), 13)), clusters: "", propose: "", maxSites: "" },
};

let container: HTMLElement | null = null;
let pollTimer: number | undefined;
let mapCleanup: (() => void) | null = null;
let leaflet: Promise<typeof LeafletNS> | null = null;

const fmt = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value)
    ? t("common.none")
    : new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: digits }).format(value);
const share = (value: number) => `${fmt(value * 100, 1)} %`;
const running = (run: RegionRun | null) => run?.status === "queued" || run?.status === "running";
const resultOf = (run: RegionRun | null) => (run?.result ?? null) as unknown as RegionResult | null;

// --- data ----------------------------------------------------------------------------------

async function load(): Promise<void> {
  try {
    [state.sites, state.runs] = await Promise.all([api.sites(), api.runs()]);
    state.error = null;
    if (!state.current) {
      const latest = state.runs.find((r) => r.status === "succeeded") ?? state.runs[0];
      if (latest) state.current = await api.run(latest.id);
      if (running(state.current) && state.current) poll(state.current.id);
    }
  } catch (error) {
    state.error = error;
  }
  draw();
}

function poll(id: string): void {
  window.clearTimeout(pollTimer);
  pollTimer = window.setTimeout(async () => {
    if (state.current?.id !== id) return;
    try {
      state.current = await api.run(id);
    } catch {
      // the next poll tries again
    }
    if (running(state.current)) {
      drawProgress();
      poll(id);
    } else {
      state.option = resultOf(state.current)?.options.some((o) => o.kind === state.option) ? state.option : "optimized";
      void load();
    }
  }, 1_000);
}

function remember(form: HTMLFormElement): void {
  const data = new FormData(form);
  state.form = {
    name: String(data.get("name") ?? ""),
    from: String(data.get("date_from") ?? ""),
    to: String(data.get("date_to") ?? ""),
    clusters: String(data.get("clusters") ?? ""),
    propose: String(data.get("propose") ?? ""),
    maxSites: String(data.get("max_sites") ?? ""),
  };
}

async function start(form: HTMLFormElement): Promise<void> {
  remember(form);
  const { clusters, errors } = readClusters(state.form.clusters);
  state.clusterErrors = errors;
  state.startError = null;
  if (errors.length) {
    draw();
    container?.querySelector<HTMLTextAreaElement>("#region-clusters")?.focus();
    return;
  }
  try {
    const run = await api.start({
      name: state.form.name,
      date_from: state.form.from,
      date_to: state.form.to,
      clusters,
      ...(state.form.propose === "towns" || state.form.propose === "grid" ? { propose: state.form.propose } : {}),
      ...(state.form.maxSites ? { max_sites: Number(state.form.maxSites) } : {}),
    });
    state.current = run;
    poll(run.id);
  } catch (error) {
    state.startError = errorMessage(error);
  }
  draw();
}

async function addSite(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const number = (name: string) => parseDecimal(String(data.get(name) ?? ""));
  const values = {
    lat: number("lat"),
    lon: number("lon"),
    fixed_sek_per_year: number("fixed_sek_per_year"),
    handling_sek_per_pallet: number("handling_sek_per_pallet"),
  };
  const missing = Object.entries(values).filter(([, v]) => v === null).map(([k]) => t(`region.site.${k}` as MessageKey));
  if (missing.length) {
    state.siteError = t("region.site.notNumbers", { fields: missing.join(", ") });
    draw();
    return;
  }
  try {
    await api.addSite({ name: String(data.get("name") ?? "").trim(), note: "", ...(values as Record<keyof typeof values, number>) });
    state.siteError = null;
    state.sites = await api.sites();
  } catch (error) {
    state.siteError = errorMessage(error);
  }
  draw();
}

async function removeSite(id: number): Promise<void> {
  try {
    await api.deleteSite(id);
    state.sites = await api.sites();
  } catch (error) {
    state.siteError = errorMessage(error);
  }
  draw();
}

// --- drawing -------------------------------------------------------------------------------

function field(id: string, label: MessageKey, input: HTMLElement): HTMLElement {
  return h("div", { class: "field field-inline" }, h("label", { for: id }, t(label)), input);
}

function startForm(): HTMLElement {
  const busy = running(state.current);
  return h(
    "form",
    {
      class: "card cregion-form no-print",
      "data-testid": "region-form",
      oninput: (event: Event) => remember(event.currentTarget as HTMLFormElement),
      onsubmit: (event: Event) => {
        event.preventDefault();
        void start(event.target as HTMLFormElement);
      },
    },
    h("h3", {}, t("region.start")),
    h("p", {}, t("region.hint")),
    h(
      "div",
      { class: "cform-row" },
      field("region-name", "region.name", h("input", { id: "region-name", name: "name", type: "text", value: state.form.name, maxlength: 160 })),
      field("region-from", "coordinator.impact.from", h("input", { id: "region-from", name: "date_from", type: "date", value: state.form.from, required: true })),
      field("region-to", "coordinator.impact.to", h("input", { id: "region-to", name: "date_to", type: "date", value: state.form.to, required: true })),
      field(
        "region-propose",
        "region.propose",
        h(
          "select",
          { id: "region-propose", name: "propose", "data-testid": "region-propose" },
          (["", "towns", "grid"] as const).map((code) =>
            h("option", { value: code, selected: code === state.form.propose }, t(`region.propose.${code || "none"}` as MessageKey)),
          ),
        ),
      ),
      field(
        "region-max-sites",
        "region.maxSites",
        h(
          "select",
          { id: "region-max-sites", name: "max_sites", "data-testid": "region-max-sites" },
          h("option", { value: "", selected: !state.form.maxSites }, t("region.maxSites.any")),
          Array.from({ length: Math.max(1, (state.sites ?? []).length) }, (_, i) => String(i + 1)).map((n) =>
            h("option", { value: n, selected: n === state.form.maxSites }, n),
          ),
        ),
      ),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "region-clusters" }, t("region.clusters")),
      h("p", { class: "muted small", id: "region-clusters-hint" }, t("region.clustersHint")),
      h(
        "textarea",
        {
          id: "region-clusters",
          name: "clusters",
          rows: 3,
          "aria-describedby": "region-clusters-hint",
          "aria-invalid": state.clusterErrors.length ? "true" : null,
          placeholder: t("region.clustersExample"),
          "data-testid": "region-clusters",
        },
        state.form.clusters,
      ),
      ...state.clusterErrors.map((error) => h("p", { class: "field-error", role: "alert" }, error)),
    ),
    state.startError ? h("p", { class: "alert alert-error", role: "alert", "data-testid": "region-start-error" }, state.startError) : null,
    h("button", { type: "submit", class: "button", disabled: busy, "data-testid": "region-start" }, t("region.run")),
  );
}

function sitesCard(): HTMLElement {
  const sites = state.sites ?? [];
  return h(
    "details",
    { class: "card cregion-sites no-print", "data-testid": "region-sites" },
    h("summary", {}, t("region.sites", { n: sites.length })),
    sites.length
      ? h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "ctable" },
            h(
              "thead",
              {},
              h("tr", {}, ...(["region.site.name", "region.site.fixed_sek_per_year", "region.site.handling_sek_per_pallet"] as const).map((k) => h("th", { scope: "col" }, t(k))), h("td", {})),
            ),
            h(
              "tbody",
              {},
              sites.map((site) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, site.name),
                  h("td", { class: "num" }, fmt(site.fixed_sek_per_year)),
                  h("td", { class: "num" }, fmt(site.handling_sek_per_pallet)),
                  h("td", {}, h("button", { type: "button", class: "button button-secondary", onclick: () => void removeSite(site.id) }, t("region.site.remove", { name: site.name }))),
                ),
              ),
            ),
          ),
        )
      : h("p", {}, t("region.site.none")),
    h(
      "form",
      {
        class: "cform-row",
        "data-testid": "region-site-form",
        onsubmit: (event: Event) => {
          event.preventDefault();
          void addSite(event.target as HTMLFormElement);
        },
      },
      field("site-name", "region.site.name", h("input", { id: "site-name", name: "name", required: true, maxlength: 160 })),
      field("site-lat", "region.site.lat", h("input", { id: "site-lat", name: "lat", inputmode: "decimal", required: true, size: 8 })),
      field("site-lon", "region.site.lon", h("input", { id: "site-lon", name: "lon", inputmode: "decimal", required: true, size: 8 })),
      field("site-fixed", "region.site.fixed_sek_per_year", h("input", { id: "site-fixed", name: "fixed_sek_per_year", inputmode: "decimal", required: true, size: 10 })),
      field("site-handling", "region.site.handling_sek_per_pallet", h("input", { id: "site-handling", name: "handling_sek_per_pallet", inputmode: "decimal", required: true, size: 6 })),
      h("button", { type: "submit", class: "button button-secondary" }, t("region.site.add")),
    ),
    state.siteError ? h("p", { class: "alert alert-error", role: "alert" }, state.siteError) : null,
  );
}

function progressBlock(): HTMLElement | null {
  return runProgressBlock(state.current, { id: "region-progress-bar", testId: "region-progress", statusKey: (status) => `region.job.${status}` as MessageKey });
}

function drawProgress(): void {
  const slot = container?.querySelector(".region-progress-slot");
  if (slot) slot.replaceChildren(...[progressBlock()].filter((x): x is HTMLElement => x !== null));
}

function optionsTable(result: RegionResult): HTMLElement {
  const free = result.free_delivery;
  const cell = (value: string) => h("td", { class: "num" }, value);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "ctable cregion-options", "data-testid": "region-options" },
      h("caption", {}, t("region.optionsCaption", { weeks: fmt(result.sample.weeks_per_year) })),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...(["region.col.option", "region.col.terminals", "region.col.totalYear", "region.col.deliveriesWeek", "region.col.kmWeek", "region.col.co2eWeek", "region.col.localShare", "region.col.paysMore"] as const).map((k) =>
            h("th", { scope: "col" }, t(k)),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        result.options.map((option) =>
          h(
            "tr",
            { class: option.kind === state.option ? "selected" : null, "data-testid": `region-option-${option.kind}` },
            h(
              "th",
              { scope: "row" },
              h(
                "button",
                { type: "button", class: "linklike", "aria-pressed": option.kind === state.option ? "true" : "false", onclick: () => select(option.kind) },
                t(`region.option.${option.kind}`),
              ),
            ),
            cell(String(option.groups.length)),
            cell(fmt(option.totals.total_sek_per_year)),
            cell(fmt(option.totals.coordinated.deliveries)),
            cell(fmt(option.totals.coordinated.vehicle_km)),
            cell(fmt(option.totals.coordinated.co2e_kg)),
            cell(share(option.totals.coordinated.local_share)),
            h("td", {}, option.pays_more_than_alone.join(", ") || t("common.none")),
          ),
        ),
        free
          ? h(
              "tr",
              { class: "muted" },
              h("th", { scope: "row" }, t("region.freeDelivery")),
              cell(""),
              cell(""),
              cell(fmt(free.deliveries)),
              cell(fmt(free.vehicle_km)),
              cell(fmt(free.co2e_kg)),
              cell(share(free.local_share)),
              h("td", {}),
            )
          : null,
      ),
    ),
  );
}

function municipalityTable(option: Option): HTMLElement {
  const columns = ["coordinator.col.municipality", "region.col.totalYear", "region.col.aloneYear", "region.col.savingYear"] as const;
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "ctable cregion-towns", "data-testid": "region-municipalities" },
      h("caption", {}, t("region.perMunicipality", { option: t(`region.option.${option.kind}`) })),
      h("thead", {}, h("tr", {}, ...columns.map((k) => h("th", { scope: "col" }, t(k))))),
      ...option.groups.map((group, index) =>
        h(
          "tbody",
          {},
          // The terminal heads its municipalities (a column of long site names would not fit beside the map).
          h("tr", { class: "cregion-terminal-row" }, h("th", { scope: "colgroup", colspan: columns.length }, h("span", { class: `cregion-swatch ${routeClass(index)}`, "aria-hidden": "true" }), t("region.terminalOf", { name: group.site_name }))),
          group.per_municipality.map((row) =>
            h(
              "tr",
              { class: row.pays_more_than_alone ? "cregion-worse" : null },
              h("th", { scope: "row" }, row.municipality),
              h("td", { class: "num" }, fmt(row.total_sek_per_year)),
              h("td", { class: "num" }, fmt(row.alone_sek_per_year)),
              h(
                "td",
                { class: "num" },
                fmt(row.saving_sek_per_year),
                row.pays_more_than_alone ? h("span", { class: "chip cregion-flag" }, t("region.paysMore")) : null,
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function select(kind: OptionKind): void {
  state.option = kind;
  draw();
}

async function drawMap(element: HTMLElement, result: RegionResult, option: Option): Promise<void> {
  leaflet ??= import("leaflet");
  const L = await leaflet;
  if (!element.isConnected) return;
  const map = L.map(element, { zoomControl: true, attributionControl: true, zoomSnap: 0.25 });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  }).addTo(map);
  const bounds: [number, number][] = [];
  const centre = new Map(result.municipalities.map((m) => [m.name, m.centre]));
  const heaviest = Math.max(1, ...option.groups.flatMap((g) => g.trunk_flows.map((f) => f.kg_per_week)));
  option.groups.forEach((group, index) => {
    const colour = routeColour(index);
    for (const flow of group.trunk_flows) {
      bounds.push([flow.from.lat, flow.from.lon]);
      const line = L.polyline(
        [
          [flow.from.lat, flow.from.lon],
          [flow.to.lat, flow.to.lon],
        ],
        { color: "#4a525c", weight: 1 + 5 * (flow.kg_per_week / heaviest), opacity: 0.55, dashArray: "6 6" },
      ).addTo(map);
      line.bindTooltip(t("region.map.flow", { supplier: flow.supplier, kg: fmt(flow.kg_per_week) }));
    }
    for (const name of group.municipalities) {
      const c = centre.get(name);
      if (!c) continue;
      bounds.push([c.lat, c.lon]);
      L.polyline(
        [
          [group.location.lat, group.location.lon],
          [c.lat, c.lon],
        ],
        { color: colour, weight: 4, opacity: 0.9 },
      ).addTo(map);
      const label = t("region.map.municipality", { name, site: group.site_name });
      L.marker([c.lat, c.lon], {
        icon: L.divIcon({ className: "cmap-marker cregion-town", html: `<span class="${routeClass(index)}"></span>`, iconSize: [18, 18] }),
        title: label,
        alt: label,
        keyboard: false,
      })
        .addTo(map)
        .bindTooltip(name, { permanent: true, direction: "right", offset: [10, 0], className: "cregion-label" });
    }
    bounds.push([group.location.lat, group.location.lon]);
    const siteLabel = t("region.map.site", { name: group.site_name, n: group.municipalities.length });
    const marker = L.marker([group.location.lat, group.location.lon], {
      icon: L.divIcon({ className: "cmap-marker cmap-terminal cregion-site", html: "T", iconSize: [34, 34] }),
      title: siteLabel,
      alt: siteLabel,
      keyboard: false,
      zIndexOffset: 1000,
    });
    marker.addTo(map);
  });
  const open = new Set(option.groups.map((g) => g.site));
  for (const site of result.sites.filter((s) => !open.has(s.id))) {
    const label = t("region.map.closedSite", { name: site.name });
    L.marker([site.lat, site.lon], {
      icon: L.divIcon({ className: "cmap-marker cregion-closed", html: "T", iconSize: [26, 26] }),
      title: label,
      alt: label,
      keyboard: false,
    }).addTo(map);
  }
  const fit = () => {
    if (bounds.length) map.fitBounds(L.latLngBounds(bounds), { padding: [20, 20], maxZoom: 12 });
    else map.setView([55.84, 13.3], 9);
  };
  fit();
  // The grid may still be laying out when the map is made: measure again once it has.
  window.setTimeout(() => {
    if (!element.isConnected) return;
    map.invalidateSize();
    fit();
  }, 150);
  const resize = () => map.invalidateSize();
  window.addEventListener("resize", resize);
  mapCleanup = () => {
    window.removeEventListener("resize", resize);
    map.remove();
  };
}

function resultBlock(run: RegionRun, result: RegionResult): HTMLElement {
  const option = result.options.find((o) => o.kind === state.option) ?? result.options[result.options.length - 1];
  if (!option) return empty(t("region.noOptions"));
  const mapElement = h("div", { class: "cmap cregion-map", "data-testid": "region-map", role: "img", "aria-label": t("region.map.label", { option: t(`region.option.${option.kind}`) }) });
  queueMicrotask(() => void drawMap(mapElement, result, option));
  return h(
    "section",
    { class: "cregion-result", "data-testid": "region-result" },
    h("h3", {}, run.name),
    h("p", { class: "muted" }, t("region.sampled", { start: result.sample.start, end: result.sample.end, weeks: fmt(result.sample.weeks_per_year) })),
    optionsTable(result),
    h(
      "div",
      { class: "cregion-grid" },
      h(
        "div",
        {},
        h("ul", { class: "clegend" }, h("li", {}, h("span", { class: "cregion-key-site", "aria-hidden": "true" }, "T"), t("region.legend.site")), h("li", {}, h("span", { class: "cregion-key-flow", "aria-hidden": "true" }), t("region.legend.flow"))),
        mapElement,
      ),
      h("div", {}, municipalityTable(option)),
    ),
    h(
      "p",
      { class: "no-print cregion-downloads" },
      h("button", { type: "button", class: "button", "data-testid": "region-pdf", onclick: () => void openPdf(`/region/runs/${run.id}/report.pdf`, `samlast-region-${run.id}.pdf`) }, t("region.pdf")),
      " ",
      h("button", { type: "button", class: "button button-secondary", "data-testid": "region-csv", onclick: () => void downloadFile(`/region/runs/${run.id}/report.csv`, `samlast-region-${run.id}.csv`) }, t("region.csv")),
    ),
    h("ul", { class: "muted small" }, result.notes.map((note) => h("li", {}, message(note)))),
  );
}

function draw(): void {
  if (!container) return;
  mapCleanup?.();
  mapCleanup = null;
  const result = resultOf(state.current);
  const parts: (HTMLElement | null)[] = [
    h("h2", {}, t("region.title")),
    h("p", { class: "muted" }, t("region.intro")),
    state.error ? errorBox(state.error, () => void load()) : null,
    state.sites === undefined ? loading() : sitesCard(),
    startForm(),
    h("div", { class: "region-progress-slot" }, progressBlock()),
    state.current && result ? resultBlock(state.current, result) : state.runs?.length === 0 ? empty(t("region.none")) : null,
  ];
  drawInto(container, ...parts.filter((part): part is HTMLElement => part !== null));
}

export function regionSection(): HTMLElement {
  window.clearTimeout(pollTimer);
  state.current = null;
  container = h("div", { class: "cregion" });
  queueMicrotask(() => {
    draw();
    void load();
  });
  return container;
}
