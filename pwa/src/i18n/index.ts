// Translation lookup: t(key, params). Swedish is the default; the choice is kept per device.
// The tables are the server's too (backend/samlast/i18n/*.json): one table per language for every
// word the user reads, so a server message (error, progress, report) is translated the same way.
// Placeholders are written {name}; tests/unit/test_i18n.py checks both tables have the same keys
// and placeholders.
import enTable from "../../../backend/samlast/i18n/en.json";
import svTable from "../../../backend/samlast/i18n/sv.json";
import type { ApiSchema } from "../api/types";

export type MessageKey = keyof typeof svTable;
export type Messages = Record<MessageKey, string>;
const sv: Messages = svTable;
// Assigning the English table to Messages makes the compiler reject a missing key.
const en: Messages = enTable;

export type Locale = "sv" | "en";

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

/** A message the server sent as a table key with parameters (a parameter may be one too). */
export type KeyedMessage = ApiSchema<"KeyedMessage">;
/** Text, a number, a message, or a list of them (written "frysvaror, kylvaror"). */
export type Param = ApiSchema<"MessageParam">;

function formatParam(value: Param): string {
  if (Array.isArray(value)) return value.map(formatParam).join(", ");
  if (typeof value === "object") return message(value);
  // Whole numbers (years, ids, counts) as they are; fractions the reader's way (0,5 in Swedish).
  if (typeof value === "number" && !Number.isInteger(value)) {
    return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 2 }).format(value);
  }
  return String(value);
}

/** The key to read: `<key>One` when the count ({n} or {count}) is exactly 1 and the tables have it,
 * so "1 rad" and "1 line" are written in the singular (the same rule as the server's text()). */
function counted(key: MessageKey, params?: Record<string, Param>): MessageKey {
  const count = params?.n ?? params?.count;
  const one = `${key}One`;
  return (count === 1 || count === "1") && hasKey(one) ? one : key;
}

export function t(key: MessageKey, params?: Record<string, Param>): string {
  key = counted(key, params);
  const template = TABLES[current][key] ?? sv[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? formatParam(params[name]!) : match,
  );
}

/**
 * A server message in the reader's language: its key's text if the tables have it, else
 * `fallback` (the server's own rendering, in the language the request asked for).
 */
export function message(value: KeyedMessage, fallback = ""): string {
  return hasKey(value.key) ? t(value.key, value.params) : fallback || value.key;
}

/** A job's or report's stored message in the current language (its key), else the server's text. */
export function serverText(item: { message: string; message_key?: string; message_params?: Record<string, Param> | null }): string {
  return item.message_key ? message({ key: item.message_key, params: item.message_params ?? {} }, item.message) : item.message;
}

document.documentElement.lang = current;
