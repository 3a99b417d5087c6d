// What each role's view needs, assembled from the API's list endpoints.
// The server scopes every list to the caller's role, so a recipient only ever
// receives their own delivery points and orders.
import type { DeliveryPoint, Order, Supplier, Vehicle } from "../api/types";
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
  Math.round(orders.reduce((sum, order) => sum + order.total_weight_kg, 0));

export async function loadCoordinatorOverview(): Promise<Loaded<CoordinatorOverview>> {
  const [today, tomorrow] = nextDays(2);
  const [points, suppliers, vehicles, ordersToday, ordersTomorrow] = await Promise.all([
    cachedGet<DeliveryPoint[]>("/delivery-points/"),
    cachedGet<Supplier[]>("/suppliers/"),
    cachedGet<Vehicle[]>("/vehicles/"),
    cachedGet<Order[]>(`/orders/?date=${today}`),
    cachedGet<Order[]>(`/orders/?date=${tomorrow}`),
  ]);
  const openToday = openOnly(ordersToday.data);
  const openTomorrow = openOnly(ordersTomorrow.data);
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

/** Orders per day for the next UPCOMING_DAYS days (the API filters one date at a time). */
async function upcomingOrders(filter: string): Promise<Loaded<Map<string, Order[]>>> {
  const days = nextDays(UPCOMING_DAYS);
  const answers = await Promise.all(
    days.map((day) => cachedGet<Order[]>(`/orders/?date=${day}${filter}`)),
  );
  const byDay = new Map<string, Order[]>();
  days.forEach((day, i) => {
    const orders = openOnly(answers[i]?.data ?? []);
    if (orders.length) byDay.set(day, orders);
  });
  return combine(byDay, answers);
}

export interface RecipientData {
  points: DeliveryPoint[];
  ordersByDay: Map<string, Order[]>;
}

export async function loadRecipientData(): Promise<Loaded<RecipientData>> {
  const points = await cachedGet<DeliveryPoint[]>("/delivery-points/");
  if (!points.data.length) return combine({ points: [], ordersByDay: new Map() }, [points]);
  const orders = await upcomingOrders("");
  return combine({ points: points.data, ordersByDay: orders.data }, [points, orders]);
}

export interface ProducerData {
  supplier: Supplier | null;
  ordersByDay: Map<string, Order[]>;
}

export async function loadProducerData(supplierId: number | null): Promise<Loaded<ProducerData>> {
  const suppliers = await cachedGet<Supplier[]>("/suppliers/");
  const supplier =
    suppliers.data.find((s) => s.id === supplierId) ?? suppliers.data[0] ?? null;
  if (!supplier) return combine({ supplier: null, ordersByDay: new Map() }, [suppliers]);
  const orders = await upcomingOrders(`&supplier_id=${supplier.id}`);
  return combine({ supplier, ordersByDay: orders.data }, [suppliers, orders]);
}
