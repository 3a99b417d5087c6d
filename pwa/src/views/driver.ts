// The driver's "Dagens rutt": the day's stops as a list and on a map, one stop with all that
// is needed to work it, and the proof form. Works with no network at all: the route is kept in
// IndexedDB and every action goes to the outbox (data/outbox.ts) before it is sent.
import { openPdf } from "../data/download";
import type { User } from "../api/types";
import { discardParked, retryParked } from "../data/outbox";
import type { DriverDay } from "../data/route";
import { drawMap } from "../driver/map";
import { newDraft, proofForm } from "../driver/proof";
import { allStops, dismissChange, effectiveStatus, findStop, loadDriverDay, record, setRedraw, state } from "../driver/state";
import type { DriverLine, DriverRoute, DriverStop, EventKind } from "../driver/types";
import "../driver/driver.css";
import { t } from "../i18n";
import { empty, formatNumber, linesByTemperature, parkedAlert } from "../ui/components";
import { h } from "../ui/dom";
import type { View } from "./types";
import { formatClock } from "../util/time";

type Screen = { name: "list" } | { name: "map" } | { name: "stop"; jobKey: string } | { name: "proof"; jobKey: string };

const HASH = "#driver/";

function screen(): Screen {
  const hash = location.hash.startsWith(HASH) ? location.hash.slice(HASH.length) : "";
  const [name, ...rest] = hash.split("/");
  const jobKey = decodeURIComponent(rest.join("/"));
  if (name === "map") return { name: "map" };
  if (name === "stop" && jobKey) return { name: "stop", jobKey };
  if (name === "proof" && jobKey) return { name: "proof", jobKey };
  return { name: "list" };
}

function go(target: Screen): void {
  const hash = target.name === "list" ? "" : target.name === "map" ? `${HASH}map` : `${HASH}${target.name}/${encodeURIComponent(target.jobKey)}`;
  if (location.hash !== hash) {
    history.pushState(null, "", hash || location.pathname + location.search);
  }
  drawBody();
  window.scrollTo(0, 0);
}

let root: HTMLElement | null = null;
let statusEl: HTMLElement | null = null;
let changeEl: HTMLElement | null = null;
let bodyEl: HTMLElement | null = null;
let mapCleanup: (() => void) | null = null;

window.addEventListener("popstate", () => {
  if (root?.isConnected) drawBody();
});

setRedraw((what) => {
  if (!root?.isConnected) return;
  if (what === "status" || what === "all") drawStatus();
  if (what === "change" || what === "all") drawChange();
  if ((what === "body" || what === "all") && screen().name !== "proof") drawBody();
});

// --- small pieces -----------------------------------------------------------------------

function clock(iso: string | null): string {
  return iso ? formatClock(iso) : "";
}

function windows(stop: DriverStop): string {
  return stop.time_windows.map(([from, to]) => `${from}–${to}`).join(", ");
}

function statusChip(stop: DriverStop): HTMLElement {
  const status = effectiveStatus(stop);
  return h("span", { class: `chip chip-${status}`, "data-testid": "stop-status" }, t(`driver.status.${status}`));
}

const isIos = () => /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
const isAndroid = () => /Android/i.test(navigator.userAgent);

function navigationLinks(stop: DriverStop): HTMLElement {
  const google = `https://www.google.com/maps/dir/?api=1&destination=${stop.lat},${stop.lon}`;
  const label = encodeURIComponent(stop.place.name ?? "");
  const primary = isIos()
    ? `https://maps.apple.com/?daddr=${stop.lat},${stop.lon}&dirflg=d`
    : isAndroid()
      ? `geo:${stop.lat},${stop.lon}?q=${stop.lat},${stop.lon}(${label})`
      : google;
  return h(
    "div",
    { class: "nav-links" },
    h("a", { class: "button button-secondary button-block", href: primary, target: "_blank", rel: "noopener", "data-testid": "navigate" }, t("driver.navigate")),
    primary !== google
      ? h("a", { class: "nav-fallback", href: google, target: "_blank", rel: "noopener", "data-testid": "navigate-google" }, t("driver.navigateGoogle"))
      : null,
  );
}

function goods(lines: DriverLine[]): HTMLElement[] {
  return linesByTemperature(lines, (line) => line.supplier_name);
}

