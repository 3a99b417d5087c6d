// Municipal sign-in (OpenID Connect): the login screen asks the server whether it is offered,
// the browser goes to the municipality's provider and comes back to "/?oidc_code=…" (or
// "?oidc_error=…"), and the code is traded for a bearer token at once. The address is cleaned
// first, so the code never stays in the history.
import { get, NetworkError, post } from "../api/client";
import type { ApiSchema, LoginResponse } from "../api/types";
import { message, t } from "../i18n";

export type MunicipalSignIn = ApiSchema<"OidcConfig">;

let offer: MunicipalSignIn | null = null;
let asked = false;

/** What the server offers (null until known, and offline); `changed` redraws when it arrives. */
export function municipalSignIn(changed: () => void): MunicipalSignIn | null {
  if (!asked) {
    asked = true;
    get<MunicipalSignIn>("/auth/oidc")
      .then((answer) => {
        offer = answer;
        changed();
      })
      .catch(() => {
        asked = false; // offline or a hiccup: ask again at the next draw
      });
  }
  return offer?.enabled ? offer : null;
}

/** The words of the button: the provider's name when the municipality gave one. */
export function signInLabel(offered: MunicipalSignIn): string {
  return offered.provider_name ? t("login.oidc.buttonNamed", { provider: offered.provider_name }) : t("login.oidc.button");
}

export type ReturnFromProvider =
  | { kind: "none" }
  | { kind: "signedIn"; response: LoginResponse }
  | { kind: "refused"; message: string };

/** Handle a return from the provider in this page's address (once, at start). */
export async function takeReturnFromProvider(device: string): Promise<ReturnFromProvider> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get("oidc_code");
  const error = params.get("oidc_error");
  if (!code && !error) return { kind: "none" };
  window.history.replaceState(null, "", window.location.pathname + window.location.hash);
  if (error) {
    const values: Record<string, string> = {};
    params.forEach((value, key) => {
      if (!key.startsWith("oidc_")) values[key] = value;
    });
    return { kind: "refused", message: message({ key: `err.${error}`, params: values }, t("err.oidc.failed")) };
  }
  try {
    const response = await post<LoginResponse>(
      "/auth/oidc/exchange",
      { code: code ?? "", device } satisfies ApiSchema<"OidcExchange">,
      { auth: false },
    );
    return { kind: "signedIn", response };
  } catch (failure) {
    if (failure instanceof NetworkError) return { kind: "refused", message: t("error.network") };
    return { kind: "refused", message: failure instanceof Error && failure.message ? failure.message : t("err.oidc.failed") };
  }
}
