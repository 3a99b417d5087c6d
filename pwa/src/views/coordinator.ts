// The coordinator's desk: tabs "I dag" (routes on a map, live progress, deviations, plan /
// re-plan), "Register" (lists with search and CSV import), "Effekter" (impact analysis
// with charts, cost split and exports) and "Inlärda tider" (what the planner learned from
// the drivers' times, with reset per delivery point). The cluster's key numbers stay on top.
import { loadCoordinatorOverview, type CoordinatorOverview } from "../data/queries";
import "../coordinator/coordinator.css";
import { followupSection } from "../coordinator/followup";
import { impactSection } from "../coordinator/impact";
import { learnedSection } from "../coordinator/learned";
import { listsSection } from "../coordinator/lists";
import { regionSection } from "../coordinator/region";
import { stockSection } from "../coordinator/stock";
import { ruralSection } from "../coordinator/rural";
import { connectCoordinatorSocket } from "../coordinator/socket";
import { todaySection } from "../coordinator/today";
import { t, type MessageKey } from "../i18n";
import { formatKg } from "../ui/components";
import { h } from "../ui/dom";
import type { View } from "./types";

type Tab = "today" | "lists" | "stock" | "rural" | "impact" | "followup" | "region" | "learned";
const TABS: readonly Tab[] = ["today", "lists", "stock", "rural", "impact", "followup", "region", "learned"];
const HASH = "#coordinator/";

function currentTab(): Tab {
  const name = location.hash.startsWith(HASH) ? location.hash.slice(HASH.length) : "";
  return (TABS as readonly string[]).includes(name) ? (name as Tab) : "today";
}

let shell: HTMLElement | null = null;

function stat(id: string, label: MessageKey, value: number, detail?: string): HTMLElement {
  return h(
    "div",
    { class: "stat", "data-testid": `stat-${id}` },
    h("p", { class: "stat-value" }, String(value)),
    h("p", { class: "stat-label" }, t(label)),
    detail ? h("p", { class: "stat-detail" }, detail) : null,
  );
}

function section(tab: Tab): HTMLElement {
  if (tab === "lists") return listsSection();
  if (tab === "stock") return stockSection();
  if (tab === "impact") return impactSection();
  if (tab === "followup") return followupSection();
  if (tab === "region") return regionSection();
  if (tab === "learned") return learnedSection();
  if (tab === "rural") return ruralSection();
  return todaySection();
}

function tabBar(active: Tab): HTMLElement {
  return h(
    "nav",
    { class: "ctabs no-print", "aria-label": t("coordinator.tabs") },
    TABS.map((tab) =>
      h(
        "a",
        {
          href: `${HASH}${tab}`,
          class: "ctab",
          "aria-current": tab === active ? "page" : null,
          "data-testid": `tab-${tab}`,
        },
        t(`coordinator.tab.${tab}`),
      ),
    ),
  );
}

function drawSection(): void {
  if (!shell?.isConnected) return;
  const tab = currentTab();
  shell.querySelector(".ctabs")?.replaceWith(tabBar(tab));
  shell.querySelector(".csection")?.replaceChildren(section(tab));
}

window.addEventListener("hashchange", () => {
  if (location.hash === "" || location.hash.startsWith(HASH)) drawSection();
});

const PAGE_TITLES: Record<Tab, MessageKey> = {
  today: "page.coordinator.today",
  lists: "coordinator.tab.lists",
  stock: "coordinator.tab.stock",
  impact: "coordinator.tab.impact",
  followup: "coordinator.tab.followup",
  region: "coordinator.tab.region",
  learned: "coordinator.tab.learned",
  rural: "coordinator.tab.rural",
};

export const coordinatorView: View<CoordinatorOverview> = {
  id: "coordinator-overview",
  title: "coord.title",
  pageTitle: () => PAGE_TITLES[currentTab()],
  load: () => {
    connectCoordinatorSocket();
    return loadCoordinatorOverview();
  },
  render(data) {
    const tab = currentTab();
    shell = h(
      "div",
      { class: "coordinator" },
      h(
        "div",
        { class: "stats no-print" },
        stat("delivery-points", "coord.deliveryPoints", data.deliveryPoints),
        stat("suppliers", "coord.suppliers", data.suppliers, t("coord.localProducers", { n: data.localProducers })),
        stat("vehicles", "coord.vehicles", data.vehicles, t("coord.activeVehicles", { n: data.activeVehicles })),
        stat("orders-today", "coord.ordersToday", data.openOrdersToday, formatKg(data.weightToday)),
        stat("orders-tomorrow", "coord.ordersTomorrow", data.openOrdersTomorrow, formatKg(data.weightTomorrow)),
      ),
      tabBar(tab),
      h("div", { class: "csection" }, section(tab)),
      h(
        "p",
        { class: "capi no-print" },
        h("a", { class: "button button-secondary", href: "/api/docs", "data-testid": "api-docs" }, t("coord.apiDocs")),
        " ",
        h("span", { class: "muted" }, t("coord.apiDocsHint")),
      ),
    );
    return shell;
  },
};
