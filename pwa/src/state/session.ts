// The logged-in user on this device. The token stays until logout or until the server
// rejects it, so a driver does not have to log in again in a dead zone.
import type { User } from "../api/types";

const STORAGE_KEY = "samlast.session";

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}

let current: Session | null = load();
const listeners = new Set<() => void>();

function load(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (!session.token || !session.user) return null;
    if (session.expiresAt && Date.parse(session.expiresAt) < Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  try {
    if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage unavailable: the session lasts for this page only
  }
  listeners.forEach((listener) => listener());
}

export function updateUser(user: User): void {
  if (current) setSession({ ...current, user });
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
