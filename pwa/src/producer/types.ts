// The producer's API (/api/v1/producer/*), generated from the OpenAPI document (see api/types.ts).
import type { ApiSchema } from "../api/types";

export type FreeSlot = ApiSchema<"FreeSlot">;
export type SlotKind = FreeSlot["kind"];
/** GET /producer/orders: an order the farm is to deliver, with its delivery point's name. */
export type ProducerOrder = ApiSchema<"ProducerOrder">;
/** A booking's order reference with its delivery point (null: no such order any more). */
export type BookedOrder = ApiSchema<"BookedOrder">;
export type Booking = ApiSchema<"Booking">;
export type BookingInput = ApiSchema<"BookingInput">;
