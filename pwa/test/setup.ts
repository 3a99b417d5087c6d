// What the browser gives the app and Node does not: localStorage and document.documentElement.
import "fake-indexeddb/auto";

class MemoryStorage {
  private items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
}

Object.assign(globalThis, { localStorage: new MemoryStorage() });
if (typeof document === "undefined") {
  Object.assign(globalThis, { document: { documentElement: { lang: "sv" } } });
}
if (typeof navigator === "undefined") {
  Object.assign(globalThis, { navigator: { onLine: true } });
}
if (typeof window === "undefined") {
  Object.assign(globalThis, { window: Object.assign(globalThis, { addEventListener() {}, removeEventListener() {} }) });
}
