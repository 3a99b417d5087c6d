// The kitchen's API (/api/v1/recipient/*), generated from the OpenAPI document (see api/types.ts).
import type { ApiSchema } from "../api/types";

export type ExpectedLine = ApiSchema<"ExpectedLine">;
export type ConfirmationSummary = ApiSchema<"ConfirmationSummary">;
export type DeliveryStatus = ApiSchema<"UpcomingDelivery">["status"];
export type Delivery = ApiSchema<"UpcomingDelivery"> & {
  /** From the live channel: planned stops still before ours. */
  stops_before?: number;
};
export type ConfirmationLine = ApiSchema<"ReceiptLineInput">;
export type ConfirmationBody = ApiSchema<"ConfirmationInput">;
export type HistoryRow = ApiSchema<"HistoryRow">;

/** The deviations a kitchen reports on a line (refused and nobody there are the driver's). */
export type KitchenDeviation = Extract<
  NonNullable<ConfirmationLine["deviation"]>,
  "missing" | "damaged" | "wrong_temperature" | "wrong_article"
>;
export const KITCHEN_DEVIATIONS = [
  "missing",
  "damaged",
  "wrong_temperature",
  "wrong_article",
] as const satisfies readonly KitchenDeviation[];

export const deliveryKey = (d: { delivery_point_id: number; date: string }) => `${d.delivery_point_id}:${d.date}`;
