// The login screen: big fields, errors from the API next to the fields they concern.
import { ApiError, NetworkError, post } from "../api/client";
import type { ApiSchema, LoginResponse } from "../api/types";
import { t } from "../i18n";
import { municipalSignIn, signInLabel } from "../state/municipal-sign-in";
import { errorMessage } from "../ui/components";
import { h } from "../ui/dom";

type Field = "username" | "password";

// Kept across re-renders (e.g. a language switch) so nothing typed is lost.
const state = {
  username: "",
  password: "",
  busy: false,
  message: "" as string,
  fieldErrors: {} as Partial<Record<Field, string>>,
};

/** A message to show above the form the next time it is drawn (e.g. session expired). */
export function setLoginNotice(message: string): void {
  state.message = message;
}

function fieldMessages(fields: Record<string, unknown>): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const name of ["username", "password"] as const) {
    const value = fields[name];
    if (Array.isArray(value)) out[name] = value.map(String).join(" ");
    else if (typeof value === "string") out[name] = value;
  }
  return out;
}

export function deviceName(): string {
  const ua = navigator.userAgent;
  const kind = /Mobi|Android|iPhone/i.test(ua) ? "phone" : /iPad|Tablet/i.test(ua) ? "tablet" : "desktop";
  return `Samlast PWA (${kind})`.slice(0, 120);
}

export function renderLogin(onLoggedIn: (response: LoginResponse) => void, redraw: () => void): HTMLElement {
  const field = (name: Field, label: string, type: string, autocomplete: string) => {
    const error = state.fieldErrors[name];
    const input = h("input", {
      id: `login-${name}`,
      name,
      type,
      autocomplete,
      autocapitalize: "none",
      spellcheck: "false",
      value: state[name],
      "aria-invalid": error ? "true" : null,
      "aria-describedby": error ? `login-${name}-error` : null,
    });
    input.addEventListener("input", () => {
      state[name] = input.value;
    });
    return h(
      "div",
      { class: "field" },
      h("label", { for: `login-${name}` }, label),
      input,
      error ? h("p", { class: "field-error", id: `login-${name}-error` }, error) : null,
    );
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (state.busy) return;
    state.message = "";
    state.fieldErrors = {};
    if (!state.username.trim()) state.fieldErrors.username = t("login.required");
    if (!state.password) state.fieldErrors.password = t("login.required");
    if (Object.keys(state.fieldErrors).length) return redraw();

    state.busy = true;
    redraw();
    try {
      const response = await post<LoginResponse>(
        "/auth/login",
        { username: state.username.trim(), password: state.password, device: deviceName() } satisfies ApiSchema<"Login">,
        { auth: false },
      );
      state.username = "";
      state.password = "";
      state.busy = false;
      onLoggedIn(response);
    } catch (error) {
      state.busy = false;
      state.password = "";
      if (error instanceof ApiError) {
        state.fieldErrors = fieldMessages(error.fields);
        state.message = error.message;
      } else {
        state.message = error instanceof NetworkError ? t("error.network") : errorMessage(error);
      }
      redraw();
      if (state.fieldErrors.username) document.getElementById("login-username")?.focus();
      else document.getElementById("login-password")?.focus();
    }
  };

  const showPassword = h("input", { type: "checkbox", id: "login-show-password" });
  showPassword.addEventListener("change", () => {
    const input = document.getElementById("login-password") as HTMLInputElement | null;
    if (input) input.type = showPassword.checked ? "text" : "password";
  });

  const offered = municipalSignIn(redraw);
  return h(
    "form",
    { class: "login card", novalidate: true, onsubmit: submit, "data-testid": "login-form" },
    h("h2", {}, t("login.title")),
    h("p", { class: "muted" }, t("login.intro")),
    state.message
      ? h("div", { class: "alert alert-error", role: "alert", "data-testid": "login-error" }, state.message)
      : null,
    offered
      ? h(
          "div",
          { class: "municipal-sign-in" },
          h("a", { class: "button button-primary button-block", href: offered.login_url, "data-testid": "oidc-login" },
            signInLabel(offered)),
          h("p", { class: "muted login-or" }, t("login.oidc.or")),
        )
      : null,
    field("username", t("login.username"), "text", "username"),
    field("password", t("login.password"), "password", "current-password"),
    h(
      "label",
      { class: "checkbox", for: "login-show-password" },
      showPassword,
      h("span", {}, t("login.showPassword")),
    ),
    h(
      "button",
      { type: "submit", class: "button button-primary button-block", disabled: state.busy },
      state.busy ? t("login.submitting") : t("login.submit"),
    ),
  );
}
