// The driver's "Dagens rutt": the day's stops as a list and on a map, one stop with all that
// is needed to work it, and the proof form. Works with no network at all: the route is kept in
// IndexedDB and every action goes to the outbox (data/outbox.ts) before it is sent.
import { openPdf } from "../data/download";
import type { User } from "../api/types";
import { outbox } from "../data/outbox";
import type { DriverDay } from "../data/route";
import { tripName } from "../driver/changes";
import type { LocalStop } from "../driver/db";
import { drawMap } from "../driver/map";
import { flagReason, handedLines, receiptFileName, routeTimes, stopName, stopTimeParts, type HandedLine } from "../driver/present";
import { newDraft, proofForm } from "../driver/proof";
import { allStops, dismissChange, effectiveStatus, findStop, loadDriverDay, record, setRedraw, state } from "../driver/state";
import type { DriverLine, DriverRoute, DriverStop, EventKind } from "../driver/types";
import { unitCheck } from "../driver/unitcheck";
import { rideAlongSection } from "../driver/ride-along";
import "../driver/driver.css";
import { TEMPERATURE_CLASSES } from "../api/types";
import { t } from "../i18n";
import { empty, formatNumber, linesByTemperature, parkedAlert } from "../ui/components";
import { drawInto, h } from "../ui/dom";
import { isOnline } from "../state/connectivity";
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

