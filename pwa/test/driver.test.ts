import { afterEach, describe, expect, it } from "vitest";
import { dayChange, isEmptyChange, tripName } from "../src/driver/changes";
import { flagReason, handedLines, inputNumber, receiptFileName, routeTimes, stopName, stopTimes, tripNumber } from "../src/driver/present";
import { buildProof, newDraft, quantityError, temperatureError } from "../src/driver/proofdata";
import type { DriverLine, DriverRoute, DriverStop } from "../src/driver/types";
import { setLocale } from "../src/i18n";
import { parseDecimal } from "../src/util/numbers";

function line(id: number, quantity: number, unit = "säck", temperature_class: DriverLine["temperature_class"] = "ambient"): DriverLine {
  return {
    order_line_id: id,
    order_id: 1,
    order_external_id: "D-1",
    supplier_name: "Grossisten AB",
    article: `Vara ${id}`,
    quantity,
    terminal_quantity: null,
    from_stock: false,
    unit,
    weight_kg: 10,
    pallet_places: 0.1,
    temperature_class,
  };
}

function stop(key: string, sequence: number, name: string | null = key, extra: Partial<DriverStop> = {}): DriverStop {
  return {
    id: sequence,
    sequence,
    job_key: key,
    kind: "delivery",
    status: "planned",
    lat: 55.8,
    lon: 13.3,
    planned_arrival: "2026-12-07T08:00:00+01:00",
    planned_departure: "2026-12-07T08:10:00+01:00",
    time_windows: [],
    place: name === null ? {} : { name },
    lines: [],
    ...extra,
  };
}

function route(stops: DriverStop[], trip = 0): DriverRoute {
  return {
    id: 1 + trip,
    plan_date: "2026-12-07",
    plan_version: 1,
    version: 1,
    vehicle_name: "Lastbil 1",
    trip,
    planned_start: "2026-12-07T06:00:00+01:00",
    planned_end: "2026-12-07T12:00:00+01:00",
    distance_m: 1000,
    terminal: { name: "Terminal", lat: 55.8, lon: 13.3 },
    breaks: [],
    ride_along: [],
    stops,
  };
}

afterEach(() => setLocale("sv"));

describe("trips and times as the driver reads them", () => {
  it("numbers trips from 1, as the coordinator does", () => {
    expect(tripNumber({ trip: 0 })).toBe(1);
    expect(tripName(route([], 0))).toBe("Lastbil 1, tur 1");
    expect(tripName(route([], 1))).toBe("Lastbil 1, tur 2");
  });

  it("labels every time, in Stockholm's zone on a device set to UTC", () => {
    const planned = stop("dp:1", 1, "Bergaskolan kök", { planned_arrival: "2026-12-07T06:13:00+00:00", time_windows: [["06:30", "10:30"]] });
    expect(stopTimes(planned)).toBe("Planerad 07:13 · Fönster 06:30–10:30");
    expect(stopTimes(planned, true)).toBe("Planerad ankomst 07:13 · Fönster 06:30–10:30");
    expect(stopTimes(stop("dp:2", 2))).toBe("Planerad 08:00 · Inget tidsfönster");
    expect(routeTimes({ planned_start: "2026-12-07T05:47:00Z", planned_end: "2026-12-07T10:44:00Z" })).toEqual(["Start 06:47", "Åter 11:44"]);
    setLocale("en");
    expect(stopTimes(planned)).toBe("Planned 07:13 · Window 06:30–10:30");
  });

  it("names a stop by its place, never by its job key", () => {
    expect(stopName(stop("dp:7", 3, "Ljungbacka"))).toBe("Ljungbacka");
    expect(stopName(stop("dp:7", 3, null))).toBe("Stopp 3");
    expect(receiptFileName(stop("dp:7", 3, "Förskolan Ekorren/Kävlinge"))).toBe("kvitto-Forskolan-Ekorren-Kavlinge.pdf");
  });
});

