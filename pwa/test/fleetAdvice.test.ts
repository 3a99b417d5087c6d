import { afterEach, describe, expect, it } from "vitest";
import type { FleetAdviceResult, FleetOption } from "../src/coordinator/api";
import { adviceHeadline } from "../src/coordinator/fleet";
import { setLocale } from "../src/i18n";

const own = (name: string, start = "05:30") => ({ name, like: null, start, end: "14:30" });
const like = (name: string, start = "06:00") => ({ name, like: name, start, end: "14:00" });
const fleet = (size: number, vehicles: FleetOption["vehicles"], unassigned: number, km: number, cost: number): FleetOption => ({
  size, vehicles, unassigned, km, cost, trips: size, vehicles_used: size,
});

const base: FleetAdviceResult = {
  current: 2, needed: 3, max_size: 6, lower_bound: 1, solves: 4, learned: true, fewer: 2, enough: 3, more: 4,
  options: [
    fleet(2, [own("Lastbil HVO 1"), own("Ellastbil 1", "06:00")], 2, 221.6, 9996),
    fleet(3, [own("Lastbil HVO 1"), own("Ellastbil 1", "06:00"), like("Ellastbil 1")], 0, 259.8, 11240.4),
  ],
  binding: [{ job_key: "dp:1", label: "Bergaskolan", windows: [["06:30", "07:00"]] }],
  unservable: [],
};

afterEach(() => setLocale("sv"));

describe("the fleet advice in words", () => {
  it("names the one vehicle to add, its start and what it adds", () => {
    setLocale("sv");
    expect(adviceHeadline(base, 2)).toBe(
      "2 stopp utan fordon. Med ett fordon till av samma slag som Ellastbil 1 (från 06:00) körs alla stopp: +38 km och +1\u00a0244 kr för dagen.",
    );
    setLocale("en");
    expect(adviceHeadline(base, 1)).toBe(
      "One stop without a vehicle. With one more vehicle like Ellastbil 1 (from 06:00) every stop is served: +38 km and +1,244 SEK for the day.",
    );
  });

  it("counts several added vehicles of a kind and says when fewer kilometres come of it", () => {
    const two: FleetAdviceResult = {
      ...base, needed: 4, enough: 4, fewer: 3, more: null,
      options: [base.options[0]!, fleet(4, [...base.options[0]!.vehicles, like("Ellastbil 1"), like("Ellastbil 1")], 0, 210.2, 12000)],
    };
    setLocale("sv");
    expect(adviceHeadline(two, 5)).toBe(
      "5 stopp utan fordon. Med 2 fordon till (2 × av samma slag som Ellastbil 1 från 06:00) körs alla stopp: −11 km och +2\u00a0004 kr för dagen.",
    );
  });

  it("says when the vehicles at hand already suffice or when no number does", () => {
    setLocale("sv");
    expect(adviceHeadline({ ...base, needed: 2, enough: 2, fewer: 1 }, 3)).toBe(
      "3 stopp utan fordon. När fordonsbehovet räknades ut körde 2 av dagens 2 fordon alla stopp: planera om från början.",
    );
    expect(adviceHeadline({ ...base, needed: null, enough: null, fewer: null, more: null }, 3)).toBe(
      "3 stopp utan fordon. Inte ens 4 fordon till kör alla stopp; skälet står vid varje stopp nedan.",
    );
  });
});
