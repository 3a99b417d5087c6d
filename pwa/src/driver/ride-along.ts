// Residents' consignments riding along on the driver's route (rural service): pick each one up
// at the agent (the tracking code scanned or typed, the agent's name and signature: the hand-over
// of responsibility) and leave it at the service point (name and signature) or in the locker
// (the compartment number). Every hand-over goes through the device outbox like a stop's proof,
// so it is kept on the phone at a locker without coverage and sent once the network is back.
import type { ApiSchema } from "../api/types";
import { outbox } from "../data/outbox";
import { t, type MessageKey } from "../i18n";
import { getSession } from "../state/session";
import { h } from "../ui/dom";
import { signaturePad } from "../ui/signature";
import { formatClock } from "../util/time";
import "../agent/agent.css";
import type { DriverRoute } from "./types";
import { newClientId, nowWithOffset } from "./types";

type RideStop = DriverRoute["ride_along"][number];
type HandoverBody = ApiSchema<"HandoverInput">;

/** Hand-overs this phone has recorded (sent or waiting in the outbox), by "<code>:<hand-over>". */
const recorded = new Set<string>();
let open: string | null = null;

// A parcel changing vehicles has two pickups and two drops: the hand-over tells them apart.
const keyOf = (stop: RideStop) => `${stop.tracking_code}:${stop.handover}`;

function done(stop: RideStop): boolean {
  return recorded.has(keyOf(stop)) || stop.done;
}

const TITLES: Record<RideStop["handover"], [MessageKey, MessageKey]> = {
  // [at a named place, at the terminal]
  agent_to_driver: ["rideAlong.pickupAt", "rideAlong.pickupAt"],
  driver_to_hub: ["rideAlong.dropHub", "rideAlong.dropTerminal"],
  hub_to_driver: ["rideAlong.pickupHub", "rideAlong.pickupTerminal"],
  driver_to_point: ["rideAlong.dropPoint", "rideAlong.dropPoint"],
  driver_to_locker: ["rideAlong.dropLocker", "rideAlong.dropLocker"],
  to_resident: ["rideAlong.dropPoint", "rideAlong.dropPoint"],
};

const NAME_LABELS: Partial<Record<RideStop["handover"], MessageKey>> = {
  agent_to_driver: "rideAlong.agentName",
  driver_to_point: "rideAlong.receiverName",
  driver_to_hub: "rideAlong.hubName",
  hub_to_driver: "rideAlong.hubName",
};

async function save(stop: RideStop, body: Omit<HandoverBody, "client_id" | "recorded_at" | "tracking_code">): Promise<void> {
  const userId = getSession()?.user.id ?? 0;
  const full: HandoverBody = { client_id: newClientId(), recorded_at: nowWithOffset(), tracking_code: stop.tracking_code, ...body };
  await outbox.add(userId, {
    stream: `ride-along:${stop.tracking_code}`,
    path: "/rural/handovers",
    body: full,
    label: t(stop.action === "pickup" ? "rideAlong.outboxPickup" : "rideAlong.outboxDrop", { code: stop.tracking_code }),
  });
  recorded.add(keyOf(stop));
}

function form(stop: RideStop, redraw: () => void): HTMLElement {
  const error = h("p", { class: "field-error", role: "alert", "data-testid": "ride-error" });
  error.hidden = true;
  const fail = (message: string) => {
    error.textContent = message;
    error.hidden = false;
  };
  const code = h("input", { id: "ride-code", autocomplete: "off", autocapitalize: "characters", "data-testid": "ride-code" });
  const codeField = h("div", { class: "field" }, h("label", { for: "ride-code" }, t("rideAlong.scanOrType")), code);
  const codeMatches = () => code.value.replace(/[^0-9A-Za-z]/g, "").toUpperCase() === stop.tracking_code;
  if (stop.handover === "driver_to_locker") {
    const compartment = h("input", { id: "ride-compartment", type: "number", inputmode: "numeric", min: 1, "data-testid": "ride-compartment" });
    return h(
      "div",
      { class: "ride-form" },
      codeField,
      h("div", { class: "field" }, h("label", { for: "ride-compartment" }, t("rideAlong.compartment")), compartment),
      error,
      h("button", {
        type: "button", class: "button button-primary button-block", "data-testid": "ride-save",
        onclick: async () => {
          if (!codeMatches()) return fail(t("rideAlong.wrongCode"));
          const number = Number(compartment.value);
          if (!Number.isInteger(number) || number < 1) return fail(t("rideAlong.compartmentMissing"));
          await save(stop, { kind: "driver_to_locker", compartment_number: number, signed_by_name: "", signature: null });
          open = null;
          redraw();
        },
      }, t("rideAlong.saveDrop")),
    );
  }
  const name = h("input", { id: "ride-name", autocomplete: "off", maxlength: 120, "data-testid": "ride-name" });
  const pad = signaturePad({ label: t("rideAlong.signature"), hint: t("rideAlong.signatureHint"), clearLabel: t("rideAlong.clear"), testId: "ride-signature" });
  return h(
    "div",
    { class: "ride-form" },
    codeField,
    h("div", { class: "field" }, h("label", { for: "ride-name" }, t(NAME_LABELS[stop.handover] ?? "rideAlong.receiverName")), name),
    pad.element,
    error,
    h("button", {
      type: "button", class: "button button-primary button-block", "data-testid": "ride-save",
      onclick: async () => {
        if (!codeMatches()) return fail(t("rideAlong.wrongCode"));
        if (!name.value.trim()) return fail(t("rideAlong.nameMissing"));
        const signature = pad.png();
        if (!signature) return fail(t("rideAlong.signatureMissing"));
        await save(stop, { kind: stop.handover, signed_by_name: name.value.trim(), signature, compartment_number: null });
        open = null;
        redraw();
      },
    }, t(stop.action === "pickup" ? "rideAlong.savePickup" : "rideAlong.saveDrop")),
  );
}

function card(stop: RideStop, redraw: () => void): HTMLElement {
  const key = keyOf(stop);
  const finished = done(stop);
  const [named, atTerminal] = TITLES[stop.handover];
  const title = t(stop.place_name ? named : atTerminal, { place: stop.place_name ?? t("rideAlong.terminal") });
  return h(
    "li",
    { class: "card ride-stop", "data-testid": `ride-${stop.action}-${stop.tracking_code}`, "data-handover": stop.handover },
    h("strong", {}, title),
    h("span", {}, `${stop.tracking_code}${stop.planned_at ? ` · ${formatClock(stop.planned_at)}` : ""}`),
    finished
      ? h("span", { class: "chip chip-done", "data-testid": "ride-done" }, t("rideAlong.done"))
      : open === key
        ? form(stop, redraw)
        : h("button", { type: "button", class: "button button-secondary", "data-testid": "ride-open", onclick: () => { open = key; redraw(); } },
            t(stop.action === "pickup" ? "rideAlong.takeOver" : "rideAlong.leave")),
  );
}

/** The route's ride-along consignments, or nothing when it carries none. */
export function rideAlongSection(route: DriverRoute, redraw: () => void): HTMLElement | null {
  if (!route.ride_along.length) return null;
  return h(
    "section",
    { class: "ride-along", "data-testid": "ride-along" },
    h("h3", {}, t("rideAlong.title")),
    h("ol", { class: "ride-stops" }, ...route.ride_along.map((stop) => card(stop, redraw))),
  );
}
