// The agent's view (parcel agent, village shop or library, usually a phone at the counter):
// register a resident's parcel for a village service point or locker, hand the resident the
// tracking code, and see where each registered parcel is. Planning happens on the server at once:
// the answer says the day it rides along, or why no route takes it yet.
import { ApiError, post, postFile } from "../api/client";
import type { ApiSchema, User } from "../api/types";
import { cachedGet, combine, type Loaded } from "../data/fetch";
import { outbox, startOutbox } from "../data/outbox";
import { newClientId, nowWithOffset } from "../driver/types";
import { getLocale, t, type MessageKey } from "../i18n";
import { dayLabel, empty, errorMessage } from "../ui/components";
import { h } from "../ui/dom";
import type { View } from "../views/types";
import "./agent.css";

type Place = ApiSchema<"Place">;
type Consignment = ApiSchema<"Consignment">;
type ConsignmentBody = ApiSchema<"ConsignmentInput">;

export interface AgentData {
  places: Place[];
  consignments: Consignment[];
}

const KINDS: ConsignmentBody["kind"][] = ["parcel", "grocery", "pharmacy", "library", "return"];
const SIZES: ConsignmentBody["size_class"][] = ["small", "medium", "large"];

let registered: Consignment | null = null;

/** The day inside a sentence ("Kommer i dag", "Kommer måndag 7 dec."): Swedish writes it in lower case. */
export function dayInSentence(iso: string): string {
  const label = dayLabel(iso);
  return getLocale() === "sv" ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

function select(id: string, options: [string, string][], testId: string): HTMLSelectElement {
  return h("select", { id, "data-testid": testId }, ...options.map(([value, label]) => h("option", { value }, label)));
}

function statusLine(item: Consignment): string {
  if (item.status === "planned" && item.arrival_date) {
    const day = dayInSentence(item.arrival_date);
    if (!item.transfer) return t("rural.expected", { day });
    return t("rural.expectedViaHub", { day, hub: item.hub_name ?? t("rideAlong.terminal") });
  }
  return item.unplanned_reason ?? t(`rural.status.${item.status}` as MessageKey);
}

function form(data: AgentData, user: User, reload: () => void): HTMLElement {
  const own = new Set(user.delivery_point_ids);
  const destinations = data.places.filter((place) => !own.has(place.id));
  const destination = select("rural-destination", destinations.map((p) => [String(p.id), `${p.name} (${p.municipality})`]), "rural-destination");
  const kind = select("rural-kind", KINDS.map((k) => [k, t(`rural.kind.${k}` as MessageKey)]), "rural-kind");
  const size = select("rural-size", SIZES.map((s) => [s, t(`rural.size.${s}` as MessageKey)]), "rural-size");
  const name = h("input", { id: "rural-name", autocomplete: "off", maxlength: 120, "data-testid": "rural-name" });
  const phone = h("input", { id: "rural-phone", type: "tel", autocomplete: "off", maxlength: 40, "data-testid": "rural-phone" });
  const error = h("p", { class: "field-error", role: "alert", "data-testid": "rural-error" });
  error.hidden = true;
  const button = h("button", { type: "submit", class: "button button-primary button-block", "data-testid": "rural-register" }, t("rural.register"));
  const field = (id: string, label: MessageKey, input: HTMLElement) => h("div", { class: "field" }, h("label", { for: id }, t(label)), input);
  return h(
    "form",
    {
      class: "card rural-form",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        button.disabled = true;
        const body: ConsignmentBody = {
          kind: kind.value as ConsignmentBody["kind"],
          destination_point_id: Number(destination.value),
          size_class: size.value as ConsignmentBody["size_class"],
          resident_name: name.value.trim(),
          resident_phone: phone.value.trim(),
          pickup_point_id: null,
          temperature_class: null,
          resident_email: "",
          reference: "",
          available_from: null,
          latest_date: null,
        };
        try {
          registered = await post<Consignment>("/rural/consignments", body);
          reload();
        } catch (failure) {
          const fields = failure instanceof ApiError ? Object.values(failure.fields).flat().join(" ") : "";
          error.textContent = `${errorMessage(failure)} ${fields}`.trim();
          error.hidden = false;
          button.disabled = false;
        }
      },
    },
    h("h3", {}, t("rural.newParcel")),
    field("rural-destination", "rural.destination", destination),
    field("rural-kind", "rural.kindLabel", kind),
    field("rural-size", "rural.sizeLabel", size),
    field("rural-name", "rural.residentName", name),
    field("rural-phone", "rural.residentPhone", phone),
    error,
    button,
  );
}

interface CsvRowError {
  row: number;
  column: string;
  value: string;
  message: string;
}

/** Many parcels at once: a CSV file, all or nothing; a refusal lists every row's errors. */
let csvDone: string | null = null; // kept over the redraw that shows the new parcels

