import { afterEach, describe, expect, it } from "vitest";
import { message, serverText, setLocale } from "../src/i18n";

afterEach(() => setLocale("sv"));

describe("a server message in the reader's language", () => {
  it("writes a list parameter as a list, each item in words", () => {
    setLocale("sv");
    const text = message({ key: "coordinator.lateRisk", params: { name: [{ key: "temp.frozen" }, { key: "temp.chilled" }] } });
    expect(text).toBe("Risk för sen leverans: Fryst, Kylt");
    setLocale("en");
    expect(message({ key: "coordinator.lateRisk", params: { name: ["A", 2.5] } })).toBe("Late delivery risk: A, 2.5");
  });

  it("takes a job's stored message with no parameters (null)", () => {
    setLocale("sv");
    expect(serverText({ message: "x", message_key: "temp.frozen", message_params: null })).toBe("Fryst");
  });
});
