// The booking form's own checks, before anything is sent: numbers typed the Swedish way ("0,5"),
// and no more kg or pallet places than the slot has free (the server checks again, atomically).
// No DOM here, so vitest can run it.
import { intlLocale, t } from "../i18n";
import { parseDecimal } from "../util/numbers";
import type { Booking, FreeSlot } from "./types";

/** What a form may book: the slot's free capacity, plus the booking's own when changing it. */
export interface Room {
  kg: number;
  pallets: number;
}

export function roomForSlot(slot: FreeSlot): Room {
  return { kg: Math.max(0, slot.free_kg), pallets: Math.max(0, slot.free_pallets) };
}

/** A booking's own kg and pallet places count as free for itself. */
export function roomForBooking(booking: Booking): Room {
  return {
    kg: Math.max(0, round(booking.slot_free_kg + booking.kg)),
    pallets: Math.max(0, round(booking.slot_free_pallets + booking.pallets)),
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** A number as the user would type it back: "0,5" in Swedish, no thousands separator. */
export function numberForInput(value: number): string {
  return new Intl.NumberFormat(intlLocale(), { useGrouping: false, maximumFractionDigits: 3 }).format(value);
}

/** Numbers in messages: "1 000", "0,5". */
function written(value: number): string {
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 2 }).format(value);
}

export interface Amounts {
  kg: string;
  pallets: string;
}

/** Field messages for the typed amounts against the room left; empty when they can be sent. */
export function amountErrors(typed: Amounts, room: Room): Record<string, string> {
  const errors: Record<string, string> = {};
  const kg = parseDecimal(typed.kg);
  const pallets = parseDecimal(typed.pallets);
  if (!typed.kg.trim()) errors.kg = t("producer.form.kgInvalid");
  else if (kg === null) errors.kg = t("producer.form.notNumber", { value: typed.kg.trim() });
  else if (!(kg > 0)) errors.kg = t("producer.form.kgInvalid");
  else if (kg > room.kg + 1e-9) errors.kg = t("field.slot_kg_left", { free: written(room.kg) });
  if (!typed.pallets.trim()) errors.pallets = t("producer.form.palletsInvalid");
  else if (pallets === null) errors.pallets = t("producer.form.notNumber", { value: typed.pallets.trim() });
  else if (pallets < 0) errors.pallets = t("producer.form.palletsInvalid");
  else if (pallets > room.pallets + 1e-9) errors.pallets = t("field.slot_pallets_left", { free: written(room.pallets) });
  return errors;
}
