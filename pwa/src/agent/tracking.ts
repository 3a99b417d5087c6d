// The residents' tracking page, without an account: /spara/<code> (or ?spara=<code>). Large text,
// phone first, Swedish and English: the status, the expected day, where to collect the parcel
// and, once it is in the locker, the compartment and the code that opens it.
import { request } from "../api/client";
import type { ApiSchema } from "../api/types";
import { newClientId, nowWithOffset } from "../driver/types";
import { t, type MessageKey } from "../i18n";
import { pushPermission, subscribeWith, type PushState } from "../recipient/push";
import { errorMessage, loading } from "../ui/components";
import { h } from "../ui/dom";
import { dayInSentence } from "./agent";
import "./agent.css";

type Tracking = ApiSchema<"Tracking">;

/** The tracking code in the address, or null when the address is not a tracking page. */
export function trackingCodeInAddress(): string | null {
  const match = /^\/(?:spara|track)\/([A-Za-z0-9-]{4,32})\/?$/.exec(location.pathname);
  if (match) return match[1].toUpperCase();
  const query = new URLSearchParams(location.search).get("spara");
  return query ? query.toUpperCase() : null;
}

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];

function opening(item: Tracking): HTMLElement | null {
  const hours = item.collect_at.opening_hours;
  if (!hours.length) return h("p", {}, t("tracking.alwaysOpen"));
  return h(
    "ul",
    {},
    ...WEEKDAYS.flatMap((day) =>
      hours.filter((w) => w.weekday === day).map((w) => h("li", {}, `${t(`weekday.${day}` as MessageKey)} ${w.start}–${w.end}`)),
    ),
  );
}

const NOTICE: Partial<Record<PushState, MessageKey>> = {
  subscribed: "tracking.notifyOn",
  denied: "tracking.notifyDenied",
  failed: "tracking.notifyFailed",
};

/** Web Push for this consignment, where the browser can: the resident has no account, the
 *  tracking code is what the subscription follows. */
function notifyBlock(item: Tracking): HTMLElement | null {
  const state = pushPermission();
  // Once it can be collected there is nothing more to tell.
  if (state === "unsupported" || item.status === "ready" || item.status === "collected") return null;
  const path = `/rural/track/${encodeURIComponent(item.tracking_code)}/push`;
  const said = h("p", { "data-testid": "tracking-notify-state", role: "status" });
  const button = h("button", { type: "button", class: "button button-block", "data-testid": "tracking-notify" }, t("tracking.notify"));
  const show = (now: PushState) => {
    const key = NOTICE[now];
    said.textContent = key ? t(key) : "";
    button.hidden = now === "subscribed" || now === "denied";
  };
  button.addEventListener("click", async () => {
    button.disabled = true;
    show(
      await subscribeWith(true, {
        publicKey: async () => (await request<ApiSchema<"VapidKey">>("GET", path, undefined, { auth: false })).public_key,
        save: async (subscription) => void (await request("POST", path, subscription, { auth: false })),
      }),
    );
    button.disabled = false;
  });
  show(state === "subscribed" ? "default" : state); // granted for another page is not yet this parcel
  return h("div", { class: "tracking-notify" }, button, said);
}

/** The last hand-over: the resident says the locker compartment is empty (the pickup code proves it). */
function collectBlock(item: Tracking, redraw: (notice: string) => void): HTMLElement {
  const said = h("p", { role: "status", "data-testid": "tracking-collect-state" });
  const button = h("button", { type: "button", class: "button button-primary button-block", "data-testid": "tracking-collect" }, t("tracking.collect"));
  const body = { client_id: newClientId(), pickup_code: item.pickup_code ?? "", recorded_at: nowWithOffset() };
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await request("POST", `/rural/track/${encodeURIComponent(item.tracking_code)}/collect`, body, { auth: false });
      redraw(t("tracking.collectedNow"));
    } catch (error) {
      said.textContent = errorMessage(error);
      button.disabled = false;
    }
  });
  return h("div", { class: "tracking-collect" }, h("p", {}, t("tracking.collectHelp")), button, said);
}

function answer(item: Tracking, redraw: (notice: string) => void): HTMLElement {
  const ready = item.status === "ready";
  const status =
    item.status === "planned" && item.expected_date
      ? t("tracking.expected", { day: dayInSentence(item.expected_date) })
      : t(`rural.status.${item.status}` as MessageKey);
  return h(
    "section",
    { class: "card", "data-testid": "tracking-answer" },
    h("p", { class: "tracking-status", "data-testid": "tracking-status" }, status),
    // On its way (with the driver, or waiting for the next vehicle at a hub): the day it comes, too.
    item.status !== "planned" && item.expected_date
      ? h("p", { "data-testid": "tracking-expected" }, t("tracking.expected", { day: dayInSentence(item.expected_date) }))
      : null,
    item.waiting_reason ? h("p", {}, item.waiting_reason) : null,
    ready && item.pickup_code
      ? h(
          "div",
          { "data-testid": "tracking-pickup" },
          h("p", {}, t("tracking.compartment", { number: String(item.compartment_number ?? "") })),
          h("p", {}, t("tracking.pickupCode")),
          h("p", { class: "tracking-pickup", "data-testid": "tracking-pickup-code" }, item.pickup_code),
          collectBlock(item, redraw),
        )
      : null,
    h(
      "h3",
      {},
      t(item.status === "collected" ? "tracking.collectedFrom" : item.collect_at.locker ? "tracking.collectLocker" : "tracking.collectPoint"),
    ),
    h("p", { "data-testid": "tracking-place" }, item.collect_at.name),
    item.collect_at.address ? h("p", {}, item.collect_at.address) : null,
    item.status === "collected" ? null : opening(item),
    notifyBlock(item),
  );
}

/** Draws the tracking page for `code` into `host` (redrawn on a language switch by the shell). */
export function renderTracking(code: string): HTMLElement {
  const root = h("div", { class: "tracking", "data-view": "tracking" });
  const input = h("input", { id: "tracking-input", value: code, autocomplete: "off", autocapitalize: "characters", "data-testid": "tracking-input" });
  const result = h("div", {}, loading());
  const show = async (wanted: string, notice = "") => {
    result.replaceChildren(loading());
    try {
      const item = await request<Tracking>("GET", `/rural/track/${encodeURIComponent(wanted)}`, undefined, { auth: false });
      result.replaceChildren(
        ...(notice ? [h("p", { class: "notice", role: "status", "data-testid": "tracking-notice" }, notice)] : []),
        answer(item, (said) => void show(wanted, said)),
      );
    } catch (error) {
      result.replaceChildren(h("p", { class: "field-error", role: "alert", "data-testid": "tracking-error" }, errorMessage(error)));
    }
  };
  root.append(
    h("h2", {}, t("tracking.title")),
    h(
      "form",
      {
        class: "field",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const wanted = input.value.trim().toUpperCase();
          history.replaceState(null, "", `/spara/${wanted}`);
          void show(wanted);
        },
      },
      h("label", { for: "tracking-input" }, t("tracking.code")),
      input,
      h("button", { type: "submit", class: "button button-primary button-block" }, t("tracking.show")),
    ),
    result,
  );
  if (code) void show(code);
  else result.replaceChildren();
  return root;
}
