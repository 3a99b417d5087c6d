// Shapes of the kitchen's API (/api/v1/recipient/*).
import type { TemperatureClass } from "../api/types";

export type DeliveryStatus = "not_planned" | "planned" | "arrived" | "done" | "skipped";
export type KitchenDeviation = "missing" | "damaged" | "wrong_temperature" | "wrong_article";
export const KITCHEN_DEVIATIONS: readonly KitchenDeviation[] = ["missing", "damaged", "wrong_temperature", "wrong_article"];

export interface ExpectedLine {
  order_line_id: number;
  order_external_id: string;
  supplier_name: string;
  article: string;
  quantity: number;
  unit: string;
  temperature_class: TemperatureClass;
  /** What the driver left (the proof) and the driver's own deviation; null: no proof yet. */
  delivered_quantity: number | null;
  driver_deviation: string | null;
  driver_note: string;
  temperature_c: number | null;
  /** What the kitchen received and the kitchen's own deviation; null: not confirmed yet. */
  received_quantity: number | null;
  kitchen_deviation: string | null;
  kitchen_note: string;
}

export interface ConfirmationSummary {
  confirmed_by_name: string;
  confirmed_by_account: string;
  confirmed_at: string;
  accepted_all: boolean;
  note: string;
}

export interface Delivery {
  delivery_point_id: number;
  delivery_point_name: string;
  date: string;
  time_windows: string[][];
  planned_arrival: string | null;
  eta: string | null;
  stop_id: number | null;
  job_key: string;
  status: DeliveryStatus;
  proof_id: number | null;
  handed_over_at: string | null;
  /** Who signed the driver's proof. */
  receiver_name: string;
  confirmed: boolean;
  confirmation: ConfirmationSummary | null;
  lines: ExpectedLine[];
  /** From the socket: planned stops still before ours. */
  stops_before?: number;
}

export interface ConfirmationLine {
  order_line_id: number;
  received_quantity: number;
  deviation: KitchenDeviation | null;
  note: string;
}

export interface ConfirmationBody {
  client_id: string;
  delivery_point_id: number;
  plan_date: string;
  accept_all: boolean;
  confirmed_by_name: string;
  lines: ConfirmationLine[];
  photos: string[];
  note: string;
  recorded_at: string;
}

export interface HistoryRow {
  date: string;
  delivery_point: string;
  delivered_at: string;
  receiver_name: string;
  article: string;
  ordered: number;
  delivered: number;
  received: number | null;
  unit: string;
  temperature_c: number | null;
  driver_deviation: string;
  driver_note: string;
  kitchen_deviation: string;
  kitchen_note: string;
  disagreement: boolean;
  confirmed: boolean;
  confirmed_by_name: string;
  confirmed_by_account: string;
  confirmed_at: string | null;
  confirmation_note: string;
  proof_id: number;
}

export const deliveryKey = (d: { delivery_point_id: number; date: string }) => `${d.delivery_point_id}:${d.date}`;
