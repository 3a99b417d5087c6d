// Web Push for the Samlast service worker (loaded with importScripts by the generated sw.js).
// The server sends JSON: {type, title, body, ...}; the kitchen sees it as a notification.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : "" };
  }
  const title = data.title || "Samlast";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || "",
      tag: data.type === "vehicle_near" ? `near-${data.job_key || ""}` : data.type || "samlast",
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      // A resident's notice opens that consignment's tracking page; the rest open the app.
      data: { url: typeof data.url === "string" && data.url.startsWith("/") ? data.url : "/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => "focus" in client);
      if (open && url === "/") return open.focus();
      return self.clients.openWindow(url);
    }),
  );
});

// Background Sync (data/device-outbox.ts registers "samlast-outbox" when it stores a record):
// the browser wakes this worker when the network is back, and the worker tells the open app to
// send its outbox at once instead of waiting for its back-off. With the app closed the records
// wait on the device and go when it next starts (the token is the app's, not the worker's).
self.addEventListener("sync", (event) => {
  if (event.tag !== "samlast-outbox") return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      windows.forEach((client) => client.postMessage({ type: "samlast-outbox-sync" }));
    }),
  );
});