// --- status bar: pending records, refused records, live --------------------------------

function drawStatus(): void {
  if (!statusEl) return;
  const { pending, parked, lastError } = state.outbox;
  const parts: (HTMLElement | null)[] = [
    h(
      "div",
      { class: "sync-row" },
      pending > 0
        ? h("p", { class: "pending", role: "status", "data-testid": "pending-count" }, t(pending === 1 ? "driver.pendingOne" : "driver.pending", { n: pending }))
        : h("p", { class: "synced", "data-testid": "all-sent" }, t("driver.allSent")),
      h("span", { class: `live live-${state.live ? "on" : "off"}`, "data-testid": "live" }, t(state.live ? "driver.live" : "driver.notLive")),
    ),
    pending > 0 && lastError ? h("p", { class: "muted small" }, t("driver.willRetry")) : null,
    ...parked.map((item) =>
      parkedAlert(
        item,
        { title: "driver.parkedTitle", retry: "driver.parkedRetry", discard: "driver.parkedDiscard", confirm: "driver.parkedDiscardConfirm" },
        (seq) => void retryParked(seq),
        (seq) => void discardParked(seq),
      ),
    ),
  ];
  statusEl.replaceChildren(...parts.filter((part): part is HTMLElement => part !== null));
}

function drawChange(): void {
  if (!changeEl) return;
  const change = state.change;
  if (!change) {
    changeEl.replaceChildren();
    return;
  }
  const parts = [
    change.added.length ? t(change.added.length === 1 ? "driver.change.addedOne" : "driver.change.added", { n: change.added.length }) : "",
    change.removed.length ? t(change.removed.length === 1 ? "driver.change.removedOne" : "driver.change.removed", { n: change.removed.length }) : "",
    change.changes.reordered ? t("driver.change.reordered") : "",
    change.removedRoute ? t("driver.change.routeRemoved") : "",
  ].filter(Boolean);
  changeEl.replaceChildren(
    h(
      "div",
      { class: "change-banner", role: "alert", "data-testid": "route-change" },
      h("p", { class: "alert-title" }, t("driver.change.title", { what: parts.join(", ") })),
      change.added.length ? h("p", {}, t("driver.change.addedNames", { names: change.added.join(", ") })) : null,
      change.removed.length ? h("p", {}, t("driver.change.removedNames", { names: change.removed.join(", ") })) : null,
      h("button", { type: "button", class: "button", onclick: dismissChange, "data-testid": "route-change-ok" }, t("driver.change.ok")),
    ),
  );
}

// --- screens -------------------------------------------------------------------------------

function tabs(active: "list" | "map"): HTMLElement {
  return h(
    "div",
    { class: "tabs", role: "tablist" },
    h("button", { type: "button", role: "tab", class: "tab", "aria-selected": String(active === "list"), "data-testid": "tab-list", onclick: () => go({ name: "list" }) }, t("driver.list")),
    h("button", { type: "button", role: "tab", class: "tab", "aria-selected": String(active === "map"), "data-testid": "tab-map", onclick: () => go({ name: "map" }) }, t("driver.map")),
  );
}

function routeHeader(route: DriverRoute): HTMLElement {
  const done = route.stops.filter((stop) => ["done", "skipped"].includes(effectiveStatus(stop))).length;
  return h(
    "div",
    { class: "route-head", "data-testid": "route", "data-route-id": route.id },
    h("h3", {}, t("driver.routeTitle", { vehicle: route.vehicle_name, trip: route.trip })),
    h(
      "p",
      { class: "muted" },
      t("driver.routeSummary", {
        start: clock(route.planned_start),
        end: clock(route.planned_end),
        km: formatNumber(Math.round(route.distance_m / 100) / 10),
        done,
        n: route.stops.length,
      }),
    ),
  );
}

function stopCard(stop: DriverStop): HTMLElement {
  const status = effectiveStatus(stop);
  return h(
    "li",
    { class: `stop-item status-${status}` },
    h(
      "button",
      {
        type: "button",
        class: "stop-card",
        "data-testid": "stop",
        "data-job-key": stop.job_key,
        onclick: () => go({ name: "stop", jobKey: stop.job_key }),
      },
      h("span", { class: "stop-seq" }, String(stop.sequence)),
      h(
        "span",
        { class: "stop-main" },
        h("span", { class: "stop-name" }, stop.place.name ?? stop.job_key),
        h("span", { class: "stop-meta" }, [t(`driver.kind.${stop.kind}`), clock(stop.planned_arrival), windows(stop)].filter(Boolean).join(" · ")),
        stop.place.address ? h("span", { class: "stop-address" }, stop.place.address) : null,
      ),
      statusChip(stop),
    ),
  );
}

