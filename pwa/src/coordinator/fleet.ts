// Fleet advice beside the unassigned stops: when the plan leaves stops without a vehicle, how
// many vehicles serve every stop in its window (worked out by the server with the learned times,
// services/fleet_advice.py), what one more or one fewer does, and which stops need the extra one.
import { serverText, t } from "../i18n";
import { errorBox, formatNumber } from "../ui/components";
import { h } from "../ui/dom";
import * as api from "./api";
import type { FleetAdviceResult, FleetAdviceRun, FleetOption, Plan } from "./api";

/** Stops the plan left out for want of a vehicle's room or time: the ones more vehicles can take. */
export function stopsWithoutVehicle(plan: Plan): number {
  return plan.unassigned.filter((job) => job.reason === "no_capacity_or_time_left").length;
}

/** "+38" or "−3" (a real minus), rounded to whole units. */
function signed(value: number): string {
  const whole = Math.round(value);
  return `${whole < 0 ? "−" : "+"}${formatNumber(Math.abs(whole))}`;
}

function option(result: FleetAdviceResult, size: number | null): FleetOption | undefined {
  return size === null ? undefined : result.options.find((o) => o.size === size);
}

/** "som Ellastbil 1 från 06:00, 2 × som Lastbil HVO 1 från 05:30" for the vehicles added. */
function addedList(added: FleetOption["vehicles"]): string {
  const counts = new Map<string, number>();
  for (const vehicle of added) {
    const text = t("coordinator.fleet.like", { vehicle: vehicle.like ?? vehicle.name, start: vehicle.start });
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts].map(([text, n]) => (n > 1 ? `${n} × ${text}` : text)).join(", ");
}

/** The advice in one or two sentences, for `stops` stops left without a vehicle in the plan. */
export function adviceHeadline(result: FleetAdviceResult, stops: number): string {
  const lead = stops === 1 ? t("coordinator.fleet.leadOne") : t("coordinator.fleet.lead", { n: stops });
  const needed = result.needed;
  if (needed === null) return `${lead} ${t("coordinator.fleet.notEnough", { extra: result.max_size - result.current })}`;
  if (needed <= result.current) {
    return `${lead} ${t("coordinator.fleet.enoughAtHand", { needed, current: result.current })}`;
  }
  const enough = option(result, needed);
  const now = option(result, result.current);
  if (!enough) return lead;
  const added = enough.vehicles.filter((v) => v.like !== null);
  const km = signed(enough.km - (now?.km ?? 0));
  const cost = signed(enough.cost - (now?.cost ?? 0));
  if (added.length === 1) {
    const [vehicle] = added;
    return `${lead} ${t("coordinator.fleet.addOne", { vehicle: vehicle!.like ?? vehicle!.name, start: vehicle!.start, km, cost })}`;
  }
  return `${lead} ${t("coordinator.fleet.addMany", { extra: added.length, vehicles: addedList(added), km, cost })}`;
}

const BINDING_SHOWN = 8;

function bindingList(result: FleetAdviceResult): HTMLElement | null {
  if (result.needed === null || result.fewer === null || !result.binding.length) return null;
  const shown = result.binding.slice(0, BINDING_SHOWN);
  const rest = result.binding.length - shown.length;
  return h(
    "div",
    { "data-testid": "fleet-binding" },
    h("p", {}, t("coordinator.fleet.binding", { needed: result.needed, fewer: result.fewer })),
    h(
      "ul",
      { class: "clist" },
      shown.map((stop) =>
        h("li", {}, h("span", {}, h("strong", {}, stop.label), " ", stop.windows.map(([a, b]) => `${a}–${b}`).join(", ") || t("common.none"))),
      ),
      rest > 0 ? h("li", { class: "muted" }, t("coordinator.fleet.bindingMore", { n: rest })) : null,
    ),
  );
}

function optionsTable(result: FleetAdviceResult): HTMLElement {
  const sizes = [...new Set([result.current, result.fewer, result.enough, result.more])]
    .filter((size): size is number => size !== null && option(result, size) !== undefined)
    .sort((a, b) => a - b);
  const label = (size: number) => {
    const used = option(result, size)!.vehicles_used;
    const marks = [
      size === result.current ? t("coordinator.fleet.today") : null,
      size === result.needed ? t("coordinator.fleet.needed") : null,
      // A fleet whose plan leaves a vehicle at the terminal: say so, its figures are those of fewer.
      used < size ? t("coordinator.fleet.used", { n: used }) : null,
    ].filter(Boolean);
    return marks.length ? `${t("coordinator.fleet.size", { n: size })} (${marks.join(", ")})` : t("coordinator.fleet.size", { n: size });
  };
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "ctable", "data-testid": "fleet-options" },
      h("caption", { class: "small" }, t("coordinator.fleet.caption")),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, t("coordinator.fleet.vehicles")),
          h("th", { scope: "col" }, t("coordinator.fleet.withoutVehicle")),
          h("th", { scope: "col" }, t("coordinator.fleet.trips")),
          h("th", { scope: "col" }, t("coordinator.fleet.km")),
          h("th", { scope: "col" }, t("coordinator.fleet.cost")),
        ),
      ),
      h(
        "tbody",
        {},
        sizes.map((size) => {
          const o = option(result, size)!;
          return h(
            "tr",
            { "data-testid": "fleet-option", "data-size": size, class: size === result.needed ? "fleet-needed" : "" },
            h("th", { scope: "row" }, label(size)),
            // data-label: the column's name beside the value when a narrow card stacks the row.
            h("td", { "data-label": t("coordinator.fleet.withoutVehicle") }, String(o.unassigned)),
            h("td", { "data-label": t("coordinator.fleet.trips") }, String(o.trips)),
            h("td", { "data-label": t("coordinator.fleet.km") }, formatNumber(Math.round(o.km))),
            h("td", { "data-label": t("coordinator.fleet.cost") }, formatNumber(Math.round(o.cost))),
          );
        }),
      ),
    ),
  );
}

