// Are we online? navigator.onLine says too little on a truck's flaky link, so any failed
// fetch also counts as offline until the next answer from the server.
let browserOnline = navigator.onLine;
let serverReachable = true;
const listeners = new Set<(online: boolean) => void>();

export function isOnline(): boolean {
  return browserOnline && serverReachable;
}

function notify(): void {
  const online = isOnline();
  listeners.forEach((listener) => listener(online));
}

export function reportFetchFailed(): void {
  if (serverReachable) {
    serverReachable = false;
    notify();
  }
}

export function reportFetchOk(): void {
  if (!serverReachable) {
    serverReachable = true;
    notify();
  }
}

export function onConnectivityChange(listener: (online: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

window.addEventListener("online", () => {
  browserOnline = true;
  serverReachable = true; // give the server a new chance; the next fetch decides
  notify();
});
window.addEventListener("offline", () => {
  browserOnline = false;
  notify();
});
