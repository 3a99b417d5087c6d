// Terminal staff's loading panel: today's trips of the terminal -> one trip's loading list per
// compartment in REVERSE stop order (the last stop's goods go in first), the labels as PDF,
// scanning units onto the vehicle (the camera where the browser has BarcodeDetector, a typed
// code always), and the driver's signature for the load.
//
// Scans of units on this trip's list and the driver's sign-off go through the device outbox
// (stream per trip, so the sign-off is sent after the scans before it): the cold room often has
// no network. A code that is not on this trip's list is asked of the server at once, which
// refuses a unit of another vehicle and says where it belongs; nothing is recorded then.
import { ApiError, NetworkError, get, post } from "../api/client";
import type { ApiSchema, User } from "../api/types";
import { openPdf } from "../data/download";
import { outbox, startOutbox, type OutboxRecord } from "../data/outbox";
import { newClientId, nowWithOffset } from "../driver/types";
import { t } from "../i18n";
import { empty, errorBox, errorMessage, loading, parkedAlert } from "../ui/components";
import { h } from "../ui/dom";
import { signaturePad } from "../ui/signature";
import { formatClock, zoneDate } from "../util/time";
import "./loading.css";

type LoadingRoute = ApiSchema<"LoadingRoute">;
type LoadingList = ApiSchema<"LoadingList">;
type ScanResult = ApiSchema<"LoadScanResult">;
type UnitKind = "crate" | "roll_cage" | "pallet";

interface HandoverBody {
  driver_name: string;
  recorded_at: string;
}
interface ScanBody {
  unit_code: string;
}

/** One stream per trip: its scans, then its sign-off, sent in that order. */
export const loadingStream = (routeId: number) => `loading:${routeId}`;

