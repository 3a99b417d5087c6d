// Web Push for the kitchen: "the vehicle is on its way to you" even when the app is closed.
// Subscribes where the browser allows it (service worker + PushManager + permission); anywhere
// else it quietly does nothing and the in-app notice (socket) is all there is.
import { get, post } from "../api/client";
import type { ApiSchema } from "../api/types";

export type PushState = "unsupported" | "default" | "denied" | "subscribed" | "failed";

export function pushSupported(): boolean {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

export function pushPermission(): PushState {
  if (!pushSupported()) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  return Notification.permission === "granted" ? "subscribed" : "default";
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Subscribe this device (asks for permission when `ask`); answers the resulting state. */
export async function subscribePush(ask: boolean): Promise<PushState> {
  if (!pushSupported()) return "unsupported";
  try {
    let permission = Notification.permission;
    if (permission === "default" && ask) permission = await Notification.requestPermission();
    if (permission === "denied") return "denied";
    if (permission !== "granted") return "default";
    const registration = await navigator.serviceWorker.ready;
    let subscription = await registration.pushManager.getSubscription();
    if (!subscription) {
      const { public_key } = await get<ApiSchema<"VapidKey">>("/push/vapid-public-key");
      if (!public_key) return "failed";
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(public_key),
      });
    }
    const { endpoint, keys } = subscription.toJSON();
    if (!endpoint || !keys) return "failed";
    await post("/push/subscriptions", { endpoint, keys } satisfies ApiSchema<"PushSubscription">);
    return "subscribed";
  } catch (error) {
    console.warn("Push subscription failed", error);
    return "failed";
  }
}
