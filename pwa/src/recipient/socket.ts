// The kitchen's live channel: Socket.IO namespace /recipient. The server puts the socket in one
// room per delivery point of the user and sends `eta` (a new expected arrival), `vehicle_near`
// (the vehicle has left the stop before ours) and `stop_status` (our own stop reached or served).
// The payloads are not part of the REST API's document; their statuses are a stop's, as there.
import type { ApiSchema } from "../api/types";
import { openLive, type LiveChannel } from "../data/live";

type StopStatus = ApiSchema<"Stop">["status"];

export interface EtaPayload {
  stop_id: number;
  job_key: string;
  delivery_point_id: number | null;
  plan_date: string;
  planned_arrival: string;
  eta: string;
  status: StopStatus;
  stops_before: number;
}

export interface StopStatusPayload {
  stop_id: number;
  job_key: string;
  delivery_point_id: number;
  plan_date: string;
  status: StopStatus;
  proof_id: number | null;
}

export interface RecipientSocketHandlers {
  connected(): void;
  disconnected(): void;
  eta(payload: EtaPayload): void;
  vehicleNear(payload: EtaPayload): void;
  stopStatus(payload: StopStatusPayload): void;
}

let channel: LiveChannel | null = null;

export function connectRecipientSocket(handlers: RecipientSocketHandlers): void {
  disconnectRecipientSocket();
  channel = openLive(
    "/recipient",
    { eta: handlers.eta, vehicle_near: handlers.vehicleNear, stop_status: handlers.stopStatus },
    (live) => (live ? handlers.connected() : handlers.disconnected()),
  );
}

export function disconnectRecipientSocket(): void {
  channel?.close();
  channel = null;
}
