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
  return subscribeWith(ask, {
    publicKey: async () => (await get<ApiSchema<"VapidKey">>("/push/vapid-public-key")).public_key,
    save: async (subscription) => void (await post("/push/subscriptions", subscription)),
  });
}

/** Where a subscription gets its server key and where it is stored (the kitchen's account, or
 *  one consignment's tracking code for a resident without an account). */
export interface PushTarget {
  publicKey: () => Promise<string | null | undefined>;
  save: (subscription: ApiSchema<"PushSubscription">) => Promise<void>;
}

export async function subscribeWith(ask: boolean, target: PushTarget): Promise<PushState> {
  if (!pushSupported()) return "unsupported";
  try {
    let permission = Notification.permission;
    if (permission === "default" && ask) permission = await Notification.requestPermission();
    if (permission === "denied") return "denied";
    if (permission !== "granted") return "default";
    const registration = await navigator.serviceWorker.ready;
    let subscription = await registration.pushManager.getSubscription();
    if (!subscription) {
      const publicKey = await target.publicKey();
      if (!publicKey) return "failed";
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(publicKey),
      });
    }
    const { endpoint, keys } = subscription.toJSON();
    if (!endpoint || !keys) return "failed";
    await target.save({ endpoint, keys } satisfies ApiSchema<"PushSubscription">);
    return "subscribed";
  } catch (error) {
    console.warn("Push subscription failed", error);
    return "failed";
  }
}
