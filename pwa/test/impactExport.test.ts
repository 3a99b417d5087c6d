import { afterEach, describe, expect, it } from "vitest";
import type { Figures, ImpactReport, ImpactResult } from "../src/coordinator/api";
import { isoWeek, mondayOf, patternName, reportCsv } from "../src/coordinator/export";
import { setLocale } from "../src/i18n";

const figures = (deliveries: number, km: number): Figures => ({
  deliveries,
  buildings: 2,
  deliveries_per_building: deliveries / 2,
  vehicle_km: km,
  heavy_vehicle_visits_schools_preschools: 1,
  co2e_kg: km * 0.8,
  cost_sek: km * 27.25,
  vehicle_hours: 3.5,
  kg: 400,
  local_kg: 100,
  local_share: 0.25,
  deliveries_outside_window: 0,
  fallback_trips: 0,
});

const scenario = (deliveries: number, km: number, weeks: string[]) => ({
  total: figures(deliveries, km),
  per_week: figures(deliveries, km),
  by_week: Object.fromEntries(weeks.map((w) => [w, figures(deliveries, km)])),
  by_municipality: { Eslöv: figures(deliveries, km), Hörby: figures(1, 10.5) },
  by_municipality_per_week: { Eslöv: figures(deliveries, km), Hörby: figures(1, 10.5) },
});

const RESULT: ImpactResult = {
  horizon: { start: "2026-11-30", end: "2026-12-13", weeks: ["2026-11-30", "2026-12-07"], weeks_with_orders: ["2026-11-30"] },
  inputs: { municipalities: ["Eslöv", "Hörby"], delivery_points: 3, suppliers: 2, local_producers: 1, orders: 7, fleet_vehicles: 2 },
  primary_pattern: "fixed_2_per_week",
  comparison: {
    deliveries: { free_delivery: 4, coordinated: 3, change: -0.25 },
    vehicle_km: { free_delivery: 1234.5, coordinated: 987.25, change: -0.2003 },
    local_share: { free_delivery: 0.25, coordinated: 0.25, change: 0 },
  },
  baseline: scenario(4, 1234.5, ["2026-11-30", "2026-12-07"]),
  coordinated: scenario(3, 987.25, ["2026-11-23", "2026-11-30", "2026-12-07"]),
  moved_before_period: { deliveries: 1, orders: 2, kg: 200, dates: ["2026-11-27"] },
  cost_split: {
    pattern: "fixed_2_per_week",
    players: ["Eslöv", "Hörby"],
    total_cost: 120,
    sum_of_standalone_costs: 200,
    table: [
      { municipality: "Eslöv", standalone_cost: 80, per_delivery: 80, per_kg: 90.5, per_standalone_km: 48, shapley: 40, pays_more_than_alone: ["per_kg"] },
      { municipality: "Hörby", standalone_cost: 120, per_delivery: 40, per_kg: 29.5, per_standalone_km: 72, shapley: 80, pays_more_than_alone: [] },
    ],
  },
};

const REPORT = { id: "r1", name: "Vecka 49", date_from: "2026-11-30", date_to: "2026-12-13" } as ImpactReport;

afterEach(() => setLocale("sv"));

describe("the impact CSV", () => {
  it("opens in Swedish Excel: BOM, semicolons, decimal commas, Swedish labels, no raw keys", () => {
    setLocale("sv");
    const csv = reportCsv(REPORT, RESULT);
    expect(csv.startsWith("\ufeff")).toBe(true);
    const rows = csv.slice(1).trimEnd().split("\r\n").map((line) => line.split(";"));
    const row = (label: string) => rows.find((r) => r[0] === label);
    expect(row("Körda kilometer")).toEqual(["Körda kilometer", "1234,5", "987,25", "-20"]);
    expect(row("Andel från lokala producenter, % av kg")).toEqual(["Andel från lokala producenter, % av kg", "25", "25", ""]);
    expect(row("Leveranser före periodens början")?.[2]).toBe("1");
    expect(row("Samordnat leveransdagsmönster")?.[1]).toBe("två fasta leveransdagar i veckan");
    expect(rows.some((r) => r[0] === "v. 48 (2026-11-23), före perioden")).toBe(true);
    expect(row("Eslöv")?.[1]).toBe("Fria leveranser (i dag)");
    expect(rows).toContainEqual(["Kommun", "Ensam", "Per leverans", "Per kg", "Per km ensam", "Shapley", "Betalar mer än ensam med"]);
    expect(row("Eslöv")).toBeDefined();
    expect(rows.find((r) => r[0] === "Eslöv" && r.length === 7)?.[6]).toBe("Per kg");
    for (const raw of ["deliveries", "vehicle_km", "co2e_kg", "cost_sek", "local_share", "baseline", "coordinated", "fixed_2_per_week", "per_kg", "per_standalone_km"]) {
      expect(csv).not.toContain(raw);
    }
  });

  it("has a column for the nucleolus and the equal-profit split when the report has them", () => {
    setLocale("sv");
    const table = RESULT.cost_split.table.map((r, i) => ({ ...r, nucleolus: 50 + i * 10, equal_profit: 45 + i * 20 }));
    const csv = reportCsv(REPORT, { ...RESULT, cost_split: { ...RESULT.cost_split, table } });
    const rows = csv.slice(1).trimEnd().split("\r\n").map((line) => line.split(";"));
    expect(rows).toContainEqual(["Kommun", "Ensam", "Per leverans", "Per kg", "Per km ensam", "Shapley", "Nukleolus", "Lika vinst", "Betalar mer än ensam med"]);
    expect(rows.find((r) => r[0] === "Hörby" && r.length === 9)?.slice(6, 8)).toEqual(["60", "65"]);
  });

  it("is written with commas and points in English", () => {
    setLocale("en");
    const csv = reportCsv(REPORT, RESULT);
    expect(csv).toContain("Vehicle kilometres,1234.5,987.25,-20");
    expect(csv).toContain("two fixed delivery days a week");
    expect(csv).not.toContain(";");
  });
});

describe("weeks and patterns", () => {
  it.each([
    ["2026-11-30", 49],
    ["2026-11-23", 48],
    ["2025-12-29", 1],
    ["2027-01-03", 53],
    ["2027-01-04", 1],
  ])("%s is in ISO week %d", (day, week) => {
    expect(isoWeek(day)).toBe(week);
  });

  it("finds the Monday of a week and names patterns in words", () => {
    expect(mondayOf("2026-12-03")).toBe("2026-11-30");
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
    expect(patternName("by_kind_3_2_1")).toBe("fasta dagar efter verksamhet (kök 3, förskola 2, övrigt 1 per vecka)");
    expect(patternName("no_such_pattern")).toBe("");
  });
});

describe("chart axis ticks", () => {
  it("writes a half step with its decimal instead of rounding it to the neighbour", async () => {
    const { tick } = await import("../src/coordinator/charts");
    setLocale("sv");
    const whole = (v: number) => String(Math.round(v));
    expect([0, 0.5, 1, 1.5, 2].map((v) => tick(v, whole))).toEqual(["0", "0,5", "1", "1,5", "2"]);
  });
});
