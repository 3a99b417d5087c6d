// Shapes of the producer's API (/api/v1/producer/*).
import type { Order, TemperatureClass } from "../api/types";

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
  /** Why it cannot be booked: the last time to book has passed, or no kg or pallet place is left. */
  closed_reason: "cutoff" | "full" | null;
}

/** GET /producer/orders: an order the farm is to deliver, with its delivery point's name. */
export interface ProducerOrder extends Order {
  delivery_point_name: string;
}

/** A booking's order reference with its delivery point (null: no such order any more). */
export interface BookedOrder {
  external_id: string;
  delivery_point_name: string | null;
  requested_date: string | null;
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
  /** Left in the slot besides this booking: this booking may grow by that much. */
  slot_free_kg: number;
  slot_free_pallets: number;
  orders: BookedOrder[];
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
