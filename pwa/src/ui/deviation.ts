// Deviations in words. The kitchen shows, per line, what was ordered, what the driver left and
// what the kitchen received, with each side's own deviation ("Föraren: Skadad · Köket: –") inside
// the line's own box. The coordinator's list is built from the stored facts in the reader's
// language; "mark as handled" asks how it was handled, and can be undone.
import { ApiError } from "../api/client";
import { openPdf } from "../data/download";
import type { ApiSchema } from "../api/types";
import { hasKey, t } from "../i18n";
import { formatDateTime } from "../util/time";
import { dayLabel, errorMessage, formatNumber } from "./components";
import { h, keepTyping } from "./dom";
import "./deviation.css";

/** A deviation as GET /deviations/ gives it. */
export type DeviationRecord = ApiSchema<"Deviation">;

// --- words ---------------------------------------------------------------------------------

/** A deviation code in words; none: a dash. Never the code itself. */
export function deviationWord(code: string | null | undefined): string {
  if (!code) return t("deviation.none");
  const key = `deviation.code.${code}`;
  return hasKey(key) ? t(key) : t("deviation.code.unknown");
}

function amount(value: number | null, unit: string, missing: string): string {
  return value === null ? missing : `${formatNumber(value)} ${unit}`;
}

export interface LineFacts {
  ordered: number;
  left: number | null;
  /** undefined: the kitchen's row is not shown (before it confirms). */
  received?: number | null;
  unit: string;
  driver: string | null;
  kitchen: string | null;
}

/** Ordered / the driver left / the kitchen received, side by side. */
export function quantityGrid(facts: LineFacts): HTMLElement {
  const cell = (label: string, value: string, id: string) =>
    h("div", { class: "qty-cell", "data-testid": `qty-${id}` }, h("dt", {}, label), h("dd", {}, value));
  return h(
    "dl",
    { class: "qty-grid" },
    cell(t("deviation.ordered"), amount(facts.ordered, facts.unit, t("deviation.none")), "ordered"),
    cell(t("deviation.left"), amount(facts.left, facts.unit, t("deviation.noProof")), "left"),
    facts.received === undefined ? null : cell(t("deviation.received"), amount(facts.received, facts.unit, t("deviation.notConfirmed")), "received"),
  );
}

/** "Föraren: Skadad · Köket: –": each side's own deviation, as that side reported it. */
export function sides(driver: string | null, kitchen: string | null, showKitchen = true): HTMLElement {
  const side = (key: "deviation.driver_side" | "deviation.kitchen_side", code: string | null, id: string) =>
    h("span", { class: `dev-side${code ? " dev-side-set" : ""}`, "data-testid": id }, t(key, { code: deviationWord(code) }));
  return h(
    "p",
    { class: "dev-sides" },
    side("deviation.driver_side", driver, "driver-side"),
    showKitchen ? side("deviation.kitchen_side", kitchen, "kitchen-side") : null,
  );
}

/** The kitchen received another quantity than the driver left: a fact of its own. */
export function disagrees(left: number | null, received: number | null): boolean {
  return left !== null && received !== null && Math.abs(left - received) > 1e-9;
}

// --- the coordinator's list ------------------------------------------------------------------

export interface DeviationActions {
  /** Mark as handled; resolves with the handled deviation, rejects with the server's error. */
  resolve(id: number, note: string): Promise<DeviationRecord>;
  /** Open again; resolves with the open deviation. */
  reopen(id: number): Promise<DeviationRecord>;
  /** Recently handled deviations (latest first). */
  handled(): Promise<DeviationRecord[]>;
  /** The page around the list should redraw (counts, "nothing to handle"). */
  redraw(): void;
}

interface ItemState {
  editing: boolean;
  note: string;
  error: string | null;
  busy: boolean;
}

const items = new Map<number, ItemState>();
const panelState = {
  recent: [] as DeviationRecord[], // handled on this page, shown with "undo"
  showHandled: false,
  handled: null as DeviationRecord[] | null,
  handledError: null as unknown,
  actionError: null as string | null,
};
let panel: HTMLElement | null = null;
let lastOpen: DeviationRecord[] = [];
let lastActions: DeviationActions | null = null;

function itemState(id: number): ItemState {
  let found = items.get(id);
  if (!found) {
    found = { editing: false, note: "", error: null, busy: false };
    items.set(id, found);
  }
  return found;
}

function followLine(orderLineId: number): HTMLElement {
  const note = h("span", { class: "muted", "aria-live": "polite" });
  const open = () => {
    note.textContent = "";
    openPdf(`/order-lines/${orderLineId}/timeline.pdf`, `samlast-vag-${orderLineId}.pdf`).catch((error: unknown) => {
      note.textContent = errorMessage(error);
    });
  };
  return h("p", { class: "dev-follow" },
    h("button", { type: "button", class: "button button-small button-secondary", "data-testid": "deviation-follow", onclick: open }, t("kitchen.line.follow")),
    note);
}

