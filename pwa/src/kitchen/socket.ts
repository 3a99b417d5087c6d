// The kitchen's live channel: Socket.IO namespace /recipient, authenticated with the API token.
// The server puts the socket in one room per delivery point of the user and sends `eta` (a new
// expected arrival) and `vehicle_near` (the vehicle has left the stop before ours).
import { io, type Socket } from "socket.io-client";
import { getSession } from "../state/session";

export interface EtaPayload {
  stop_id: number;
  job_key: string;
  delivery_point_id: number | null;
  plan_date: string;
  planned_arrival: string;
  eta: string;
  status: string;
  stops_before: number;
}

export interface RecipientSocketHandlers {
  connected(): void;
  disconnected(): void;
  eta(payload: EtaPayload): void;
  vehicleNear(payload: EtaPayload): void;
}

let socket: Socket | null = null;

export function connectRecipientSocket(handlers: RecipientSocketHandlers): void {
  disconnectRecipientSocket();
  const s = io("/recipient", {
    path: "/socket.io",
    auth: (cb) => cb({ token: getSession()?.token ?? "" }),
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    timeout: 10_000,
  });
  s.on("connect", handlers.connected);
  s.on("disconnect", handlers.disconnected);
  s.on("connect_error", () => {
    handlers.disconnected();
    if (!s.active) setTimeout(() => s.connect(), 15_000);
  });
  s.on("eta", handlers.eta);
  s.on("vehicle_near", handlers.vehicleNear);
  socket = s;
}

export function disconnectRecipientSocket(): void {
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = null;
}
