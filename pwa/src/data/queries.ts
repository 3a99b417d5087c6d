// What each role's view needs, assembled from the API's list endpoints.
// The server scopes every list to the caller's role, so a recipient only ever
// receives their own delivery points and orders.
import type { DeliveryPoint, Order, ProductArea, Supplier, Vehicle } from "../api/types";
import type { Delivery, HistoryRow } from "../recipient/types";
import type { Booking, FreeSlot, ProducerOrder } from "../producer/types";
import { nextDays } from "../util/dates";
import { cachedGet, combine, type Loaded } from "./fetch";

export const UPCOMING_DAYS = 7;

export interface CoordinatorOverview {
  deliveryPoints: number;
  suppliers: number;
  localProducers: number;
  vehicles: number;
  activeVehicles: number;
  openOrdersToday: number;
  openOrdersTomorrow: number;
  weightToday: number;
  weightTomorrow: number;
}

const openOnly = (orders: Order[]) => orders.filter((order) => order.status === "open");
const weight = (orders: Order[]) =>
  Math.round(orders.reduce((sum, order) => sum + (order.total_weight_kg ?? 0), 0));

export async function loadCoordinatorOverview(): Promise<Loaded<CoordinatorOverview>> {
  const [today, tomorrow] = nextDays(2);
  // The lists' largest pages: a list answers one page (200 rows, 500 orders by default), and
  // the counts on the coordinator's desk must be of every row. Delivered orders are no longer open.
  const undelivered = (orders: Order[]) => openOnly(orders).filter((order) => !order.delivered_at);
  const [points, suppliers, vehicles, ordersToday, ordersTomorrow] = await Promise.all([
    cachedGet<DeliveryPoint[]>("/delivery-points/?limit=2000"),
    cachedGet<Supplier[]>("/suppliers/?limit=2000"),
    cachedGet<Vehicle[]>("/vehicles/?limit=2000"),
    cachedGet<Order[]>(`/orders/?date=${today}&status=open&limit=5000`),
    cachedGet<Order[]>(`/orders/?date=${tomorrow}&status=open&limit=5000`),
  ]);
  const openToday = undelivered(ordersToday.data);
  const openTomorrow = undelivered(ordersTomorrow.data);
  return combine(
    {
      deliveryPoints: points.data.length,
      suppliers: suppliers.data.length,
      localProducers: suppliers.data.filter((s) => s.kind === "local_producer").length,
      vehicles: vehicles.data.length,
      activeVehicles: vehicles.data.filter((v) => v.active !== false).length,
      openOrdersToday: openToday.length,
      openOrdersTomorrow: openTomorrow.length,
      weightToday: weight(openToday),
      weightTomorrow: weight(openTomorrow),
    },
    [points, suppliers, vehicles, ordersToday, ordersTomorrow],
  );
}

// recipient (kitchen) -------------------------------------------------------------------

export interface RecipientData {
  points: DeliveryPoint[];
  /** Deliveries to the user's points, today and the next 7 days (the server's default range). */
  deliveries: Delivery[];
}

export async function loadRecipientData(): Promise<Loaded<RecipientData>> {
  const [points, deliveries] = await Promise.all([
    cachedGet<DeliveryPoint[]>("/delivery-points/"),
    cachedGet<Delivery[]>("/recipient/deliveries"),
  ]);
  return combine({ points: points.data, deliveries: deliveries.data }, [points, deliveries]);
}

/** Delivered lines of the last 30 days with the kitchen's confirmation (server default range). */
export function loadRecipientHistory(): Promise<Loaded<HistoryRow[]>> {
  return cachedGet<HistoryRow[]>("/recipient/history");
}

// producer ----------------------------------------------------------------------------------

export interface ProducerData {
  supplier: Supplier | null;
  /** The farm's open orders of the next UPCOMING_DAYS days, with the delivery points' names. */
  ordersByDay: Map<string, ProducerOrder[]>;
  slots: FreeSlot[];
  bookings: Booking[];
  areas: ProductArea[];
}

export const SLOT_WEEKS = 3;

export async function loadProducerData(supplierId: number | null): Promise<Loaded<ProducerData>> {
  const [suppliers, slots, bookings, areas] = await Promise.all([
    cachedGet<Supplier[]>("/suppliers/"),
    cachedGet<FreeSlot[]>(`/producer/slots?from=${nextDays(1)[0]}&to=${nextDays(SLOT_WEEKS * 7)[SLOT_WEEKS * 7 - 1]}`),
    cachedGet<Booking[]>("/producer/bookings"),
    cachedGet<ProductArea[]>("/product-areas/"),
  ]);
  const supplier =
    suppliers.data.find((s) => s.id === supplierId) ?? suppliers.data[0] ?? null;
  const base = { supplier, slots: slots.data, bookings: bookings.data, areas: areas.data };
  if (!supplier) return combine({ ...base, ordersByDay: new Map() }, [suppliers, slots, bookings, areas]);
  const days = nextDays(UPCOMING_DAYS);
  const orders = await cachedGet<ProducerOrder[]>(`/producer/orders?from=${days[0]}&to=${days[days.length - 1]}`);
  const byDay = new Map<string, ProducerOrder[]>();
  for (const order of orders.data) byDay.set(order.requested_date, [...(byDay.get(order.requested_date) ?? []), order]);
  return combine({ ...base, ordersByDay: byDay }, [suppliers, slots, bookings, areas, orders]);
}

/** The farm's open orders requested for one day (the ones a booking of that day can name). */
export function loadProducerOrdersOf(day: string): Promise<Loaded<ProducerOrder[]>> {
  return cachedGet<ProducerOrder[]>(`/producer/orders?from=${day}&to=${day}`);
}

/** Fresh slots and bookings only (after booking, changing, cancelling, or "refresh"). */
export async function loadProducerBookings(): Promise<{ slots: FreeSlot[]; bookings: Booking[] }> {
  const [slots, bookings] = await Promise.all([
    cachedGet<FreeSlot[]>(`/producer/slots?from=${nextDays(1)[0]}&to=${nextDays(SLOT_WEEKS * 7)[SLOT_WEEKS * 7 - 1]}`),
    cachedGet<Booking[]>("/producer/bookings"),
  ]);
  return { slots: slots.data, bookings: bookings.data };
}