function resultBlock(result: FleetAdviceResult, stops: number): HTMLElement[] {
  return [
    h("p", { "data-testid": "fleet-headline" }, h("strong", {}, adviceHeadline(result, stops))),
    bindingList(result),
    result.unservable.length ? h("p", { class: "small" }, t("coordinator.fleet.unservable", { n: result.unservable.length })) : null,
    optionsTable(result),
    h("p", { class: "small muted" }, t(result.learned ? "coordinator.fleet.learned" : "coordinator.fleet.defaults")),
  ].filter((part): part is HTMLElement => part !== null);
}

/** Follows the advice of the plan shown: asks for it when stops are left without a vehicle, polls until done. */
export class FleetAdviceView {
  private run: FleetAdviceRun | null = null;
  private error: unknown = null;
  private planId: number | null = null;
  private day = "";
  private timer: number | undefined;

  constructor(private readonly redraw: () => void) {}

  /** Called with every plan loaded (null: none); asks the server only for a new plan version. */
  async follow(day: string, plan: Plan | null): Promise<void> {
    if (!plan || stopsWithoutVehicle(plan) === 0) {
      this.reset(plan?.id ?? null, day);
      return;
    }
    if (plan.id === this.planId && day === this.day && (this.run || this.error)) return;
    this.reset(plan.id, day);
    try {
      const latest = await api.latestFleetAdvice(day);
      if (this.planId !== plan.id) return;
      this.run = latest && latest.plan_id === plan.id ? latest : await api.requestFleetAdvice(day);
    } catch (error) {
      if (this.planId !== plan.id) return;
      this.error = error;
    }
    this.redraw();
    this.poll();
  }

  private reset(planId: number | null, day: string): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    this.run = null;
    this.error = null;
    this.planId = planId;
    this.day = day;
  }

  private poll(): void {
    const run = this.run;
    if (!run || (run.status !== "queued" && run.status !== "running")) return;
    const planId = this.planId;
    this.timer = window.setTimeout(async () => {
      try {
        const next = await api.fleetAdvice(run.id);
        if (this.planId !== planId) return;
        this.run = next;
        this.redraw();
      } catch {
        // offline for a moment: try again
      }
      if (this.planId === planId) this.poll();
    }, 1_000);
  }

  private async retry(): Promise<void> {
    const day = this.day;
    const planId = this.planId;
    this.error = null;
    try {
      this.run = await api.requestFleetAdvice(day);
    } catch (error) {
      this.error = error;
    }
    if (this.planId !== planId) return;
    this.redraw();
    this.poll();
  }

  /** The card, or null when the plan leaves no stop without a vehicle. */
  render(plan: Plan): HTMLElement | null {
    const stops = stopsWithoutVehicle(plan);
    if (!stops || plan.id !== this.planId) return null;
    const run = this.run;
    let body: (HTMLElement | null)[];
    if (this.error) {
      body = [errorBox(this.error, () => void this.retry())];
    } else if (!run || run.status === "queued" || run.status === "running") {
      const pct = Math.round((run?.progress ?? 0) * 100);
      body = [
        h(
          "div",
          { class: "progress-block", role: "status", "data-testid": "fleet-progress" },
          h("label", { for: "fleet-progress-bar" }, t("coordinator.fleet.working", { pct })),
          h("progress", { id: "fleet-progress-bar", max: 100, value: pct }),
          run?.message ? h("p", { class: "small" }, serverText(run)) : null,
        ),
      ];
    } else if (run.status === "failed" || !run.result) {
      body = [
        h("p", { class: "alert alert-error", role: "alert" }, serverText(run)),
        h("button", { type: "button", class: "button button-small", onclick: () => void this.retry() }, t("coordinator.fleet.retry")),
      ];
    } else {
      body = resultBlock(run.result, stops);
    }
    return h("section", { class: "card cfleet", "data-testid": "fleet-advice", "aria-live": "polite" }, h("h3", {}, t("coordinator.fleet.title")), body);
  }
}