/** What a person types from a label: upper case, no spaces or dashes. */
export function normalizeCode(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

let openRoute: number | null = null;
/** Redraws the open trip once the outbox has sent one of its records (the server's view). */
let afterSent: ((record: { stream: string; path: string }) => void) | null = null;
let afterChange: ((setAside: OutboxRecord[]) => void) | null = null;
let listening = false;

export function drawLoading(host: HTMLElement, user: User): void {
  void startOutbox(user.id); // idempotent: sends what this device kept, also after a restart
  if (!listening) {
    listening = true;
    outbox.onSent((record) => afterSent?.(record));
    outbox.onChange((state) => afterChange?.(state.setAside));
  }
  afterChange = (setAside) => {
    // A record of the open trip refused by the server: show it (and no longer count it as loaded).
    if (!host.isConnected || openRoute === null || shown?.list.id !== openRoute) return;
    const refused = setAside.filter((record) => record.stream === loadingStream(openRoute ?? 0)).length;
    if (refused !== shown.setAside.length) void drawRoute(host, user, openRoute);
  };
  afterSent = (record) => {
    if (!host.isConnected || openRoute === null || record.stream !== loadingStream(openRoute)) return;
    // The sign-off is on the server now: show the server's record. After a scan only the count
    // of what waits changes (a full redraw would wipe a signature being drawn).
    if (record.path === "/loading/handovers") void drawRoute(host, user, openRoute);
    else void updateWaiting(host, user, openRoute);
  };
  if (openRoute !== null) void drawRoute(host, user, openRoute);
  else void drawRoutes(host, user);
}

async function drawRoutes(host: HTMLElement, user: User): Promise<void> {
  const today = zoneDate();
  host.replaceChildren(loading());
  let routes: LoadingRoute[];
  try {
    routes = await get<LoadingRoute[]>(`/loading/routes?date=${today}`);
  } catch (error) {
    host.replaceChildren(errorBox(error, () => drawLoading(host, user)));
    return;
  }
  const title = h("h2", { class: "section-title" }, t("loading.title"));
  if (!routes.length) {
    host.replaceChildren(title, empty(t("loading.routes.empty"), t("loading.routes.emptyHint")));
    return;
  }
  host.replaceChildren(
    title,
    h(
      "ul",
      { class: "loading-routes" },
      routes.map((route) =>
        h(
          "li",
          { class: "card loading-route", "data-testid": "loading-route" },
          h("h3", {}, t("loading.route.title", { vehicle: route.vehicle_name, trip: route.trip + 1 })),
          h(
            "p",
            { class: "muted" },
            [
              route.driver_name ? t("loading.route.driver", { name: route.driver_name }) : t("loading.route.noDriver"),
              t("loading.route.stops", { n: route.stops }),
              formatClock(route.planned_start),
            ].join(" · "),
          ),
          h("p", { class: "loading-progress" }, t("loading.route.progress", { loaded: route.units_loaded, n: route.units_total })),
          route.signed ? h("p", { class: "loading-signed" }, `✓ ${t("loading.route.signed")}`) : null,
          h(
            "button",
            {
              type: "button",
              class: "button button-primary button-block",
              "data-testid": `open-route-${route.id}`,
              onclick: () => {
                openRoute = route.id;
                drawLoading(host, user);
              },
            },
            t("loading.route.open"),
          ),
        ),
      ),
    ),
  );
}

interface RouteScreen {
  list: LoadingList;
  /** Loaded by the server's list, or waiting in this device's outbox. */
  loaded: Set<string>;
  /** The driver's sign-off waiting in the outbox. */
  handover: HandoverBody | null;
  /** Records of this trip the server refused (or that kept failing): shown with retry and discard. */
  setAside: OutboxRecord[];
  message: { kind: "ok" | "warn"; text: string } | null;
  waiting: number;
}

/** What this device still has to send for the trip: the outbox itself is the truth (a record
 * the server refused is not counted as loaded). */
async function pending(user: User, routeId: number) {
  const records = (await outbox.records(user.id).catch(() => [] as OutboxRecord[])).filter((record) => record.stream === loadingStream(routeId));
  const waiting = records.filter((record) => !record.setAside);
  const handover = waiting.find((record) => record.path === "/loading/handovers");
  return {
    codes: new Set(waiting.filter((record) => record.path === "/loading/scans").map((record) => (record.body as ScanBody).unit_code)),
    handover: handover ? (handover.body as HandoverBody) : null,
    setAside: records.filter((record) => record.setAside),
    waiting: waiting.length,
  };
}

async function waitingRecords(user: User, routeId: number): Promise<number> {
  return (await pending(user, routeId)).waiting;
}

async function drawRoute(host: HTMLElement, user: User, routeId: number): Promise<void> {
  host.replaceChildren(loading());
  let list: LoadingList;
  try {
    list = await get<LoadingList>(`/loading/routes/${routeId}`);
  } catch (error) {
    host.replaceChildren(backButton(host, user), errorBox(error, () => drawLoading(host, user)));
    return;
  }
  const queued = await pending(user, routeId);
  const loaded = new Set(queued.codes);
  for (const { unit } of allUnits(list)) if (unit.loaded) loaded.add(unit.code);
  const message = shown?.list.id === routeId ? shown.message : null;
  const screen: RouteScreen = { list, loaded, handover: queued.handover, setAside: queued.setAside, message, waiting: queued.waiting };
  render(host, user, screen);
}

function queuedText(waiting: number): string {
  return waiting === 1 ? t("loading.queuedOne") : t("loading.queued", { n: waiting });
}

async function updateWaiting(host: HTMLElement, user: User, routeId: number): Promise<void> {
  const note = host.querySelector<HTMLElement>("[data-testid=loading-waiting]");
  if (!note) return;
  const waiting = await waitingRecords(user, routeId);
  note.textContent = queuedText(waiting);
  note.hidden = waiting === 0;
}

function backButton(host: HTMLElement, user: User): HTMLElement {
  return h(
    "button",
    {
      type: "button",
      class: "button loading-back",
      "data-testid": "loading-back",
      onclick: () => {
        openRoute = null;
        drawLoading(host, user);
      },
    },
    `← ${t("loading.back")}`,
  );
}

function allUnits(list: LoadingList) {
  return list.compartments.flatMap((compartment) => compartment.stops.flatMap((stop) => stop.units.map((unit) => ({ unit, stop }))));
}

let shown: RouteScreen | null = null;

function render(host: HTMLElement, user: User, screen: RouteScreen): void {
  shown = screen;
  const { list } = screen;
  const total = allUnits(list).length;
  const signed = list.handover ?? screen.handover;
  const routeName = t("loading.route.title", { vehicle: list.vehicle_name, trip: list.trip + 1 });
  const parts: (HTMLElement | null)[] = [
    backButton(host, user),
    h("h2", { class: "section-title", "data-testid": "loading-route-title" }, routeName),
    h("p", { class: "muted" }, list.driver_name ? t("loading.route.driver", { name: list.driver_name }) : t("loading.route.noDriver")),
    h("p", { class: "loading-progress", "data-testid": "loading-progress" }, t("loading.route.progress", { loaded: screen.loaded.size, n: total })),
    h("p", { class: "note-saved", "data-testid": "loading-waiting", hidden: screen.waiting === 0 }, queuedText(screen.waiting)),
    ...screen.setAside.map((record) =>
      parkedAlert(
        { ...record, setAside: record.setAside ?? null },
        { title: "loading.parked", retry: "loading.parkedRetry", discard: "loading.parkedDiscard", confirm: "loading.parkedDiscardConfirm" },
        (seq) => void outbox.retry(seq).then(() => drawRoute(host, user, list.id)),
        (seq) => void outbox.discard(seq).then(() => drawRoute(host, user, list.id)),
      ),
    ),
    labelsSection(list),
    signed ? null : scanSection(host, user, screen),
    listSection(screen),
    handoverSection(host, user, screen),
  ];
  host.replaceChildren(...parts.filter((part): part is HTMLElement => part !== null));
}

function labelsSection(list: LoadingList): HTMLElement {
  const failed = h("p", { class: "field-error", role: "alert", hidden: true }, t("loading.labels.failed"));
  const button = (format: "a6" | "a4", label: string) =>
    h(
      "button",
      {
        type: "button",
        class: "button",
        "data-testid": `labels-${format}`,
        onclick: () => {
          failed.hidden = true;
          void openPdf(`/loading/routes/${list.id}/labels.pdf?format=${format}`, `etiketter-${list.plan_date}-${format}.pdf`).catch(() => {
            failed.hidden = false;
          });
        },
      },
      label,
    );
  return h(
    "section",
    { class: "card loading-labels" },
    h("h3", {}, t("loading.labels.title")),
    h("div", { class: "loading-buttons" }, button("a6", t("loading.labels.a6")), button("a4", t("loading.labels.a4"))),
    failed,
  );
}

function kindWord(kind: string): string {
  return t(`loading.kind.${kind as UnitKind}`);
}

function listSection(screen: RouteScreen): HTMLElement {
  const { list } = screen;
  if (!list.compartments.length) return h("section", { class: "card" }, h("h3", {}, t("loading.list.title")), h("p", {}, t("loading.list.empty")));
  return h(
    "section",
    { class: "card loading-list", "data-testid": "loading-list" },
    h("h3", {}, t("loading.list.title")),
    h("p", { class: "muted" }, t("loading.list.hint")),
    list.compartments.map((compartment) =>
      h(
        "section",
        { class: `temp-group temp-${compartment.temperature_class}`, "data-testid": `compartment-${compartment.temperature_class}` },
        h("h4", { class: "temp-label" }, t(`temp.${compartment.temperature_class as "frozen" | "chilled" | "ambient"}`)),
        h(
          "ol",
          { class: "loading-stops" },
          compartment.stops.map((stop) =>
            h(
              "li",
              { class: "loading-stop", "data-testid": "loading-stop", "data-sequence": stop.sequence },
              h("p", { class: "loading-stop-name" }, t("loading.list.stop", { n: stop.sequence, point: stop.point_name })),
              h(
                "p",
                { class: "loading-counts", "data-testid": "loading-counts" },
                [
                  stop.pallets ? t("loading.count.pallets", { n: stop.pallets }) : "",
                  stop.roll_cages ? t("loading.count.roll_cages", { n: stop.roll_cages }) : "",
                  stop.crates ? t("loading.count.crates", { n: stop.crates }) : "",
                ]
                  .filter(Boolean)
                  .join(" · "),
              ),
              stop.from_stock.length
                ? h("p", { class: "loading-from-stock", "data-testid": "loading-from-stock" }, t("loading.fromStock", { goods: stop.from_stock.join(", ") }))
                : null,
              h(
                "ul",
                { class: "loading-units" },
                stop.units.map((unit) => {
                  const loaded = screen.loaded.has(unit.code);
                  return h(
                    "li",
                    { class: `loading-unit${loaded ? " is-loaded" : ""}`, "data-testid": `unit-${unit.code}`, "data-loaded": String(loaded) },
                    h("span", { class: "loading-unit-code" }, unit.code),
                    h("span", {}, kindWord(unit.kind)),
                    h("span", { class: "loading-unit-state" }, loaded ? `✓ ${t("loading.unit.loaded")}` : t("loading.unit.waiting")),
                  );
                }),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

// --- Scanning -------------------------------------------------------------------------------

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

function barcodeDetector(): DetectorClass | null {
  const candidate = (window as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  return typeof candidate === "function" ? candidate : null;
}

async function scan(host: HTMLElement, user: User, screen: RouteScreen, typed: string): Promise<void> {
  const code = normalizeCode(typed);
  if (!code) {
    screen.message = { kind: "warn", text: t("loading.scan.empty") };
    render(host, user, screen);
    return;
  }
  const { list } = screen;
  const here = allUnits(list).find((item) => item.unit.code === code);
  if (here && screen.loaded.has(code)) {
    screen.message = { kind: "ok", text: t("loading.scan.already", { code }) };
    render(host, user, screen);
    return;
  }
  const body = { client_id: newClientId(), unit_code: code, route_id: list.id, recorded_at: nowWithOffset() };
  if (here) {
    // On this trip's list: kept on the device first, sent when there is a network.
    await outbox.add(user.id, { stream: loadingStream(list.id), path: "/loading/scans", body, label: t("loading.outboxLabel.scan", { code }) });
    screen.loaded.add(code);
    screen.waiting = await waitingRecords(user, list.id);
    screen.message = { kind: "ok", text: t("loading.scan.ok", { kind: kindWord(here.unit.kind), point: here.stop.point_name, n: here.stop.sequence }) };
    render(host, user, screen);
    return;
  }
  // Not on this trip: the server says where it belongs (and records nothing) or, if a re-plan
  // just moved it here, records it.
  try {
    const answer = await post<ScanResult>("/loading/scans", body);
    screen.loaded.add(answer.unit_code);
    screen.message = { kind: "ok", text: t("loading.scan.ok", { kind: kindWord(answer.kind), point: answer.point_name, n: answer.stop_number }) };
    await drawRoute(host, user, list.id);
    return;
  } catch (error) {
    const text = error instanceof NetworkError ? t("loading.scan.notHere", { code }) : error instanceof ApiError ? error.message : errorMessage(error);
    screen.message = { kind: "warn", text };
  }
  render(host, user, screen);
}

function scanSection(host: HTMLElement, user: User, screen: RouteScreen): HTMLElement {
  const input = h("input", {
    id: "loading-code",
    name: "unit_code",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    inputmode: "text",
    maxlength: 32,
    "data-testid": "scan-code",
    "aria-describedby": "loading-code-hint",
  });
  const submit = (event: Event) => {
    event.preventDefault();
    void scan(host, user, screen, input.value);
  };
  const feedback = screen.message
    ? h(
        "div",
        {
          class: screen.message.kind === "ok" ? "loading-ok" : "alert alert-error",
          role: screen.message.kind === "ok" ? "status" : "alert",
          "data-testid": screen.message.kind === "ok" ? "scan-ok" : "scan-warning",
        },
        screen.message.text,
      )
    : null;
  // After a scan, ready for the next code (a keyboard-wedge scanner types into the focused field).
  if (screen.message) requestAnimationFrame(() => input.focus());
  const Detector = barcodeDetector();
  const camera = Detector ? cameraControl(Detector, (value) => void scan(host, user, screen, value)) : null;
  return h(
    "section",
    { class: "card loading-scan" },
    h("h3", {}, t("loading.scan.title")),
    feedback,
    camera,
    h(
      "form",
      { class: "loading-scan-form", onsubmit: submit },
      h(
        "div",
        { class: "field" },
        h("label", { for: "loading-code" }, t("loading.scan.code")),
        h("p", { class: "muted small", id: "loading-code-hint" }, t("loading.scan.codeHint")),
        input,
      ),
      h("button", { type: "submit", class: "button button-primary button-block", "data-testid": "scan-submit" }, t("loading.scan.submit")),
    ),
  );
}

/** The camera's picture with QR codes read by the browser's BarcodeDetector. */
function cameraControl(Detector: DetectorClass, found: (value: string) => void): HTMLElement {
  const video = h("video", { class: "loading-video", playsinline: true, muted: true, hidden: true });
  const failed = h("p", { class: "field-error", role: "alert", hidden: true }, t("loading.scan.cameraFailed"));
  let stream: MediaStream | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    button.textContent = t("loading.scan.camera");
  };
  const start = async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      button.textContent = t("loading.scan.cameraStop");
      const detector = new Detector({ formats: ["qr_code"] });
      timer = setInterval(() => {
        void detector.detect(video).then((codes) => {
          const value = codes[0]?.rawValue;
          if (value) {
            stop();
            found(value);
          }
        });
      }, 300);
    } catch {
      stop();
      failed.hidden = false;
    }
  };
  const button = h(
    "button",
    { type: "button", class: "button button-block", "data-testid": "scan-camera", onclick: () => (stream ? stop() : void start()) },
    t("loading.scan.camera"),
  );
  return h("div", { class: "loading-camera" }, button, video, failed);
}

// --- The driver's sign-off --------------------------------------------------------------------

function handoverSection(host: HTMLElement, user: User, screen: RouteScreen): HTMLElement {
  const { list } = screen;
  const total = allUnits(list).length;
  if (list.handover) {
    return h(
      "section",
      { class: "card loading-handover" },
      h("h3", {}, t("loading.handover.title")),
      h(
        "p",
        { class: "loading-signed", "data-testid": "handover-done" },
        `✓ ${t("loading.handover.done", {
          name: list.handover.driver_name,
          time: formatClock(list.handover.recorded_at),
          loaded: list.handover.units_loaded,
          n: total,
        })}`,
      ),
    );
  }
  if (screen.handover) {
    return h(
      "section",
      { class: "card loading-handover" },
      h("h3", {}, t("loading.handover.title")),
      h(
        "p",
        { class: "loading-signed", "data-testid": "handover-done" },
        `✓ ${t("loading.handover.done", { name: screen.handover.driver_name, time: formatClock(screen.handover.recorded_at), loaded: screen.loaded.size, n: total })}`,
      ),
      h("p", { class: "note-saved", "data-testid": "handover-queued" }, t("loading.handover.queued")),
    );
  }
  const name = h("input", { id: "handover-name", name: "driver_name", autocomplete: "off", maxlength: 120, value: list.driver_name ?? "", "data-testid": "handover-name" });
  const pad = signaturePad({
    label: t("loading.handover.signature"),
    hint: t("loading.handover.signatureHint"),
    clearLabel: t("loading.handover.clear"),
    testId: "handover-signature",
  });
  const error = h("p", { class: "field-error", role: "alert", "data-testid": "handover-error", hidden: true });
  const missing = total - screen.loaded.size;
  const save = async () => {
    const problem = !screen.loaded.size
      ? t("loading.handover.nothingLoaded")
      : !name.value.trim()
        ? t("loading.handover.nameRequired")
        : pad.png() === null
          ? t("loading.handover.signatureRequired")
          : null;
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
      return;
    }
    const body = { client_id: newClientId(), route_id: list.id, driver_name: name.value.trim(), signature: pad.png(), recorded_at: nowWithOffset() };
    await outbox.add(
      user.id,
      {
        stream: loadingStream(list.id),
        path: "/loading/handovers",
        body,
        label: t("loading.outboxLabel.handover", { route: t("loading.route.title", { vehicle: list.vehicle_name, trip: list.trip + 1 }) }),
      },
    );
    screen.handover = body;
    screen.waiting = await waitingRecords(user, list.id);
    screen.message = null;
    render(host, user, screen);
  };
  return h(
    "section",
    { class: "card loading-handover", "data-testid": "handover" },
    h("h3", {}, t("loading.handover.title")),
    h("p", { class: "muted" }, t("loading.handover.hint")),
    missing > 0
      ? h("p", { class: "loading-missing", "data-testid": "handover-missing" }, missing === 1 ? t("loading.handover.missingOne") : t("loading.handover.missing", { n: missing }))
      : null,
    h("div", { class: "field" }, h("label", { for: "handover-name" }, t("loading.handover.name")), name),
    pad.element,
    error,
    h("button", { type: "button", class: "button button-primary button-block", "data-testid": "handover-submit", onclick: () => void save() }, t("loading.handover.submit")),
  );
}