function listScreen(day: DriverDay): HTMLElement {
  return h(
    "div",
    { class: "route-list" },
    tabs("list"),
    day.routes.map((route) => h("section", { class: "route" }, routeHeader(route), h("ol", { class: "stops" }, route.stops.map(stopCard)))),
  );
}

function mapScreen(day: DriverDay): HTMLElement {
  const box = h("div", { class: "route-map", "data-testid": "map", role: "region", "aria-label": t("driver.map") });
  requestAnimationFrame(() => {
    if (!box.isConnected) return;
    const stops = allStops().map(({ stop }) => ({
      jobKey: stop.job_key,
      sequence: stop.sequence,
      name: stop.place.name ?? stop.job_key,
      lat: stop.lat,
      lon: stop.lon,
      status: effectiveStatus(stop),
    }));
    void drawMap(box, day.routes, stops, (jobKey) => go({ name: "stop", jobKey }))
      .then((cleanup) => (mapCleanup = cleanup))
      .catch((error) => {
        box.replaceChildren(h("p", { class: "state" }, t("driver.mapFailed")));
        console.warn(error);
      });
  });
  return h("div", {}, tabs("map"), box, h("p", { class: "muted small" }, t("driver.mapHint")));
}

function backButton(target: Screen, label = t("driver.back")): HTMLElement {
  return h("button", { type: "button", class: "button button-secondary back", "data-testid": "back", onclick: () => go(target) }, `← ${label}`);
}

function stopScreen(route: DriverRoute, stop: DriverStop): HTMLElement {
  const status = effectiveStatus(stop);
  const local = state.local.get(stop.job_key);
  const arrived = !!local?.arrivedAt || status !== "planned";
  const finished = status === "done" || status === "skipped";
  const left = !!local?.leftAt;
  const place = stop.place;
  const label = (kind: EventKind) => `${t(`driver.event.${kind}`)} · ${place.name ?? stop.job_key}`;
  const act = (kind: "arrive" | "leave") => async () => {
    try {
      await record(stop, kind, label(kind));
      state.flash = t(kind === "arrive" ? "driver.flash.arrived" : "driver.flash.left");
      if (kind === "leave") go({ name: "list" });
      else drawBody();
    } catch {
      state.flash = t("driver.flash.saveFailed");
      drawBody();
    }
  };
  const flash = state.flash;
  state.flash = null;
  const info = (labelKey: Parameters<typeof t>[0], value: string | null | undefined) =>
    value ? h("div", { class: "info-row" }, h("dt", {}, t(labelKey)), h("dd", {}, value)) : null;
  return h(
    "article",
    { class: "stop-detail", "data-testid": "stop-detail", "data-job-key": stop.job_key },
    backButton({ name: "list" }, t("driver.backToRoute")),
    flash ? h("p", { class: "flash", role: "status", "data-testid": "flash" }, flash) : null,
    h(
      "header",
      { class: "stop-detail-head" },
      h("span", { class: "stop-seq" }, String(stop.sequence)),
      h("div", {}, h("h3", {}, place.name ?? stop.job_key), h("p", { class: "muted" }, `${t(`driver.kind.${stop.kind}`)} · ${route.vehicle_name}`)),
      statusChip(stop),
    ),
    local?.flagReason ? h("div", { class: "alert alert-error", role: "alert" }, t("driver.flagged", { reason: local.flagReason })) : null,
    local?.receiptPath
      ? h(
          "button",
          {
            type: "button",
            class: "button button-secondary",
            "data-testid": "receipt",
            onclick: () => void openPdf(local.receiptPath ?? "", `kvitto-${stop.job_key}.pdf`).catch(() => undefined),
          },
          t("driver.receipt"),
        )
      : null,
    h(
      "dl",
      { class: "info" },
      info("driver.address", place.address),
      info("driver.timeWindow", windows(stop)),
      info("driver.planned", [clock(stop.planned_arrival), clock(stop.planned_departure)].filter(Boolean).join("–")),
      info("driver.access", place.access_notes),
      info("driver.unloading", place.unloading_place),
      info("driver.maxLength", place.max_vehicle_length_m ? `${formatNumber(place.max_vehicle_length_m)} m` : null),
      info("driver.contact", [place.contact_name, place.contact_phone].filter(Boolean).join(", ")),
    ),
    place.contact_phone
      ? h("a", { class: "button button-secondary button-block", href: `tel:${place.contact_phone.replace(/\s+/g, "")}` }, t("driver.call", { phone: place.contact_phone }))
      : null,
    navigationLinks(stop),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "button button-big button-block", "data-testid": "arrive", disabled: arrived || finished, onclick: act("arrive") }, arrived ? `✓ ${t("driver.arrived")}` : t("driver.arrive")),
      h(
        "button",
        { type: "button", class: "button button-primary button-big button-block", "data-testid": "deliver", disabled: finished, onclick: () => go({ name: "proof", jobKey: stop.job_key }) },
        finished ? `✓ ${t(stop.kind === "pickup" ? "driver.pickedUp" : "driver.delivered")}` : t(stop.kind === "pickup" ? "driver.pickup" : "driver.deliver"),
      ),
      h("button", { type: "button", class: "button button-big button-block", "data-testid": "leave", disabled: !finished || left, onclick: act("leave") }, left ? `✓ ${t("driver.left")}` : t("driver.leave")),
    ),
    h("h4", { class: "section-title" }, t(stop.kind === "pickup" ? "driver.toCollect" : "driver.toHandOver")),
    stop.lines.length ? goods(stop.lines) : h("p", { class: "muted" }, t("driver.noLines")),
  );
}

