import { describe, expect, it } from "vitest";
import { parseDecimal } from "../src/util/numbers";

describe("parseDecimal", () => {
  it.each([
    ["0,5", 0.5],
    ["0.5", 0.5],
    [" 12 ", 12],
    ["-18", -18],
    ["\u22122,5", -2.5],
    [",5", 0.5],
    ["1 000", 1000],
    ["1\u00a0000,25", 1000.25],
    ["+3", 3],
  ])("reads %j as %d", (typed, value) => {
    expect(parseDecimal(typed)).toBe(value);
  });

  it.each(["", " ", "5 kg", "1,2,3", "1.000,5", "abc", "1 00", "0,", "-", "1e3", "Infinity", "0x10"])(
    "refuses %j instead of guessing",
    (typed) => {
      expect(parseDecimal(typed)).toBeNull();
    },
  );
});
