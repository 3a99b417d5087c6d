import { beforeEach, describe, expect, it } from "vitest";
import { setLocale } from "../src/i18n";
import { amountErrors, numberForInput, roomForBooking } from "../src/producer/rules";
import type { Booking } from "../src/producer/types";

const room = { kg: 1000, pallets: 2 };

describe("the booking form's own checks", () => {
  beforeEach(() => {
    Object.assign(globalThis, { document: { documentElement: {} } });
    setLocale("sv");
  });

  it("reads amounts typed with a decimal comma", () => {
    expect(amountErrors({ kg: "0,5", pallets: "0,5" }, room)).toEqual({});
    expect(amountErrors({ kg: "1 000", pallets: "2" }, room)).toEqual({});
  });

  it("says what is wrong with each amount", () => {
    expect(amountErrors({ kg: "", pallets: "" }, room)).toEqual({
      kg: "Ange vikten i kg, mer än 0.",
      pallets: "Ange antal pallplatser, 0 eller mer.",
    });
    expect(amountErrors({ kg: "5 kg", pallets: "1.000,5" }, room)).toEqual({
      kg: "”5 kg” är inte ett tal. Skriv till exempel 250 eller 0,5.",
      pallets: "”1.000,5” är inte ett tal. Skriv till exempel 250 eller 0,5.",
    });
    expect(amountErrors({ kg: "0", pallets: "-1" }, room)).toEqual({
      kg: "Ange vikten i kg, mer än 0.",
      pallets: "Ange antal pallplatser, 0 eller mer.",
    });
  });

  it("refuses more than the slot has free, next to the field concerned", () => {
    expect(amountErrors({ kg: "300", pallets: "2,5" }, room)).toEqual({ pallets: "Fler än de lediga pallplatserna (2)." });
    expect(amountErrors({ kg: "1000,5", pallets: "1" }, { kg: 1000, pallets: 0.5 })).toEqual({
      kg: "Mer än det som är ledigt (1\u00a0000 kg).",
      pallets: "Fler än de lediga pallplatserna (0,5).",
    });
  });

  it("counts a booking's own amounts as free for itself, and writes them back the Swedish way", () => {
    const booking = { kg: 300, pallets: 1.5, slot_free_kg: 700, slot_free_pallets: 0 } as Booking;
    expect(roomForBooking(booking)).toEqual({ kg: 1000, pallets: 1.5 });
    expect(numberForInput(1.5)).toBe("1,5");
    expect(numberForInput(1200)).toBe("1200");
    setLocale("en");
    expect(numberForInput(1.5)).toBe("1.5");
    expect(amountErrors({ kg: "abc", pallets: "1" }, room).kg).toBe("“abc” is not a number. Write for example 250 or 0.5.");
  });
});
