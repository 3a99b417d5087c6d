// The proof being filled in, kept apart from the form (proof.ts) so it survives a redraw (a
// language switch) and can be checked without a page: what is typed is text until it is sent.
import { t } from "../i18n";
import { signaturePng, type Stroke } from "./images";
import { inputNumber } from "./present";
import { NOBODY_SIGNS, type Deviation, type DriverStop, type ProofInput } from "./types";
import { parseDecimal } from "../util/numbers";

export const MAX_PHOTOS = 5;
export const SIGNATURE_HEIGHT = 180;

export interface LineDraft {
  delivered: string;
  temperature: string;
  deviation: Deviation | "";
  note: string;
}

export interface ProofDraft {
  jobKey: string;
  receiver: string;
  deviation: Deviation | "";
  note: string;
  lines: Map<number, LineDraft>;
  returns: { crates: number; roll_cages: number; pallets: number };
  photos: string[];
  strokes: Stroke[];
  signatureWidth: number;
  errors: Record<string, string>;
}

export function newDraft(stop: DriverStop): ProofDraft {
  return {
    jobKey: stop.job_key,
    receiver: "",
    deviation: "",
    note: "",
    lines: new Map(
      stop.lines.map((line) => [
        line.order_line_id,
        // What goods in found at the terminal is what is on the truck: the proof starts from it.
        { delivered: inputNumber(line.terminal_quantity ?? line.quantity), temperature: "", deviation: "", note: "" },
      ]),
    ),
    returns: { crates: 0, roll_cages: 0, pallets: 0 },
    photos: [],
    strokes: [],
    signatureWidth: 0,
    errors: {},
  };
}

export const needsTemperature = (temperature: string) => temperature === "frozen" || temperature === "chilled";

/** What is wrong with a typed quantity ("4", "0,5", "1 000"), or null when it is a number ≥ 0. */
export function quantityError(text: string): string | null {
  const value = parseDecimal(text);
  if (!text.trim()) return t("driver.proof.quantityMissing");
  return value === null || value < 0 ? t("driver.proof.quantityInvalid", { text: text.trim() }) : null;
}

/** What is wrong with a typed temperature ("−18", "4,5"; empty is allowed), or null. */
export function temperatureError(text: string): string | null {
  if (!text.trim()) return null;
  const value = parseDecimal(text);
  if (value === null) return t("driver.proof.temperatureInvalid", { text: text.trim() });
  return value < -40 || value > 40 ? t("driver.proof.temperatureRange") : null;
}

/** Check the draft; fills draft.errors and returns the proof to send, or null. */
export function buildProof(stop: DriverStop, draft: ProofDraft): ProofInput | null {
  const errors: Record<string, string> = {};
  const nobody = draft.deviation !== "" && NOBODY_SIGNS.includes(draft.deviation);
  if (!nobody && !draft.receiver.trim()) errors.receiver = t("driver.proof.receiverRequired");
  if (!nobody && !draft.strokes.length) errors.signature = t("driver.proof.signatureRequired");
  const lines = stop.lines.map((line) => {
    const input = draft.lines.get(line.order_line_id);
    const delivered = parseDecimal(input?.delivered ?? "");
    const wrongQuantity = quantityError(input?.delivered ?? "");
    if (wrongQuantity) errors[`line-${line.order_line_id}`] = wrongQuantity;
    const temperature = parseDecimal(input?.temperature ?? "");
    const wrongTemperature = needsTemperature(line.temperature_class) ? temperatureError(input?.temperature ?? "") : null;
    if (wrongTemperature) errors[`temp-${line.order_line_id}`] = wrongTemperature;
    return {
      order_line_id: line.order_line_id,
      delivered_quantity: nobody ? 0 : (delivered ?? 0),
      temperature_c: needsTemperature(line.temperature_class) ? temperature : null,
      deviation: input?.deviation || null,
      note: input?.note ?? "",
    };
  });
  draft.errors = errors;
  if (Object.keys(errors).length) return null;
  return {
    receiver_name: draft.receiver.trim(),
    signature: draft.strokes.length ? signaturePng(draft.strokes, draft.signatureWidth || 320, SIGNATURE_HEIGHT) : null,
    photos: [...draft.photos],
    deviation: draft.deviation || null,
    note: draft.note,
    lines,
    returns: { ...draft.returns },
  };
}
