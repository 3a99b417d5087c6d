// Files behind the bearer token (the PDF receipt, the CSV export): a plain link cannot send
// the Authorization header, so fetch the file and hand the browser an object URL.
import { API_BASE, ApiError, NetworkError, apiHeaders } from "../api/client";

async function fetchFile(path: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(API_BASE + path, {
      headers: apiHeaders(),
      cache: "no-store",
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(response.status, body?.error?.code ?? "http_error", body?.error?.message ?? `HTTP ${response.status}`);
  }
  return response.blob();
}

/** Save a file under `filename` (CSV export). */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const url = URL.createObjectURL(await fetchFile(path));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Show a PDF in a new tab (the browser's viewer); falls back to a download when blocked. */
export async function openPdf(path: string, filename: string): Promise<void> {
  const tab = window.open("", "_blank");
  const blob = await fetchFile(path).catch((error: unknown) => {
    tab?.close();
    throw error;
  });
  const url = URL.createObjectURL(blob);
  if (tab) {
    tab.location.href = url;
  } else {
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.click();
  }
  setTimeout(() => URL.revokeObjectURL(url), 5 * 60_000);
}
