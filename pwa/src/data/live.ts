// One way to open a Socket.IO namespace for every role: authenticated with the API token,
// reconnecting with back-off, and retrying after a refusal (an expired token is renewed by
// logging in again, which reopens the channel).
import { io, type Socket } from "socket.io-client";
import { getSession } from "../state/session";

export interface LiveChannel {
  readonly socket: Socket;
  connected(): boolean;
  close(): void;
  emitWithAck<T>(event: string, payload: unknown, timeoutMs?: number): Promise<T>;
}

type Handler = (payload: never) => void;

export function openLive(
  namespace: string,
  events: Record<string, Handler>,
  onConnection: (live: boolean) => void,
): LiveChannel {
  const socket = io(namespace, {
    path: "/socket.io",
    auth: (cb) => cb({ token: getSession()?.token ?? "" }),
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    timeout: 10_000,
  });
  socket.on("connect", () => onConnection(true));
  socket.on("disconnect", () => onConnection(false));
  socket.on("connect_error", () => {
    onConnection(false);
    // socket.io retries transport errors by itself, but not a refused handshake.
    if (!socket.active) setTimeout(() => (getSession() ? socket.connect() : undefined), 15_000);
  });
  for (const [event, handler] of Object.entries(events)) socket.on(event, handler as (payload: unknown) => void);
  return {
    socket,
    connected: () => socket.connected,
    close() {
      socket.removeAllListeners();
      socket.disconnect();
    },
    emitWithAck<T>(event: string, payload: unknown, timeoutMs = 8_000): Promise<T> {
      if (!socket.connected) return Promise.reject(new Error("not connected"));
      return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
    },
  };
}
