// The driver's live channel: Socket.IO namespace /driver, authenticated with the API token.
// socket.io-client reconnects by itself (with back-off); the server sends the current routes
// on every (re)connect, so a driver who was out of coverage catches up at once.
import { io, type Socket } from "socket.io-client";
import type { DriverRoute, PositionBody, RouteChanges } from "../driver/types";
import { getSession } from "../state/session";

export interface DriverSocketHandlers {
  connected(): void;
  disconnected(): void;
  routes(payload: { plan_date: string; routes: DriverRoute[] }): void;
  routeUpdated(payload: { route: DriverRoute; changes: RouteChanges }): void;
  routeRemoved(payload: { route_id: number; plan_date: string }): void;
}

let socket: Socket | null = null;

export function connectDriverSocket(handlers: DriverSocketHandlers): void {
  disconnectDriverSocket();
  const s = io("/driver", {
    path: "/socket.io",
    auth: (cb) => cb({ token: getSession()?.token ?? "" }),
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    timeout: 10_000,
  });
  s.on("connect", handlers.connected);
  s.on("disconnect", handlers.disconnected);
  s.on("connect_error", () => {
    // Refused (bad token) or unreachable: socket.io keeps trying only for transport errors.
    if (!s.active) setTimeout(() => s.connect(), 15_000);
  });
  s.on("routes", handlers.routes);
  s.on("route_updated", handlers.routeUpdated);
  s.on("route_removed", handlers.routeRemoved);
  socket = s;
}

export function disconnectDriverSocket(): void {
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = null;
}

export function socketConnected(): boolean {
  return socket?.connected ?? false;
}

function emitWithAck<T>(event: string, payload: unknown, timeoutMs = 8_000): Promise<T> {
  const s = socket;
  if (!s?.connected) return Promise.reject(new Error("not connected"));
  return s.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

export function ackRoute(routeId: number, version: number): Promise<{ ok: boolean; acknowledged_version?: number }> {
  return emitWithAck("route_ack", { route_id: routeId, version });
}

/** True when the server stored (or already had) the position. */
export async function sendPosition(position: PositionBody): Promise<boolean> {
  try {
    const answer = await emitWithAck<{ ok: boolean }>("position", position);
    return answer.ok;
  } catch {
    return false;
  }
}
