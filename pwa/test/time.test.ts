import { afterEach, describe, expect, it } from "vitest";
import { setSession } from "../src/state/session";
import { formatClock, zoneDate, zoneStamp } from "../src/util/time";

// The tests run with TZ=UTC (package.json): a device clock set to UTC must still show Swedish times.
describe("times of a plan in the cluster's zone", () => {
  afterEach(() => setSession(null));

  it("shows 07:00 for a stop planned at 07:00 in Stockholm, on a device set to UTC", () => {
    expect(new Date().getTimezoneOffset()).toBe(0);
    expect(formatClock("2026-12-07T06:00:00+00:00")).toBe("07:00");
    expect(formatClock("2026-07-07T05:00:00+00:00")).toBe("07:00"); // summer time
  });

  it("follows the zone the server names", () => {
    setSession({
      token: "t",
      expiresAt: "2099-01-01T00:00:00Z",
      user: { id: 1, username: "a", display_name: "", role: "driver", locale: "sv", supplier_id: null, terminal_id: null, delivery_point_ids: [], active: true, time_zone: "Europe/Oslo" },
    });
    expect(formatClock("2026-12-07T06:00:00Z")).toBe("07:00");
    setSession({
      token: "t",
      expiresAt: "2099-01-01T00:00:00Z",
      user: { id: 1, username: "a", display_name: "", role: "driver", locale: "sv", supplier_id: null, terminal_id: null, delivery_point_ids: [], active: true, time_zone: "America/New_York" },
    });
    expect(formatClock("2026-12-07T06:00:00Z")).toBe("01:00");
  });

  it("dates a moment just after midnight in Sweden as that Swedish day", () => {
    expect(zoneDate("2026-12-06T23:30:00Z")).toBe("2026-12-07");
    expect(zoneStamp("2026-12-06T23:30:00Z")).toBe("2026-12-07 00:30");
  });
});
