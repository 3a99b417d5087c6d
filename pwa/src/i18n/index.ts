// Translation lookup: t(key, params). Swedish is the default; the choice is kept per device.
import { en } from "./en";
import { sv, type MessageKey, type Messages } from "./sv";

export type Locale = "sv" | "en";
export type { MessageKey };

const TABLES: Record<Locale, Messages> = { sv, en };
const STORAGE_KEY = "samlast.locale";
export const LOCALES: readonly Locale[] = ["sv", "en"];

function stored(): Locale {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === "en" || value === "sv" ? value : "sv";
  } catch {
    return "sv";
  }
}

let current: Locale = stored();
const listeners = new Set<() => void>();

export function getLocale(): Locale {
  return current;
}

/** BCP 47 tag for Intl formatting (Swedish dates and numbers in both languages' style). */
export function intlLocale(): string {
  return current === "sv" ? "sv-SE" : "en-GB";
}

export function setLocale(locale: Locale): void {
  current = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = locale;
  listeners.forEach((listener) => listener());
}

export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function hasKey(key: string): key is MessageKey {
  return key in sv;
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = TABLES[current][key] ?? sv[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}

document.documentElement.lang = current;
