// The waterfall's steps: today, each cause floating on the running total, coordinated.
import { describe, expect, it } from "vitest";
import { waterfallSteps, wrapLabel } from "../src/coordinator/charts";

describe("waterfallSteps", () => {
  it("floats each term on the running total and ends at the coordinated total", () => {
    const steps = waterfallSteps(187, [["Körsträcka", 10], ["Fyllnadsgrad", 0], ["Renare", -45]], 152, "I dag", "Samordnat");
    expect(steps.map((s) => [s.label, s.from, s.to, s.kind])).toEqual([
      ["I dag", 0, 187, "start"],
      ["Körsträcka", 187, 197, "up"],
      ["Fyllnadsgrad", 197, 197, "up"],
      ["Renare", 197, 152, "down"],
      ["Samordnat", 0, 152, "end"],
    ]);
  });
});

describe("wrapLabel", () => {
  it("breaks a long Swedish label between words, never inside one", () => {
    expect(wrapLabel("Renare fordon och bränslen")).toEqual(["Renare fordon", "och bränslen"]);
    expect(wrapLabel("Terminalhantering")).toEqual(["Terminalhantering"]);
    expect(wrapLabel("I dag")).toEqual(["I dag"]);
  });
});
