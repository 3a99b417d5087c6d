// The coordinator's overview: how big the cluster is and what is ordered for today and tomorrow.
import { loadCoordinatorOverview, type CoordinatorOverview } from "../data/queries";
import { t, type MessageKey } from "../i18n";
import { formatKg } from "../ui/components";
import { h } from "../ui/dom";
import type { View } from "./types";

function stat(id: string, label: MessageKey, value: number, detail?: string): HTMLElement {
  return h(
    "div",
    { class: "stat", "data-testid": `stat-${id}` },
    h("p", { class: "stat-value" }, String(value)),
    h("p", { class: "stat-label" }, t(label)),
    detail ? h("p", { class: "stat-detail" }, detail) : null,
  );
}

export const coordinatorView: View<CoordinatorOverview> = {
  id: "coordinator-overview",
  title: "coord.title",
  load: () => loadCoordinatorOverview(),
  render(data) {
    return h(
      "div",
      { class: "coordinator" },
      h("p", { class: "lead" }, t("coord.intro")),
      h(
        "div",
        { class: "stats" },
        stat("delivery-points", "coord.deliveryPoints", data.deliveryPoints),
        stat("suppliers", "coord.suppliers", data.suppliers, t("coord.localProducers", { n: data.localProducers })),
        stat("vehicles", "coord.vehicles", data.vehicles, t("coord.activeVehicles", { n: data.activeVehicles })),
        stat("orders-today", "coord.ordersToday", data.openOrdersToday, formatKg(data.weightToday)),
        stat("orders-tomorrow", "coord.ordersTomorrow", data.openOrdersTomorrow, formatKg(data.weightTomorrow)),
      ),
      h(
        "section",
        { class: "card" },
        h("h3", {}, t("coord.apiDocs")),
        h("p", {}, t("coord.apiDocsHint")),
        h("a", { class: "button button-secondary", href: "/api/docs", "data-testid": "api-docs" }, t("coord.apiDocs")),
      ),
    );
  },
};
