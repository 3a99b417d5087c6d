// The driver's live channel: Socket.IO namespace /driver. The server sends the current routes
// on every (re)connect, so a driver who was out of coverage catches up at once.
import type { DriverRoute, PositionBody, RouteChanges } from "../driver/types";
import { openLive, type LiveChannel } from "./live";

export interface DriverSocketHandlers {
  connected(): void;
  disconnected(): void;
  routes(payload: { plan_date: string; routes: DriverRoute[] }): void;
  routeUpdated(payload: { route: DriverRoute; changes: RouteChanges }): void;
  routeRemoved(payload: { route_id: number; plan_date: string }): void;
}

let channel: LiveChannel | null = null;

export function connectDriverSocket(handlers: DriverSocketHandlers): void {
  disconnectDriverSocket();
  channel = openLive(
    "/driver",
    { routes: handlers.routes, route_updated: handlers.routeUpdated, route_removed: handlers.routeRemoved },
    (live) => (live ? handlers.connected() : handlers.disconnected()),
  );
}

export function disconnectDriverSocket(): void {
  channel?.close();
  channel = null;
}

export function socketConnected(): boolean {
  return channel?.connected() ?? false;
}

export function ackRoute(routeId: number, version: number): Promise<{ ok: boolean; acknowledged_version?: number }> {
  if (!channel) return Promise.reject(new Error("not connected"));
  return channel.emitWithAck("route_ack", { route_id: routeId, version });
}

/** True when the server stored (or already had) the position. */
export async function sendPosition(position: PositionBody): Promise<boolean> {
  try {
    const answer = await channel!.emitWithAck<{ ok: boolean }>("position", position);
    return answer.ok;
  } catch {
    return false;
  }
}