function facts(deviation: DeviationRecord): HTMLElement[] {
  if (deviation.found_at_terminal) {
    // Found at goods in: the supplier's side, no driver or kitchen yet.
    return [h("p", { class: "dev-title" }, h("strong", {}, deviation.article), ` – ${deviation.code_text}`),
      h("p", { "data-testid": "deviation-description" }, deviation.description)];
  }
  if (!deviation.structured) {
    // An old row: only the sentence the server stored then.
    return [h("p", { class: "dev-title" }, deviation.code_text), h("p", { class: "dev-legacy" }, deviation.description)];
  }
  return [
    h("p", { class: "dev-title" }, h("strong", {}, deviation.article), ` – ${deviation.code_text}`),
    quantityGrid({
      ordered: deviation.ordered ?? 0,
      left: deviation.delivered,
      received: deviation.received,
      unit: deviation.unit,
      driver: deviation.driver_code,
      kitchen: deviation.kitchen_code,
    }),
    sides(deviation.driver_code, deviation.kitchen_code),
    deviation.note ? h("p", { class: "dev-note" }, t("deviation.kitchen_note", { note: deviation.note })) : null,
  ].filter((part): part is HTMLElement => part !== null);
}

function steps(deviation: DeviationRecord): HTMLElement | null {
  if (!deviation.actions.length) return null;
  return h(
    "ul",
    { class: "dev-steps", "aria-label": t("deviation.steps") },
    deviation.actions.map((step) =>
      h(
        "li",
        {},
        step.action === "resolved"
          ? t("deviation.resolvedBy", { name: step.by_name, time: formatDateTime(step.at), note: step.note })
          : t(step.note ? "deviation.reopenedByNote" : "deviation.reopenedBy", { name: step.by_name, time: formatDateTime(step.at), note: step.note }),
      ),
    ),
  );
}

function head(deviation: DeviationRecord): HTMLElement[] {
  const reported = deviation.reported_by;
  return [
    h("p", { class: "dev-where" }, h("strong", {}, deviation.delivery_point_name), ` · ${dayLabel(deviation.plan_date)}`),
    ...facts(deviation),
    reported
      ? h("p", { class: "dev-reported" }, t("deviation.reportedBy", { name: reported.name || t("deviation.noName"), account: reported.account, time: formatDateTime(reported.at) }))
      : null,
    deviation.order_line_id ? followLine(deviation.order_line_id) : null,
  ].filter((part): part is HTMLElement => part !== null);
}

async function submitResolve(deviation: DeviationRecord, state: ItemState, actions: DeviationActions): Promise<void> {
  if (!state.note.trim()) {
    state.error = t("field.resolution_note_required");
    render();
    panel?.querySelector<HTMLElement>(`#dev-note-${deviation.id}`)?.focus();
    return;
  }
  state.busy = true;
  state.error = null;
  render();
  try {
    const handled = await actions.resolve(deviation.id, state.note.trim());
    items.delete(deviation.id);
    panelState.recent = [handled, ...panelState.recent.filter((d) => d.id !== handled.id)];
    panelState.handled = null; // stale: fetched again when shown
  } catch (error) {
    state.busy = false;
    const field = error instanceof ApiError ? (error.fields as Record<string, string[]>).note?.[0] : undefined;
    state.error = field ?? errorMessage(error);
  }
  render();
  actions.redraw();
}

async function submitReopen(deviation: DeviationRecord, actions: DeviationActions): Promise<void> {
  panelState.actionError = null;
  try {
    await actions.reopen(deviation.id);
    panelState.recent = panelState.recent.filter((d) => d.id !== deviation.id);
    if (panelState.handled) panelState.handled = panelState.handled.filter((d) => d.id !== deviation.id);
  } catch (error) {
    panelState.actionError = errorMessage(error);
  }
  render();
  actions.redraw();
}

function resolveForm(deviation: DeviationRecord, state: ItemState, actions: DeviationActions): HTMLElement {
  const id = `dev-note-${deviation.id}`;
  if (!state.editing) {
    return h(
      "button",
      {
        type: "button",
        class: "button button-small",
        "data-testid": "deviation-resolve",
        onclick: () => {
          state.editing = true;
          render();
          panel?.querySelector<HTMLElement>(`#${id}`)?.focus();
        },
      },
      t("deviation.resolve"),
    );
  }
  return h(
    "form",
    {
      class: "dev-resolve",
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        void submitResolve(deviation, state, actions);
      },
    },
    h("label", { for: id }, t("deviation.resolveNote")),
    h("p", { class: "dev-hint", id: `${id}-hint` }, t("deviation.resolveHint")),
    h(
      "textarea",
      {
        id,
        rows: 3,
        maxlength: 2000,
        "data-testid": "deviation-note",
        "aria-invalid": state.error ? "true" : null,
        "aria-describedby": state.error ? `${id}-hint ${id}-error` : `${id}-hint`,
        oninput: (event: Event) => {
          const field = event.target as HTMLTextAreaElement;
          state.note = field.value;
          if (state.error && state.note.trim()) {
            // Written now: the "write a note" message no longer applies (no redraw while typing).
            state.error = null;
            field.removeAttribute("aria-invalid");
            field.closest("form")?.querySelector(".field-error")?.remove();
          }
        },
      },
      state.note,
    ),
    state.error ? h("p", { class: "field-error", id: `${id}-error`, role: "alert" }, state.error) : null,
    h(
      "div",
      { class: "dev-buttons" },
      h("button", { type: "submit", class: "button button-primary button-small", disabled: state.busy, "data-testid": "deviation-resolve-save" }, t("deviation.resolveSave")),
      h(
        "button",
        {
          type: "button",
          class: "button button-small",
          onclick: () => {
            items.delete(deviation.id);
            render();
          },
        },
        t("deviation.resolveCancel"),
      ),
    ),
  );
}

