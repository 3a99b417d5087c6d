// At a stop, the driver may scan or type a unit's code from its label: the server says whether
// the unit is for this stop, and warns before anything is handed over if it belongs elsewhere.
// Nothing is recorded (the proof of delivery is the record of the hand-over).
import { ApiError, NetworkError, get } from "../api/client";
import type { ApiSchema } from "../api/types";
import { t } from "../i18n";
import { h } from "../ui/dom";

type UnitCheck = ApiSchema<"UnitCheck">;
type Shown = { kind: "ok" | "warn"; text: string };

// The stop view is redrawn whenever the route or the outbox changes (a push, a sync): the open
// panel, the typed code and the last answer belong to the stop, not to one drawing of it, so a
// redraw while the driver types does not close the panel or wipe the code.
const kept = new Map<string, { open: boolean; code: string; shown: Shown | null }>();

export function unitCheck(planDate: string, jobKey: string): HTMLElement {
  const key = `${planDate}/${jobKey}`;
  const memory = kept.get(key) ?? { open: false, code: "", shown: null };
  kept.clear(); // only the stop on screen is remembered
  kept.set(key, memory);
  const input = h("input", {
    id: "unit-check-code",
    name: "unit_code",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    maxlength: 32,
    "data-testid": "unit-check-code",
    value: memory.code,
    oninput: () => {
      memory.code = input.value;
    },
  });
  const answer = h("div", { "aria-live": "polite", "data-testid": "unit-check-answer" });
  const show = (kind: "ok" | "warn", text: string) => {
    memory.shown = { kind, text };
    answer.replaceChildren(h("p", { class: kind === "ok" ? "unit-check-ok" : "alert alert-error", role: kind === "ok" ? "status" : "alert" }, text));
  };
  if (memory.shown) show(memory.shown.kind, memory.shown.text);
  const check = async (event: Event) => {
    event.preventDefault();
    const code = input.value.toUpperCase().replace(/[^A-Z0-9]/g, "");
    if (!code) return;
    const query = new URLSearchParams({ code, job_key: jobKey, date: planDate });
    try {
      const result = await get<UnitCheck>(`/loading/unit-check?${query.toString()}`);
      show(result.matches ? "ok" : "warn", `${result.matches ? "✓ " : ""}${result.message}`);
    } catch (error) {
      show("warn", error instanceof NetworkError ? t("loading.stopCheck.offline") : error instanceof ApiError ? error.message : String(error));
    }
  };
  const panel = h(
    "details",
    { class: "unit-check", "data-testid": "unit-check", open: memory.open },
    h("summary", {}, t("loading.stopCheck.title")),
    h(
      "form",
      { onsubmit: (event: Event) => void check(event) },
      h("div", { class: "field" }, h("label", { for: "unit-check-code" }, t("loading.stopCheck.code")), input),
      h("button", { type: "submit", class: "button button-block", "data-testid": "unit-check-submit" }, t("loading.stopCheck.submit")),
    ),
    answer,
  );
  panel.addEventListener("toggle", () => {
    memory.open = (panel as HTMLDetailsElement).open;
  });
  return panel;
}