function csvUpload(reload: () => void): HTMLElement {
  const report = h(
    "div",
    { "aria-live": "polite", "data-testid": "rural-csv-report" },
    csvDone ? h("p", { role: "status", "data-testid": "rural-csv-done" }, csvDone) : null,
  );
  const chosen = h("span", { class: "cfile-name", "data-testid": "rural-csv-name" }, t("coordinator.import.noFile"));
  const input = h("input", {
    id: "rural-csv", type: "file", class: "cfile-input", accept: ".csv,text/csv", "data-testid": "rural-csv-file",
    onchange: () => (chosen.textContent = input.files?.[0]?.name ?? t("coordinator.import.noFile")),
  });
  const button = h("button", { type: "button", class: "button button-secondary", "data-testid": "rural-csv-submit" }, t("rural.csvSubmit"));
  button.addEventListener("click", async () => {
    const file = input.files?.[0];
    if (!file) {
      report.replaceChildren(h("p", { class: "field-error", role: "alert" }, t("rural.csvNoFile")));
      return;
    }
    button.disabled = true;
    csvDone = null;
    try {
      const answer = await postFile<ApiSchema<"ImportedConsignments">>("/rural/consignments.csv", file, file.name);
      csvDone = t("rural.csvDone", { n: answer.created });
      reload();
    } catch (failure) {
      const rows = (failure instanceof ApiError ? (failure.fields.rows as CsvRowError[] | undefined) : undefined) ?? [];
      report.replaceChildren(
        h("p", { class: "field-error", role: "alert" }, errorMessage(failure)),
        h("ul", { class: "rural-csv-errors", "data-testid": "rural-csv-errors" }, ...rows.map((row) =>
          h("li", {}, t("rural.csvError", { row: String(row.row), column: row.column || t("common.none"), value: row.value, message: row.message })))),
      );
    } finally {
      button.disabled = false;
    }
  });
  return h(
    "section",
    { class: "card rural-form", "data-testid": "rural-csv" },
    h("h3", {}, t("rural.csvTitle")),
    h("p", { class: "muted" }, t("rural.csvHint")),
    h("pre", { class: "rural-csv-example" }, "kind;destination;size_class;resident_name\nparcel;Ljungbacka paketskåp;small;Greta Ek"),
    h("p", { class: "muted" }, t("rural.csvHintAfter")),
    h("div", { class: "cfile" }, input, h("label", { for: "rural-csv", class: "button button-secondary" }, t("coordinator.import.choose")), chosen),
    button,
    report,
  );
}

function receipt(item: Consignment): HTMLElement {
  return h(
    "div",
    { class: "card rural-receipt", role: "status", "data-testid": "rural-receipt" },
    h("p", {}, t("rural.giveCode")),
    h("p", { class: "rural-code", "data-testid": "rural-code" }, item.tracking_code),
    h("p", {}, statusLine(item)),
    h("p", { class: "muted" }, t("rural.trackAt", { address: `${location.origin}/spara/${item.tracking_code}` })),
  );
}

/** Consignments this phone has recorded as handed to the resident (sent or waiting in the outbox). */
const handedOut = new Set<string>();

/** The resident collects at the agent's own service point: the hand-over, through the device outbox. */
function handOutButton(item: Consignment, user: User, redraw: () => void): HTMLElement | null {
  if (item.status !== "ready" || !user.delivery_point_ids.includes(item.destination_point_id)) return null;
  if (handedOut.has(item.tracking_code)) return h("span", { class: "rural-status" }, t("rural.handedOut"));
  return h("button", {
    type: "button", class: "button button-secondary", "data-testid": "rural-hand-out",
    onclick: async () => {
      await outbox.add(user.id, {
        stream: `ride-along:${item.tracking_code}`,
        path: "/rural/handovers",
        body: { client_id: newClientId(), recorded_at: nowWithOffset(), tracking_code: item.tracking_code, kind: "to_resident",
                signed_by_name: item.resident_name, signature: null, compartment_number: null },
        label: t("rural.outboxHandOut", { code: item.tracking_code }),
      });
      handedOut.add(item.tracking_code);
      redraw();
    },
  }, t("rural.handOut"));
}

function list(items: Consignment[], user: User, redraw: () => void): HTMLElement {
  if (!items.length) return empty(t("rural.none"));
  return h(
    "ul",
    { class: "rural-list", "data-testid": "rural-list" },
    ...items.map((item) =>
      h(
        "li",
        { class: "card", "data-testid": `rural-item-${item.tracking_code}` },
        h("strong", {}, `${item.tracking_code} · ${item.resident_name}`),
        h("span", {}, `${t(`rural.kind.${item.kind}` as MessageKey)} → ${item.destination_name}`),
        h("span", { class: "rural-status", "data-testid": "rural-status" }, statusLine(item)),
        handOutButton(item, user, redraw),
      ),
    ),
  );
}

async function load(): Promise<Loaded<AgentData>> {
  const [places, consignments] = await Promise.all([
    cachedGet<Place[]>("/rural/places"),
    cachedGet<Consignment[]>("/rural/consignments"),
  ]);
  return combine({ places: places.data, consignments: consignments.data }, [places, consignments]);
}

export const agentView: View<AgentData> = {
  id: "agent",
  title: "rural.title",
  load: () => load(),
  render(data, user) {
    const root = h("div", { class: "rural-agent" });
    const draw = (current: AgentData) => {
      root.replaceChildren(
        registered ? receipt(registered) : h("span", {}),
        form(current, user, () => void load().then((loaded) => draw(loaded.data))),
        csvUpload(() => void load().then((loaded) => draw(loaded.data))),
        h("h3", {}, t("rural.registered")),
        list(current.consignments, user, () => draw(current)),
      );
    };
    void startOutbox(user.id); // idempotent: sends what this device kept, also after a restart
    draw(data);
    return root;
  },
};