function openItem(deviation: DeviationRecord, actions: DeviationActions): HTMLElement {
  const state = itemState(deviation.id);
  return h(
    "li",
    { class: "dev-item", "data-testid": "deviation", "data-id": deviation.id, "data-code": deviation.code },
    head(deviation),
    steps(deviation),
    resolveForm(deviation, state, actions),
  );
}

function handledItem(deviation: DeviationRecord, actions: DeviationActions): HTMLElement {
  return h(
    "li",
    { class: "dev-item dev-handled", "data-testid": "deviation-handled", "data-id": deviation.id },
    head(deviation),
    deviation.actions.length
      ? steps(deviation)
      : h("p", { class: "dev-resolution" }, t("deviation.resolvedAt", { time: deviation.resolved_at ? formatDateTime(deviation.resolved_at) : t("deviation.none") })),
    h(
      "button",
      { type: "button", class: "button button-small", "data-testid": "deviation-reopen", onclick: () => void submitReopen(deviation, actions) },
      t("deviation.reopen"),
    ),
  );
}

function toggleHandled(actions: DeviationActions): void {
  panelState.showHandled = !panelState.showHandled;
  if (panelState.showHandled) {
    panelState.handledError = null;
    actions
      .handled()
      .then((list) => {
        panelState.handled = list;
      })
      .catch((error: unknown) => {
        panelState.handledError = error;
      })
      .finally(render);
  }
  render();
}

function render(): void {
  const actions = lastActions;
  if (!panel || !actions) return;
  const openIds = new Set(lastOpen.map((d) => d.id));
  const recent = panelState.recent.filter((d) => !openIds.has(d.id));
  const olderHandled = (panelState.handled ?? []).filter((d) => !openIds.has(d.id) && !recent.some((r) => r.id === d.id));
  const parts: (HTMLElement | null)[] = [
      lastOpen.length ? h("h4", { class: "dev-heading" }, t("deviation.openTitle", { n: lastOpen.length })) : null,
      panelState.actionError ? h("p", { class: "alert alert-error", role: "alert" }, panelState.actionError) : null,
      lastOpen.length ? h("ul", { class: "dev-list" }, lastOpen.map((d) => openItem(d, actions))) : null,
      recent.length ? h("ul", { class: "dev-list", "aria-label": t("deviation.handledTitle") }, recent.map((d) => handledItem(d, actions))) : null,
      h(
        "button",
        { type: "button", class: "button button-small button-link", "aria-expanded": String(panelState.showHandled), "data-testid": "deviation-show-handled", onclick: () => toggleHandled(actions) },
        t(panelState.showHandled ? "deviation.hideHandled" : "deviation.showHandled"),
      ),
      panelState.showHandled
        ? panelState.handledError
          ? h("p", { class: "alert alert-error", role: "alert" }, errorMessage(panelState.handledError))
          : panelState.handled === null
            ? h("p", { role: "status" }, t("common.loading"))
            : olderHandled.length
              ? h("ul", { class: "dev-list", "aria-label": t("deviation.handledTitle") }, olderHandled.map((d) => handledItem(d, actions)))
              : recent.length
                ? null
                : h("p", { class: "muted" }, t("deviation.noneHandled"))
        : null,
  ];
  panel.replaceChildren(...parts.filter((part): part is HTMLElement => part !== null));
}

function signature(open: DeviationRecord[]): string {
  return open.map((d) => `${d.id}:${d.status}:${d.actions.length}`).join(",");
}

/**
 * The deviations to handle, and the ones handled on this page with "undo". The same element is
 * returned on every call (its content is redrawn only when the list changes), so a note being
 * typed survives the page redrawing around it (live positions, ETAs).
 */
export function deviationList(open: DeviationRecord[], actions: DeviationActions): HTMLElement {
  const changed = !panel || signature(open) !== signature(lastOpen);
  lastOpen = open;
  lastActions = actions;
  if (!panel) panel = h("div", { class: "dev-panel", "data-testid": "deviations" });
  const giveKeyboardBack = keepTyping(panel);
  if (changed) render();
  // Moving the panel into the redrawn page takes the focus away: give it back once it is there.
  queueMicrotask(giveKeyboardBack);
  return panel;
}
