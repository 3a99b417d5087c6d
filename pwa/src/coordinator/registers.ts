// Delivery points from open registers (under Listor > Leveransställen): Skolverket's school-unit
// register (JSON) or a preschool list (CSV) is read for the cluster's municipalities, the
// coordinator ticks the units that are to be delivered to, and only those become points.
import { t } from "../i18n";
import { errorMessage, formatNumber } from "../ui/components";
import { h } from "../ui/dom";
import * as api from "./api";
import type { ImportRowError, RegisterPreview, RegisterSource, RegisterUnit } from "./api";

type Read = { source: RegisterSource; file: File; preview: RegisterPreview; picked: Set<string> };

export function registerPanel(onImported: () => void): HTMLElement {
  let read: Read | null = null;
  const slot = h("div", { "aria-live": "polite", "data-testid": "register-slot" });
  const source = h(
    "select",
    { id: "register-source", "data-testid": "register-source" },
    h("option", { value: "skolverket" }, t("coordinator.registers.skolverket")),
    h("option", { value: "preschools" }, t("coordinator.registers.preschools")),
  );
  const chosen = h("span", { class: "cfile-name" }, t("coordinator.import.noFile"));
  const input = h("input", {
    id: "register-file",
    type: "file",
    class: "cfile-input",
    accept: ".json,application/json,.csv,text/csv",
    "data-testid": "register-file",
    onchange: () => (chosen.textContent = input.files?.[0]?.name ?? t("coordinator.import.noFile")),
  });

  const show = (...content: (HTMLElement | null)[]) => slot.replaceChildren(...content.filter((x): x is HTMLElement => x !== null));
  const failed = (error: unknown) => show(problem(errorMessage(error), api.importErrors(error)));

  async function readFile(): Promise<void> {
    const file = input.files?.[0];
    if (!file) return show(problem(t("coordinator.import.chooseFile"), []));
    show(h("p", { role: "status" }, t("coordinator.registers.reading")));
    const kind = source.value as RegisterSource;
    try {
      const preview = await api.previewRegister(kind, file, file.name);
      read = { source: kind, file, preview, picked: new Set(preview.units.filter((u) => !u.existing).map((u) => u.external_id)) };
      drawPick();
    } catch (error) {
      read = null;
      failed(error);
    }
  }

  async function importPicked(): Promise<void> {
    if (!read) return;
    const picked = [...read.picked];
    try {
      const answer = await api.importRegister(read.source, read.file, read.file.name, picked);
      read = null;
      show(h("div", { class: "alert alert-ok", role: "status", "data-testid": "register-ok" }, h("p", {}, answer.message)));
      onImported();
    } catch (error) {
      failed(error);
    }
  }

  function drawPick(): void {
    if (!read) return;
    const { preview, picked } = read;
    const count = h("span", {}, String(picked.size));
    const submit = h(
      "button",
      { type: "button", class: "button button-primary", "data-testid": "register-import", onclick: () => void importPicked() },
      t("coordinator.registers.import"),
      " (",
      count,
      ")",
    );
    const boxes: HTMLInputElement[] = [];
    const changed = () => {
      count.textContent = String(picked.size);
      submit.disabled = picked.size === 0;
    };
    const row = (unit: RegisterUnit) => {
      const box = h("input", {
        type: "checkbox",
        checked: picked.has(unit.external_id),
        "data-testid": "register-unit-box",
        onchange: () => {
          if (box.checked) picked.add(unit.external_id);
          else picked.delete(unit.external_id);
          changed();
        },
      });
      box.value = unit.external_id;
      boxes.push(box);
      return h(
        "li",
        { "data-testid": "register-unit" },
        h(
          "label",
          { class: "register-unit" },
          box,
          h(
            "span",
            {},
            h("strong", {}, unit.name),
            " ",
            h("span", { class: "chip" }, unit.existing ? t("coordinator.registers.exists", { name: unit.existing.name }) : t("coordinator.registers.new")),
            h("br", {}),
            h("span", { class: "muted" }, [unit.municipality, unit.address, t("coordinator.registers.code", { code: unit.external_id })].filter(Boolean).join(" · ")),
            unit.lat === null ? h("span", { class: "muted" }, ` · ${t("coordinator.registers.lookUp")}`) : null,
          ),
        ),
      );
    };
    const all = (on: boolean) => {
      for (const box of boxes) {
        box.checked = on;
        if (on) picked.add(box.value);
        else picked.delete(box.value);
      }
      changed();
    };
    changed();
    show(
      h("p", { "data-testid": "register-summary" }, t("coordinator.registers.found", { n: formatNumber(preview.units.length) })),
      leftOut(preview),
      preview.without_code.length ? withoutCode(preview, () => void readFile()) : null,
      preview.units.length
        ? h(
            "div",
            { class: "cimport-row" },
            h("button", { type: "button", class: "button button-secondary", onclick: () => all(true) }, t("coordinator.registers.all")),
            h("button", { type: "button", class: "button button-secondary", onclick: () => all(false) }, t("coordinator.registers.none")),
          )
        : null,
      preview.units.length ? h("ul", { class: "register-units" }, preview.units.map(row)) : null,
      preview.units.length ? submit : null,
    );
  }

  return h(
    "section",
    { class: "card cimport", "data-testid": "register-panel" },
    h("h3", {}, t("coordinator.registers.title")),
    h("p", {}, t("coordinator.registers.hint")),
    h("label", { for: "register-source" }, t("coordinator.registers.source")),
    source,
    h(
      "div",
      { class: "cimport-row" },
      h("div", { class: "cfile" }, input, h("label", { for: "register-file", class: "button button-secondary" }, t("coordinator.import.choose")), chosen),
      h("button", { type: "button", class: "button button-primary", "data-testid": "register-read", onclick: () => void readFile() }, t("coordinator.registers.read")),
    ),
    slot,
  );
}

