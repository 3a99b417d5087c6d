// The residents' tracking page, without an account: /spara/<code> (or ?spara=<code>). Large text,
// phone first, Swedish and English: the status, the expected day, where to collect the parcel
// and, once it is in the locker, the compartment and the code that opens it.
import { request } from "../api/client";
import type { ApiSchema } from "../api/types";
import { t, type MessageKey } from "../i18n";
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

function answer(item: Tracking): HTMLElement {
  const ready = item.status === "ready";
  const status =
    item.status === "planned" && item.expected_date
      ? t("tracking.expected", { day: dayInSentence(item.expected_date) })
      : t(`rural.status.${item.status}` as MessageKey);
  return h(
    "section",
    { class: "card", "data-testid": "tracking-answer" },
    h("p", { class: "tracking-status", "data-testid": "tracking-status" }, status),
    item.waiting_reason ? h("p", {}, item.waiting_reason) : null,
    ready && item.pickup_code
      ? h(
          "div",
          { "data-testid": "tracking-pickup" },
          h("p", {}, t("tracking.compartment", { number: String(item.compartment_number ?? "") })),
          h("p", {}, t("tracking.pickupCode")),
          h("p", { class: "tracking-pickup", "data-testid": "tracking-pickup-code" }, item.pickup_code),
        )
      : null,
    h("h3", {}, t(item.collect_at.locker ? "tracking.collectLocker" : "tracking.collectPoint")),
    h("p", { "data-testid": "tracking-place" }, item.collect_at.name),
    item.collect_at.address ? h("p", {}, item.collect_at.address) : null,
    opening(item),
  );
}

/** Draws the tracking page for `code` into `host` (redrawn on a language switch by the shell). */
export function renderTracking(code: string): HTMLElement {
  const root = h("div", { class: "tracking", "data-view": "tracking" });
  const input = h("input", { id: "tracking-input", value: code, autocomplete: "off", autocapitalize: "characters", "data-testid": "tracking-input" });
  const result = h("div", {}, loading());
  const show = async (wanted: string) => {
    result.replaceChildren(loading());
    try {
      const item = await request<Tracking>("GET", `/rural/track/${encodeURIComponent(wanted)}`, undefined, { auth: false });
      result.replaceChildren(answer(item));
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
