// The app shell: header (user, role, language, logout), offline banner and the view that
// belongs to the user's role. Everything is redrawn from state; data is fetched only when
// the user or the view changes, or on "try again".
import { get, NetworkError, onSessionExpired, post } from "./api/client";
import type { LoginResponse, Role, User } from "./api/types";
import { clearCache } from "./data/cache";
import type { Loaded } from "./data/fetch";
import { getLocale, LOCALES, onLocaleChange, setLocale, t } from "./i18n";
import { isOnline, onConnectivityChange } from "./state/connectivity";
import { getSession, setSession, updateUser } from "./state/session";
import { errorBox, loading, savedCopyNote } from "./ui/components";
import { drawInto, h } from "./ui/dom";
import { coordinatorView } from "./views/coordinator";
import { driverView } from "./views/driver";
import { takeReturnFromProvider } from "./state/municipal-sign-in";
import { deviceName, renderLogin, setLoginNotice } from "./views/login";
import { producerView } from "./views/producer";
import { recipientView } from "./views/recipient";
import { terminalView } from "./views/terminal";
import { agentView } from "./agent/agent";
import { renderTracking, trackingCodeInAddress } from "./agent/tracking";
import type { View } from "./views/types";

// One home view per role; more views per role can be added with a small router later.
const VIEWS: Record<Role, View<unknown>> = {
  coordinator: coordinatorView as View<unknown>,
  recipient: recipientView as View<unknown>,
  producer: producerView as View<unknown>,
  driver: driverView as View<unknown>,
  terminal: terminalView as View<unknown>,
  agent: agentView as View<unknown>,
};

type ViewState =
  | { status: "loading" }
  | { status: "ready"; loaded: Loaded<unknown> }
  | { status: "error"; error: unknown };

let root: HTMLElement;
let viewState: ViewState = { status: "loading" };
let loadToken = 0;

function viewFor(user: User): View<unknown> | null {
  return VIEWS[user.role] ?? null;
}

async function loadView(): Promise<void> {
  const session = getSession();
  const view = session && viewFor(session.user);
  if (!session || !view) return render();
  const token = ++loadToken;
  viewState = { status: "loading" };
  render();
  try {
    const loaded = await view.load(session.user);
    if (token === loadToken) viewState = { status: "ready", loaded };
  } catch (error) {
    if (token === loadToken) viewState = { status: "error", error };
  }
  if (token === loadToken) render();
}

function languageSwitch(): HTMLElement {
  return h(
    "div",
    { class: "lang-switch", role: "group", "aria-label": t("header.language") },
    LOCALES.map((locale) =>
      h(
        "button",
        {
          type: "button",
          lang: locale,
          class: "lang-button",
          "aria-pressed": String(locale === getLocale()),
          "data-testid": `lang-${locale}`,
          onclick: () => setLocale(locale),
        },
        t(`lang.${locale}`),
      ),
    ),
  );
}

async function logout(): Promise<void> {
  try {
    await post("/auth/logout");
  } catch {
    // offline or token already gone: forget it on this device anyway
  }
  setSession(null);
  await clearCache();
  viewState = { status: "loading" };
  render();
}

function header(user: User | null): HTMLElement {
  return h(
    "header",
    { class: "app-header" },
    h(
      "div",
      { class: "brand" },
      h("img", { src: "/favicon.svg", alt: "", width: 40, height: 40 }),
      h("div", {}, h("h1", {}, t("app.name")), h("p", { class: "tagline" }, t("app.tagline"))),
    ),
    h(
      "div",
      { class: "header-tools" },
      user
        ? h(
            "div",
            { class: "who", "data-testid": "user" },
            h("span", { class: "who-name" }, user.display_name || user.username),
            h("span", { class: "who-role", "data-testid": "role" }, t(`role.${user.role}`)),
          )
        : null,
      languageSwitch(),
      user
        ? h("button", { type: "button", class: "button button-secondary", onclick: () => void logout(), "data-testid": "logout" }, t("header.logout"))
        : null,
    ),
  );
}

function offlineBanner(): HTMLElement {
  return h(
    "div",
    { class: "offline-banner", role: "status", "data-testid": "offline", hidden: isOnline() },
    t("offline.banner"),
  );
}

function main(user: User | null): HTMLElement {
  // The residents' tracking page is public: no login, whoever is signed in on this device.
  const tracking = trackingCodeInAddress();
  if (tracking !== null) return h("main", { class: "app-main narrow" }, renderTracking(tracking));
  if (!user) {
    return h("main", { class: "app-main narrow" }, renderLogin(onLoggedIn, render));
  }
  const view = viewFor(user);
  if (!view) {
    return h("main", { class: "app-main" }, errorBox(new Error(t("error.unknownRole", { role: user.role }))));
  }
  const body =
    viewState.status === "loading"
      ? loading()
      : viewState.status === "error"
        ? errorBox(viewState.error, () => void loadView())
        : h("div", {}, savedCopyNote(viewState.loaded.savedAt), view.render(viewState.loaded.data, user));
  return h(
    "main",
    { class: "app-main", "data-view": view.id },
    h("h2", { class: "view-title" }, t(view.title)),
    body,
  );
}

/** Every page's title, in one place: the view's part (a tab, a screen) or the view, then the app. */
function setPageTitle(): void {
  const user = getSession()?.user ?? null;
  const view = user ? viewFor(user) : null;
  const key = !user ? "login.title" : view ? (view.pageTitle?.() ?? view.title) : "app.name";
  document.title = `${t(key)} – ${t("app.name")}`;
}

export function render(): void {
  const user = getSession()?.user ?? null;
  setPageTitle();
  drawInto(root, header(user), offlineBanner(), main(user));
}

function onLoggedIn(response: LoginResponse): void {
  setSession({ token: response.token, expiresAt: response.expires_at, user: response.user });
  void loadView();
}

/** Refresh the stored user (name, role, links may have changed). Offline: keep what we have. */
async function refreshUser(): Promise<void> {
  if (!getSession()) return;
  try {
    const user = await get<User>("/auth/me");
    const before = getSession()?.user;
    updateUser(user);
    if (before && (before.role !== user.role || before.supplier_id !== user.supplier_id ||
        before.delivery_point_ids.join() !== user.delivery_point_ids.join())) {
      void loadView();
    } else {
      render();
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) console.warn("Could not refresh the user", error);
  }
}

export function startApp(element: HTMLElement): void {
  root = element;
  // A view's tabs and screens change the address without a redraw of the shell.
  window.addEventListener("hashchange", setPageTitle);
  window.addEventListener("popstate", setPageTitle);
  onLocaleChange(render);
  onConnectivityChange((online) => {
    const banner = root.querySelector<HTMLElement>(".offline-banner");
    if (banner) banner.hidden = online;
    // Back online while showing an error or a saved copy: fetch fresh data.
    if (online && getSession() && (viewState.status === "error" ||
        (viewState.status === "ready" && viewState.loaded.savedAt !== null))) {
      void loadView();
    }
  });
  onSessionExpired(() => {
    setLoginNotice(t("error.sessionExpired"));
    void clearCache();
    viewState = { status: "loading" };
    render();
  });
  void takeReturnFromProvider(deviceName()).then((back) => {
    if (back.kind === "signedIn") return onLoggedIn(back.response);
    if (back.kind === "refused") setLoginNotice(back.message);
    void loadView();
    void refreshUser();
  });
}
