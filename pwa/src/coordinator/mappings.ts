// Peppol documents name delivery places and sellers by their own identifiers (GLN, organisation
// numbers). A document refused for an unknown one gets, in its error row, a way to map that
// identifier to a delivery point or supplier; the mappings made are listed under the import.
import { t } from "../i18n";
import { errorMessage } from "../ui/components";
import { h } from "../ui/dom";
import * as api from "./api";
import type { ImportRowError, PartyMapping } from "./api";

type Kind = PartyMapping["kind"] & ("delivery_point" | "supplier");
export type Targets = { points: Map<number, string>; suppliers: Map<number, string> };

const KIND_OF_CODE: Record<string, Kind> = { "peppol.unknown_location": "delivery_point", "peppol.unknown_supplier": "supplier" };

/** "0088:7300009012345, S-1" (as the server shows a document's identifiers) -> [scheme, identifier] pairs. */
export function identifiers(shown: string): [string, string][] {
  return shown
    .split(", ")
    .filter(Boolean)
    .map((id) => {
      const colon = id.indexOf(":");
      // A scheme is a short code (0088, 0007); an identifier may itself hold a colon.
      return colon > 0 && colon <= 6 ? [id.slice(0, colon), id.slice(colon + 1)] : ["", id];
    });
}

function options(targets: Map<number, string>): HTMLOptionElement[] {
  return [...targets.entries()].sort((a, b) => a[1].localeCompare(b[1], "sv")).map(([id, name]) => h("option", { value: String(id) }, name));
}

/** For an "unknown location/supplier" error: pick what the identifier means, and map it. */
export function mapControl(error: ImportRowError, targets: Targets): HTMLElement | null {
  const kind = KIND_OF_CODE[error.code ?? ""];
  const ids = identifiers(error.value ?? "");
  if (!kind || !ids.length) return null;
  const note = h("p", { class: "muted", "aria-live": "polite" });
  const which = h("select", { "aria-label": t("coordinator.mapping.identifier") }, ids.map(([scheme, id], i) => h("option", { value: String(i) }, scheme ? `${scheme}:${id}` : id)));
  const target = h(
    "select",
    { "aria-label": t(kind === "delivery_point" ? "coordinator.mapping.point" : "coordinator.mapping.supplier"), "data-testid": "mapping-target" },
    h("option", { value: "" }, t(kind === "delivery_point" ? "coordinator.mapping.choosePoint" : "coordinator.mapping.chooseSupplier")),
    options(kind === "delivery_point" ? targets.points : targets.suppliers),
  );
  const save = async () => {
    const [scheme, identifier] = ids[Number(which.value)] ?? ids[0];
    if (!target.value) return void (note.textContent = t(kind === "delivery_point" ? "coordinator.mapping.choosePoint" : "coordinator.mapping.chooseSupplier"));
    try {
      const mapping = await api.addPartyMapping({ kind, scheme, identifier, target_id: Number(target.value) });
      form.replaceChildren(h("p", { role: "status", "data-testid": "mapping-done" }, t("coordinator.mapping.done", { id: identifier, name: mapping.target_name })));
    } catch (e) {
      note.textContent = errorMessage(e);
    }
  };
  const form = h(
    "div",
    { class: "mapping-form", "data-testid": "mapping-form" },
    ids.length > 1 ? which : null,
    target,
    h("button", { type: "button", class: "button button-secondary", "data-testid": "mapping-save", onclick: () => void save() }, t("coordinator.mapping.save")),
    note,
  );
  return form;
}

/** The identifiers mapped so far, under the orders' import. */
export function mappingsPanel(): HTMLElement {
  const body = h("div", {}, h("p", { class: "muted" }, t("common.loading")));
  const section = h("details", { class: "card", "data-testid": "mappings" }, h("summary", {}, t("coordinator.mapping.title")), body);
  section.addEventListener("toggle", () => {
    if (!section.open) return;
    api
      .partyMappings()
      .then((rows) =>
        body.replaceChildren(
          rows.length
            ? h(
                "ul",
                {},
                rows.map((m) =>
                  h("li", {}, t(m.kind === "supplier" ? "coordinator.mapping.rowSupplier" : "coordinator.mapping.rowPoint", { id: m.scheme ? `${m.scheme}:${m.identifier}` : m.identifier, name: m.target_name })),
                ),
              )
            : h("p", { class: "muted" }, t("coordinator.mapping.none")),
          h("p", { class: "muted" }, t("coordinator.mapping.hint")),
        ),
      )
      .catch((e) => body.replaceChildren(h("p", { role: "alert" }, errorMessage(e))));
  });
  return section;
}
