// The one place that talks HTTP to the Samlast API. Every error becomes an ApiError
// (the server answered) or a NetworkError (it did not).
import { reportFetchFailed, reportFetchOk } from "../state/connectivity";
import { getLocale } from "../i18n";
import { getSession, setSession } from "../state/session";
import type { ApiErrorBody } from "./types";

export const API_BASE = "/api/v1";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export class NetworkError extends Error {
  constructor(cause?: unknown) {
    super("network error", { cause });
    this.name = "NetworkError";
  }
}

/** Raised after the server rejected the stored token; the session is already cleared. */
export class SessionExpired extends ApiError {}

let sessionExpiredHandler: (() => void) | null = null;
export function onSessionExpired(handler: () => void): void {
  sessionExpiredHandler = handler;
}

/**
 * Headers of every API request: the token, the user's language, in which the server
 * writes its messages (errors, progress, PDFs, CSV headers), and the device's clock as the
 * request leaves (X-Client-Time), so the server orders events by its own time even when the
 * phone's clock is off (the phone's time is kept as the reported time).
 */
export function apiHeaders({ auth = true }: { auth?: boolean } = {}): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: "application/json",
    "Accept-Language": getLocale(),
    "X-Client-Time": new Date().toISOString(),
  };
  const session = getSession();
  if (auth && session) headers.Authorization = `Bearer ${session.token}`;
  return headers;
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return (
    typeof body === "object" &&
    body !== null &&
    "error" in body &&
    typeof (body as ApiErrorBody).error?.message === "string"
  );
}

export async function request<T>(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  { auth = true }: { auth?: boolean } = {},
): Promise<T> {
  const headers = apiHeaders({ auth });
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const session = getSession();

  let response: Response;
  try {
    response = await fetch(API_BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (error) {
    reportFetchFailed();
    throw new NetworkError(error);
  }
  // A proxy or a stopped server can answer 502/503/504 with an HTML page: treat as offline.
  if ([502, 503, 504].includes(response.status) && !isJson(response)) {
    reportFetchFailed();
    throw new NetworkError(`HTTP ${response.status}`);
  }
  reportFetchOk();

  const payload: unknown = isJson(response) ? await response.json().catch(() => null) : null;
  if (response.ok) return payload as T;

  const error = isErrorBody(payload)
    ? payload.error
    : { code: "http_error", message: `HTTP ${response.status}`, fields: {} };
  if (response.status === 401 && auth && session) {
    setSession(null);
    sessionExpiredHandler?.();
    throw new SessionExpired(401, error.code, error.message, error.fields ?? {});
  }
  throw new ApiError(response.status, error.code, error.message, error.fields ?? {});
}

function isJson(response: Response): boolean {
  return (response.headers.get("Content-Type") ?? "").includes("json");
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown, opts?: { auth?: boolean }) =>
  request<T>("POST", path, body, opts);

/** A file as multipart `file` (with `fields`); the API's error, all its rows, on a refusal. */
export async function postFile<T>(path: string, file: Blob, filename: string, fields: Record<string, string> = {}): Promise<T> {
  const body = new FormData();
  body.append("file", file, filename);
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  const headers = apiHeaders();
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, { method: "POST", headers, body, cache: "no-store" });
  } catch (error) {
    reportFetchFailed();
    throw new NetworkError(error);
  }
  reportFetchOk();
  const payload = (await response.json().catch(() => null)) as
    | (T & { error?: { code: string; message: string; fields?: Record<string, unknown> } })
    | null;
  if (response.ok && payload) return payload;
  const error = payload?.error ?? { code: "http_error", message: `HTTP ${response.status}`, fields: {} };
  throw new ApiError(response.status, error.code, error.message, error.fields ?? {});
}
