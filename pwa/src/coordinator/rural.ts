// "Landsbygd": the rural service for the coordinator. Per village and week the residents'
// consignments carried on the municipal routes, what the ride-along cost the routes (km, minutes,
// CO2e) and the residents' round trips to the pickup place it saved (km, CO2e); and the
// consignments still waiting, with why no route takes them.
import { get } from "../api/client";
import type { ApiSchema } from "../api/types";
import { t, type MessageKey } from "../i18n";
import { empty, errorBox, formatNumber, loading } from "../ui/components";
import { h } from "../ui/dom";

type Figures = ApiSchema<"RuralFigures">;
type Consignment = ApiSchema<"Consignment">;

const COLUMNS: [keyof Figures, MessageKey][] = [
  ["village", "rural.figures.village"],
  ["week", "rural.figures.week"],
  ["consignments", "rural.figures.consignments"],
  ["extra_km", "rural.figures.extraKm"],
  ["extra_min", "rural.figures.extraMin"],
  ["extra_co2e_kg", "rural.figures.extraCo2e"],
  ["avoided_trips", "rural.figures.avoidedTrips"],
  ["avoided_km", "rural.figures.avoidedKm"],
  ["avoided_co2e_kg", "rural.figures.avoidedCo2e"],
];

function table(rows: Figures[]): HTMLElement {
  if (!rows.length) return empty(t("rural.figures.none"));
  const cell = (value: string | number) => h("td", {}, typeof value === "number" ? formatNumber(value) : value);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table", "data-testid": "rural-figures" },
      h("thead", {}, h("tr", {}, ...COLUMNS.map(([, label]) => h("th", { scope: "col" }, t(label))))),
      h("tbody", {}, ...rows.map((row) => h("tr", {}, ...COLUMNS.map(([key]) => cell(row[key]))))),
    ),
  );
}

function waiting(items: Consignment[]): HTMLElement {
  const open = items.filter((item) => item.status === "registered");
  if (!open.length) return empty(t("rural.figures.noneWaiting"));
  return h(
    "ul",
    { class: "rural-list", "data-testid": "rural-waiting" },
    ...open.map((item) => h("li", { class: "card" }, h("strong", {}, `${item.tracking_code} → ${item.destination_name}`), h("span", {}, item.unplanned_reason ?? ""))),
  );
}

export function ruralSection(): HTMLElement {
  const root = h("div", { class: "rural-coordinator" }, loading());
  void Promise.all([get<Figures[]>("/rural/figures"), get<Consignment[]>("/rural/consignments")])
    .then(([figures, consignments]) =>
      root.replaceChildren(
        h("h3", {}, t("rural.figures.title")),
        h("p", { class: "muted" }, t("rural.figures.explain")),
        table(figures),
        h("h3", {}, t("rural.figures.waiting")),
        waiting(consignments),
      ),
    )
    .catch((error) => root.replaceChildren(errorBox(error)));
  return root;
}
