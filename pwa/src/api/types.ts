// Shapes of the Samlast API (/api/v1), generated from its OpenAPI document: pwa/openapi.json
// (`make pwa/openapi.json` writes it from the backend's schemas) -> src/api/schema.d.ts
// (`npm run api-types`, the first step of `npm run build`) -> tsc. A schema change that the PWA
// does not follow fails the build. Only names are given here; write no shape of the API by hand.
import type { components } from "./schema";

/** Every schema of the API by name: ApiSchema<"Booking">. */
export type ApiSchema<Name extends keyof components["schemas"]> = components["schemas"][Name];

export type User = ApiSchema<"UserOut">;
export type Role = User["role"];
export type LoginResponse = ApiSchema<"Token">;
export type ApiErrorBody = ApiSchema<"Error">;

export type TemperatureClass = ApiSchema<"OrderLineOut">["temperature_class"];
/** In the order the app shows them. */
export const TEMPERATURE_CLASSES = ["frozen", "chilled", "ambient"] as const satisfies readonly TemperatureClass[];

export type ReceivingWindow = ApiSchema<"ReceivingWindowOut">;
export type DeliveryPoint = ApiSchema<"DeliveryPointOut">;
export type ProductArea = ApiSchema<"ProductAreaOut">;
export type Supplier = ApiSchema<"SupplierOut">;
export type Vehicle = ApiSchema<"VehicleOut">;
export type OrderLine = ApiSchema<"OrderLineOut">;
export type Order = ApiSchema<"OrderOut">;
