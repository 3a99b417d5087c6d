// At a stop, the driver may scan or type a unit's code from its label: the server says whether
// the unit is for this stop, and warns before anything is handed over if it belongs elsewhere.
// Nothing is recorded (the proof of delivery is the record of the hand-over).
import { ApiError, NetworkError, get } from "../api/client";
import type { ApiSchema } from "../api/types";
import { t } from "../i18n";
import { h } from "../ui/dom";

type UnitCheck = ApiSchema<"UnitCheck">;

export function unitCheck(planDate: string, jobKey: string): HTMLElement {
  const input = h("input", {
    id: "unit-check-code",
    name: "unit_code",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    maxlength: 32,
    "data-testid": "unit-check-code",
  });
  const answer = h("div", { "aria-live": "polite", "data-testid": "unit-check-answer" });
  const show = (kind: "ok" | "warn", text: string) => {
    answer.replaceChildren(h("p", { class: kind === "ok" ? "unit-check-ok" : "alert alert-error", role: kind === "ok" ? "status" : "alert" }, text));
  };
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
  return h(
    "details",
    { class: "unit-check", "data-testid": "unit-check" },
    h("summary", {}, t("loading.stopCheck.title")),
    h(
      "form",
      { onsubmit: (event: Event) => void check(event) },
      h("div", { class: "field" }, h("label", { for: "unit-check-code" }, t("loading.stopCheck.code")), input),
      h("button", { type: "submit", class: "button button-block", "data-testid": "unit-check-submit" }, t("loading.stopCheck.submit")),
    ),
    answer,
  );
}
