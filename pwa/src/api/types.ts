// Shapes of the Samlast API (/api/v1), as documented in /api/openapi.json.

export type Role = "coordinator" | "driver" | "recipient" | "producer";
export type TemperatureClass = "frozen" | "chilled" | "ambient";
export const TEMPERATURE_CLASSES: readonly TemperatureClass[] = ["frozen", "chilled", "ambient"];

export interface User {
  id: number;
  username: string;
  display_name?: string | null;
  role: Role;
  supplier_id: number | null;
  delivery_point_ids: number[];
  active: boolean;
  locale?: string | null;
  /** The cluster's time zone: every time of a plan is shown in it. */
  time_zone?: string;
}

export interface LoginResponse {
  token: string;
  expires_at: string;
  user: User;
}

export interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, unknown> };
}

export interface ReceivingWindow {
  weekday: number; // 0 = Monday ... 6 = Sunday
  start: string; // "HH:MM"
  end: string;
}

export interface DeliveryPoint {
  id: number;
  external_id: string;
  name: string;
  kind: "school_kitchen" | "preschool" | "care_home" | "other";
  municipality_id: number;
  address?: string | null;
  lat: number;
  lon: number;
  access_notes?: string | null;
  unloading_place?: string | null;
  contact_name?: string | null;
  contact_phone?: string | null;
  receiving_windows: ReceivingWindow[];
}

export interface ProductArea {
  id: number;
  name: string;
  temperature_class: TemperatureClass;
}

export interface Supplier {
  id: number;
  external_id: string;
  name: string;
  kind: "wholesaler" | "local_producer";
  address?: string | null;
  contact_name?: string | null;
  contact_phone?: string | null;
  product_areas: ProductArea[];
}

export interface Vehicle {
  id: number;
  external_id: string;
  name: string;
  active?: boolean;
}

export interface OrderLine {
  line_no: number;
  article: string;
  quantity: number;
  unit: string;
  weight_kg: number;
  pallet_places?: number;
  temperature_class: TemperatureClass;
}

export interface Order {
  id: number;
  external_id: string;
  delivery_point_id: number;
  supplier_id: number;
  requested_date: string; // YYYY-MM-DD
  status: "open" | "cancelled";
  /** When the goods were handed over (the order is locked from then on); null while open. */
  delivered_at?: string | null;
  note?: string | null;
  lines: OrderLine[];
  total_weight_kg: number;
}
