import { describe, expect, it } from "vitest";
import { loadingStream, normalizeCode } from "../src/terminal/loading";

describe("a unit's code typed from a label", () => {
  it("is read in upper case without spaces or dashes", () => {
    expect(normalizeCode(" v73 ufx ")).toBe("V73UFX");
    expect(normalizeCode("V73-UFX")).toBe("V73UFX");
    expect(normalizeCode("")).toBe("");
  });
  it("goes with its trip's other records in one outbox stream", () => {
    expect(loadingStream(12)).toBe("loading:12");
  });
});