/** "a · b · c", broken between the parts only (a time and its label stay on one line). */
function dotted(parts: string[]): (HTMLElement | string)[] {
  return parts.flatMap((part, index) => [index ? " · " : "", h("span", { class: "nowrap" }, part)]).filter(Boolean);
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

/** "4 säck" and under it "beställt 5 säck · 1 säck saknas · Skadad": what the proof said. */
function handedLine(item: HandedLine): HTMLElement {
  const { line } = item;
  const qty = (n: number) => `${formatNumber(n)} ${line.unit}`;
  const notes = [
    item.short ? h("span", { class: "line-short" }, t("driver.handed.short", { qty: qty(item.short) })) : null,
    item.extra ? h("span", { class: "line-short" }, t("driver.handed.extra", { qty: qty(item.extra) })) : null,
    item.deviation ? h("span", { class: "line-short" }, t(`driver.deviation.${item.deviation}`)) : null,
  ].filter((note): note is HTMLSpanElement => note !== null);
  const changed = item.short > 0 || item.extra > 0;
  return h(
    "li",
    { class: `handed-line${notes.length ? " handed-deviation" : ""}`, "data-testid": "handed-line", "data-line": line.order_line_id },
    h(
      "span",
      { class: "line-article" },
      line.article,
      h("span", { class: "line-supplier" }, ` · ${line.supplier_name}`),
      changed || notes.length
        ? h(
            "span",
            { class: "handed-notes" },
            t("driver.handed.ordered", { qty: qty(item.ordered) }),
            ...notes.flatMap((note) => [" · ", note]),
          )
        : null,
    ),
    h("span", { class: "line-qty", "data-testid": "handed-qty" }, qty(item.delivered)),
  );
}

function handedGoods(items: HandedLine[]): HTMLElement[] {
  return TEMPERATURE_CLASSES.flatMap((temperature) => {
    const group = items.filter((item) => item.line.temperature_class === temperature);
    if (!group.length) return [];
    return [
      h(
        "section",
        { class: `temp-group temp-${temperature}`, "data-temperature": temperature },
        h("h4", { class: "temp-label" }, t(`temp.${temperature}`)),
        h("ul", { class: "lines" }, group.map(handedLine)),
      ),
    ];
  });
}

/** What to hand over before the proof; after it, what was actually handed over (or collected). */
function stopGoods(stop: DriverStop, local: LocalStop | undefined, finished: boolean): HTMLElement[] {
  const pickup = stop.kind === "pickup";
  const handOver = local?.handOver;
  if (handOver) {
    const nobody = local?.skipped && handOver.deviation;
    return [
      h("h4", { class: "section-title", "data-testid": "goods-title" }, t(pickup ? "driver.handed.titlePickup" : "driver.handed.title")),
      nobody ? h("p", { class: "alert alert-error", "data-testid": "handed-none" }, t("driver.handed.none", { reason: t(`driver.deviation.${handOver.deviation!}`) })) : null,
      ...(stop.lines.length ? handedGoods(handedLines(stop, handOver)) : [h("p", { class: "muted" }, t("driver.noLines"))]),
    ].filter((part): part is HTMLElement => part !== null);
  }
  // Done on another device (or before this version of the app): what was ordered, no more.
  const title = finished ? "driver.ordered" : pickup ? "driver.toCollect" : "driver.toHandOver";
  return [
    h("h4", { class: "section-title", "data-testid": "goods-title" }, t(title)),
    ...(stop.lines.length ? goods(stop.lines) : [h("p", { class: "muted" }, t("driver.noLines"))]),
  ];
}

/** Saved on the phone, waiting for coverage; or received by the server (with the time). */
function proofState(stop: DriverStop, local: LocalStop | undefined): HTMLElement | null {
  if (!local?.doneAt) return null;
  const pickup = stop.kind === "pickup";
  if (local.proofSentAt) {
    return h(
      "p",
      { class: "proof-state proof-sent", role: "status", "data-testid": "proof-state" },
      `✓ ${t(pickup ? "driver.proofState.sentPickup" : "driver.proofState.sent", { time: formatClock(local.proofSentAt) })}`,
    );
  }
  return h(
    "p",
    { class: "proof-state proof-pending", role: "status", "data-testid": "proof-state" },
    t(pickup ? "driver.proofState.pendingPickup" : "driver.proofState.pending"),
  );
}

// --- status bar: pending records, refused records, position, live ----------------------

function sharingChip(): HTMLElement {
  const on = state.sharing === "on";
  return h(
    "span",
    { class: `live sharing sharing-${on ? "on" : "off"}`, "data-testid": "sharing", "data-sharing": state.sharing },
    t(on ? "driver.sharing.on" : state.sharing === "denied" ? "driver.sharing.notAllowed" : "driver.sharing.off"),
  );
}

function drawStatus(): void {
  if (!statusEl) return;
  const { pending, setAside, lastError } = state.outbox;
  const parts: (HTMLElement | null)[] = [
    h(
      "div",
      { class: "sync-row" },
      pending > 0
        ? h("p", { class: "pending", role: "status", "data-testid": "pending-count" }, t(pending === 1 ? "driver.pendingOne" : "driver.pending", { n: pending }))
        : h("p", { class: "synced", "data-testid": "all-sent" }, `✓ ${t("driver.allSent")}`),
      h(
        "span",
        { class: "chips" },
        sharingChip(),
        h("span", { class: `live live-${state.live ? "on" : "off"}`, "data-testid": "live" }, t(state.live ? "driver.live" : "driver.notLive")),
      ),
    ),
    // Offline, the banner above already says why nothing is sent; online, say that it will be.
    pending > 0 && lastError && isOnline() ? h("p", { class: "muted small", "data-testid": "will-retry" }, t("driver.willRetry")) : null,
    ...setAside.map((record) =>
      parkedAlert(
        record,
        { title: "driver.parkedTitle", retry: "driver.parkedRetry", discard: "driver.parkedDiscard", confirm: "driver.parkedDiscardConfirm" },
        (seq) => void outbox.retry(seq),
        (seq) => void outbox.discard(seq),
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
  const name = (key: string) => change.names[key] ?? t("driver.change.unknownStop");
  const count = (list: unknown[], one: Parameters<typeof t>[0], many: Parameters<typeof t>[0]) =>
    list.length ? t(list.length === 1 ? one : many, { n: list.length }) : "";
  const summary = [
    count(change.added, "driver.change.addedOne", "driver.change.added"),
    count(change.removed, "driver.change.removedOne", "driver.change.removed"),
    count(change.moved, "driver.change.movedOne", "driver.change.moved"),
    count(change.removedTrips, "driver.change.tripRemovedOne", "driver.change.tripRemoved"),
  ].filter(Boolean);
  const moved = change.moved.map((key) => {
    const found = findStop(key);
    return found ? t("driver.change.movedStop", { name: found.stop.place.name ? stopName(found.stop) : name(key), n: found.stop.sequence }) : name(key);
  });
  const detail = (key: Parameters<typeof t>[0], names: string[]) =>
    names.length ? h("p", {}, t(key, { names: names.join(", ") })) : null;
  changeEl.replaceChildren(
    h(
      "div",
      { class: "change-banner", role: "alert", "data-testid": "route-change" },
      h("p", { class: "alert-title" }, t("driver.change.title", { what: summary.join(", ") })),
      detail("driver.change.addedNames", change.added.map(name)),
      detail("driver.change.removedNames", change.removed.map(name)),
      detail("driver.change.movedNames", moved),
      detail("driver.change.tripRemovedNames", change.removedTrips),
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
    h("h3", { "data-testid": "route-title" }, tripName(route)),
    h(
      "p",
      { class: "muted", "data-testid": "route-summary" },
      dotted([
        ...routeTimes(route),
        t("driver.routeDistance", { km: formatNumber(Math.round(route.distance_m / 100) / 10) }),
        t("driver.routeDone", { done, n: route.stops.length }),
      ]),
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
        h("span", { class: "stop-name" }, stopName(stop)),
        stop.kind === "pickup" ? h("span", { class: "stop-kind" }, t("driver.kind.pickup")) : null,
        h("span", { class: "stop-meta", "data-testid": "stop-times" }, dotted(stopTimeParts(stop))),
        stop.place.address ? h("span", { class: "stop-address" }, stop.place.address) : null,
      ),
      statusChip(stop),
    ),
  );
}

/** The note of the last action, shown once, on the screen the driver lands on. */
function flashNote(): HTMLElement | null {
  const flash = state.flash;
  state.flash = null;
  return flash ? h("p", { class: "flash", role: "status", "data-testid": "flash" }, flash) : null;
}

function listScreen(day: DriverDay): HTMLElement {
  return h(
    "div",
    { class: "route-list" },
    flashNote(),
    state.sharing === "denied" ? h("p", { class: "note-saved", "data-testid": "sharing-denied" }, t("driver.sharing.denied")) : null,
    tabs("list"),
    day.routes.map((route) =>
      h("section", { class: "route" }, routeHeader(route), h("ol", { class: "stops" }, route.stops.map(stopCard)), rideAlongSection(route, drawBody)),
    ),
  );
}

function mapScreen(day: DriverDay): HTMLElement {
  const box = h("div", { class: "route-map", "data-testid": "map", role: "region", "aria-label": t("driver.map") });
  requestAnimationFrame(() => {
    if (!box.isConnected) return;
    const stops = allStops().map(({ stop }) => ({
      jobKey: stop.job_key,
      sequence: stop.sequence,
      name: stopName(stop),
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
  const pickup = stop.kind === "pickup";
  const label = (kind: EventKind) => `${t(`driver.event.${kind}`)} · ${stopName(stop)}`;
  const act = (kind: "arrive" | "leave") => async () => {
    try {
      await record(stop, kind, label(kind));
      state.flash = kind === "arrive" ? t("driver.flash.arrived") : t("driver.flash.leftFrom", { name: stopName(stop) });
      if (kind === "leave") go({ name: "list" });
      else drawBody();
    } catch {
      state.flash = t("driver.flash.saveFailed");
      drawBody();
    }
  };
  const flash = flashNote();
  const info = (labelKey: Parameters<typeof t>[0], value: string | null | undefined) =>
    value ? h("div", { class: "info-row" }, h("dt", {}, t(labelKey)), h("dd", {}, value)) : null;
  return h(
    "article",
    { class: "stop-detail", "data-testid": "stop-detail", "data-job-key": stop.job_key },
    backButton({ name: "list" }, t("driver.backToRoute")),
    flash,
    h(
      "header",
      { class: "stop-detail-head" },
      h("span", { class: "stop-seq" }, String(stop.sequence)),
      h("div", {}, h("h3", {}, stopName(stop)), h("p", { class: "muted" }, dotted([t(`driver.kind.${stop.kind}`), tripName(route)]))),
      statusChip(stop),
    ),
    h("p", { class: "stop-times", "data-testid": "stop-times" }, dotted(stopTimeParts(stop, true))),
    place.address ? h("p", { class: "stop-address-line", "data-testid": "stop-address" }, place.address) : null,
    proofState(stop, local),
    local?.flagReason
      ? h("div", { class: "alert alert-error", role: "alert" }, t("driver.flagged", { reason: t(`driver.flag.${flagReason(local.flagReason)}`) }))
      : null,
    local?.photoNotice ? h("div", { class: "alert alert-error", role: "alert", "data-testid": "photo-notice" }, local.photoNotice) : null,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "button button-big button-block", "data-testid": "arrive", disabled: arrived || finished, onclick: act("arrive") }, arrived ? `✓ ${t("driver.arrived")}` : t("driver.arrive")),
      h(
        "button",
        { type: "button", class: "button button-primary button-big button-block", "data-testid": "deliver", disabled: finished, onclick: () => go({ name: "proof", jobKey: stop.job_key }) },
        finished ? `✓ ${t(pickup ? "driver.pickedUp" : "driver.delivered")}` : t(pickup ? "driver.pickup" : "driver.deliver"),
      ),
      h("button", { type: "button", class: "button button-big button-block", "data-testid": "leave", disabled: !finished || left, onclick: act("leave") }, left ? `✓ ${t("driver.left")}` : t("driver.leave")),
    ),
    local?.receiptPath
      ? h(
          "button",
          {
            type: "button",
            class: "button button-secondary button-block",
            "data-testid": "receipt",
            onclick: () => void openPdf(local.receiptPath ?? "", receiptFileName(stop)).catch(() => undefined),
          },
          t("driver.receipt"),
        )
      : null,
    pickup || finished ? null : unitCheck(route.plan_date, stop.job_key),
    navigationLinks(stop),
    h(
      "dl",
      { class: "info" },
      info("driver.access", place.access_notes),
      info("driver.unloading", place.unloading_place),
      info("driver.maxLength", place.max_vehicle_length_m ? `${formatNumber(place.max_vehicle_length_m)} m` : null),
      info("driver.contact", [place.contact_name, place.contact_phone].filter(Boolean).join(", ")),
    ),
    place.contact_phone
      ? h("a", { class: "button button-secondary button-block", href: `tel:${place.contact_phone.replace(/\s+/g, "")}` }, t("driver.call", { phone: place.contact_phone }))
      : null,
    ...stopGoods(stop, local, finished),
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
        void record(stop, kind, `${t(`driver.event.${kind}`)} · ${stopName(stop)}`, proof)
          .then(() => {
            state.draft = null;
            state.draftStop = null;
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
  drawInto(bodyEl, content);
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