/** The cluster's municipalities the register cannot match (no code): each code typed in here, then the file read again. */
function withoutCode(preview: RegisterPreview, readAgain: () => void): HTMLElement {
  const note = h("p", { "aria-live": "polite" });
  const inputs = preview.without_code.map((m) =>
    h("label", { class: "register-code" }, t("coordinator.registers.codeFor", { name: m.name }), " ", h("input", { inputmode: "numeric", maxlength: 4, size: 5, "data-id": String(m.id), "data-testid": "register-municipality-code" })),
  );
  const save = async () => {
    try {
      for (const label of inputs) {
        const input = label.querySelector("input");
        const code = input?.value.trim() ?? "";
        if (!input || !code) continue;
        if (!/^\d{4}$/.test(code)) return void (note.textContent = t("coordinator.registers.codeFormat", { code }));
        await api.setMunicipalityCode(Number(input.dataset.id), code);
      }
      readAgain();
    } catch (error) {
      note.textContent = errorMessage(error);
    }
  };
  return h(
    "div",
    { class: "alert alert-warn", "data-testid": "register-without-code" },
    h("p", {}, t("coordinator.registers.withoutCode", { names: preview.without_code.map((m) => m.name).join(", ") })),
    ...inputs,
    h("button", { type: "button", class: "button button-secondary", "data-testid": "register-save-codes", onclick: () => void save() }, t("coordinator.registers.saveCodes")),
    note,
  );
}

/** What the file held that is not offered: other municipalities (the largest named) and inactive units. */
function leftOut(preview: RegisterPreview): HTMLElement | null {
  const parts = [];
  if (preview.other_municipalities)
    parts.push(
      t("coordinator.registers.otherMunicipalities", {
        n: formatNumber(preview.other_municipalities),
        // "1280: 45, 1281: 30"; a single unit needs no count.
        names: preview.other_names.map((o) => (preview.other_municipalities === 1 ? o.name : `${o.name}: ${formatNumber(o.units)}`)).join(", "),
      }),
    );
  if (preview.inactive) parts.push(t("coordinator.registers.inactive", { n: formatNumber(preview.inactive) }));
  return parts.length ? h("p", { class: "muted" }, parts.join(" ")) : null;
}

/** The refusal, with each error by unit (JSON item or CSV row), field and value. */
function problem(message: string, rows: ImportRowError[]): HTMLElement {
  return h(
    "div",
    { class: "alert alert-error", role: "alert", "data-testid": "register-error" },
    h("p", { class: "alert-title" }, message),
    rows.length
      ? h(
          "ul",
          {},
          rows.map((e) =>
            h("li", {}, t("coordinator.registers.errorRow", { row: e.row, column: e.column || t("common.none"), value: e.value || t("common.none"), message: e.message })),
          ),
        )
      : null,
  );
}
