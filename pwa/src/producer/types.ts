// Shapes of the producer's API (/api/v1/producer/*).
import type { TemperatureClass } from "../api/types";

export type SlotKind = "farm_pickup" | "terminal_dropoff";

export interface FreeSlot {
  template_id: number;
  date: string;
  name: string;
  kind: SlotKind;
  start: string;
  end: string;
  free_kg: number;
  free_pallets: number;
  capacity_kg: number;
  capacity_pallets: number;
  cutoff: string;
  bookable: boolean;
}

export interface Booking {
  id: number;
  supplier_id: number;
  supplier_name: string;
  template_id: number;
  slot_name: string;
  kind: SlotKind;
  date: string;
  start: string;
  end: string;
  status: "booked" | "cancelled" | string;
  product_area_id: number | null;
  temperature_class: TemperatureClass;
  kg: number;
  pallets: number;
  order_refs: string[];
  note: string;
  confirmed_time: string | null;
  cutoff: string;
}

export interface BookingInput {
  template_id: number;
  date: string;
  product_area_id: number | null;
  temperature_class: TemperatureClass;
  kg: number;
  pallets: number;
  order_refs: string[];
  note: string;
}