describe("numbers typed in the proof", () => {
  it("puts a quantity into the field the Swedish way, and reads it back unchanged", () => {
    expect(inputNumber(6.5)).toBe("6,5");
    expect(inputNumber(1500)).toBe("1500");
    expect(inputNumber(0.125)).toBe("0,125");
    for (const value of [6.5, 1500, 0.125, 40]) expect(parseDecimal(inputNumber(value))).toBe(value);
  });

  it("accepts a decimal comma and refuses words, with the text in the message", () => {
    expect(quantityError("0,5")).toBeNull();
    expect(quantityError("fyra")).toBe("”fyra” är inte ett antal. Skriv med siffror, t.ex. 4 eller 0,5.");
    expect(quantityError("")).toBe("Skriv ett antal (0 om inget).");
    expect(quantityError("-1")).not.toBeNull();
    expect(temperatureError("")).toBeNull();
    expect(temperatureError("−18,5")).toBeNull();
    expect(temperatureError("kallt")).toContain("”kallt” är inte en temperatur");
    expect(temperatureError("55")).toBe("Temperaturen ska vara mellan −40 och 40 °C.");
  });

  it("sends 0,5 as 0.5 and −18,5 as −18.5", () => {
    const planned = stop("dp:1", 1, "Bergaskolan kök", { lines: [line(1, 10, "kartong", "frozen"), line(2, 5)] });
    const draft = newDraft(planned);
    expect(draft.lines.get(2)!.delivered).toBe("5");
    draft.deviation = "nobody_there"; // nobody signs: no canvas needed here
    draft.lines.get(1)!.temperature = "−18,5";
    draft.lines.get(2)!.delivered = "0,5";
    const proof = buildProof(planned, draft);
    expect(proof).not.toBeNull();
    expect(proof!.lines.find((l) => l.order_line_id === 1)!.temperature_c).toBe(-18.5);
    draft.deviation = "";
    draft.receiver = "Kim";
    draft.lines.get(2)!.delivered = "fem";
    expect(buildProof(planned, draft)).toBeNull();
    expect(draft.errors["line-2"]).toContain("”fem”");
  });

  it("starts from what arrived at the terminal when goods in found the line short", () => {
    const short = { ...line(1, 40, "liter", "chilled"), terminal_quantity: 10 };
    const draft = newDraft(stop("dp:1", 1, "Bergaskolan kök", { lines: [short, line(2, 5)] }));
    expect(draft.lines.get(1)!.delivered).toBe("10");
    expect(draft.lines.get(2)!.delivered).toBe("5");
  });
});

describe("what was handed over", () => {
  it("shows what the proof left per line, the shortfall and any other deviation", () => {
    const planned = stop("dp:1", 1, "Bergaskolan kök", { lines: [line(1, 5), line(2, 40, "liter"), line(3, 10)] });
    const lines = handedLines(planned, {
      deviation: null,
      lines: [
        { order_line_id: 1, delivered_quantity: 4, deviation: "missing" },
        { order_line_id: 2, delivered_quantity: 40, deviation: "damaged" },
        { order_line_id: 3, delivered_quantity: 10.5, deviation: null },
      ],
    });
    expect(lines.map((l) => [l.delivered, l.ordered, l.short, l.extra, l.deviation])).toEqual([
      [4, 5, 1, 0, null], // "1 säck saknas" says it; "Saknas" again would repeat it
      [40, 40, 0, 0, "damaged"],
      [10.5, 10, 0, 0.5, null],
    ]);
  });

  it("counts a line the proof did not mention as not handed over", () => {
    const planned = stop("dp:1", 1, "Bergaskolan kök", { lines: [line(1, 5)] });
    expect(handedLines(planned, { deviation: "nobody_there", lines: [] })[0]).toMatchObject({ delivered: 0, short: 5 });
  });
});

describe("route changes said with the stops' names", () => {
  const a = stop("dp:1", 1, "Bergaskolan kök");
  const b = stop("dp:2", 2, "Ljungbacka äldreboende");
  const c = stop("dp:3", 3, "Hagaskolan kök");

  it("names added and removed stops", () => {
    const change = dayChange([route([a, b])], [route([a, { ...c, sequence: 2 }])], null)!;
    expect(change.added.map((key) => change.names[key])).toEqual(["Hagaskolan kök"]);
    expect(change.removed.map((key) => change.names[key])).toEqual(["Ljungbacka äldreboende"]);
    expect(change.moved).toEqual([]);
  });

  it("names only the stop that moved, not every stop after it", () => {
    const d = stop("dp:4", 4, "Kullaskolan kök");
    const after = [d, a, b, c].map((s, index) => ({ ...s, sequence: index + 1 }));
    const change = dayChange([route([a, b, c, d])], [route(after)], null)!;
    expect(change.moved).toEqual(["dp:4"]);
    expect(change.added).toEqual([]);
  });

  it("says nothing when nothing changed, and forgets a stop added and taken away again", () => {
    expect(dayChange([route([a, b])], [route([a, b])], null)).toBeNull();
    const first = dayChange([route([a])], [route([a, b])], null)!;
    const second = dayChange([route([a, b])], [route([a])], first)!;
    expect(isEmptyChange(second)).toBe(true);
  });

  it("names a trip taken away", () => {
    const change = dayChange([route([a]), route([b], 1)], [route([a])], null, [route([b], 1)])!;
    expect(change.removedTrips).toEqual(["Lastbil 1, tur 2"]);
    expect(change.removed.map((key) => change.names[key])).toEqual(["Ljungbacka äldreboende"]);
  });
});

describe("the server's reason for a flag", () => {
  it("is read as a key, not shown in English", () => {
    expect(flagReason("flag.not_in_plan")).toBe("notInPlan");
    expect(flagReason("flag.other_driver")).toBe("otherDriver");
    expect(flagReason("The stop is no longer in the current plan.")).toBe("notInPlan"); // stored before codes
    expect(flagReason("The stop is on another driver's route in the current plan.")).toBe("otherDriver");
    expect(flagReason("Something new")).toBe("other");
  });
});