function proofScreen(jobKey: string): HTMLElement {
  const found = findStop(jobKey);
  if (!state.draft || state.draft.jobKey !== jobKey) {
    if (!found) return missingStop();
    state.draft = newDraft(found.stop);
    state.draftStop = found.stop;
  }
  const stop = state.draftStop ?? found!.stop;
  const draft = state.draft;
  return h(
    "div",
    {},
    backButton({ name: "stop", jobKey }),
    proofForm(stop, draft, {
      redraw: drawBody,
      cancel: () => {
        state.draft = null;
        state.draftStop = null;
        go({ name: "stop", jobKey });
      },
      submit: (proof) => {
        const kind = stop.kind === "pickup" ? "pickup" : "deliver";
        void record(stop, kind, `${t(`driver.event.${kind}`)} · ${stop.place.name ?? jobKey}`, proof)
          .then(() => {
            state.draft = null;
            state.draftStop = null;
            state.flash = t("driver.flash.proofSaved");
            go({ name: "stop", jobKey });
          })
          .catch(() => {
            state.flash = t("driver.flash.saveFailed");
            drawBody();
          });
      },
    }),
  );
}

function missingStop(): HTMLElement {
  return h("div", {}, backButton({ name: "list" }, t("driver.backToRoute")), empty(t("driver.stopGone")));
}

function drawBody(): void {
  if (!bodyEl) return;
  mapCleanup?.();
  mapCleanup = null;
  const day = state.day;
  const current = screen();
  let content: HTMLElement;
  if (!day || !day.routes.length) {
    content = empty(t("driver.noRoute"), t("driver.noRouteHint"));
  } else if (current.name === "map") {
    content = mapScreen(day);
  } else if (current.name === "stop") {
    const found = findStop(current.jobKey);
    content = found ? stopScreen(found.route, found.stop) : missingStop();
  } else if (current.name === "proof") {
    content = proofScreen(current.jobKey);
  } else {
    content = listScreen(day);
  }
  bodyEl.replaceChildren(content);
}

export const driverView: View<DriverDay> = {
  id: "driver-route",
  title: "driver.title",
  load: (user: User) => loadDriverDay(user.id),
  render() {
    statusEl = h("div", { class: "sync-bar" });
    changeEl = h("div", {});
    bodyEl = h("div", { class: "driver-body" });
    root = h("div", { class: "driver" }, statusEl, changeEl, bodyEl);
    drawStatus();
    drawChange();
    drawBody();
    return root;
  },
};
