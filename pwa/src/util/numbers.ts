// Numbers as people type them: "0,5" and "0.5" are a half, "1 000" is a thousand. Anything
// else is refused (null), never reinterpreted: "0,5" must not become 5, "5 kg" is not 5.
// Inputs use type="text" with inputmode="decimal", because a type="number" input drops a
// decimal comma in some browsers and locales before the app ever sees it.

const DECIMAL = /^[+-]?(\d+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+)?(?:[.,](\d+))?$/;

export function parseDecimal(value: string): number | null {
  const cleaned = value.trim().replace(/\u2212/g, "-");
  if (!cleaned || !DECIMAL.test(cleaned) || !/\d/.test(cleaned)) return null;
  const number = Number(cleaned.replace(/[ \u00a0\u202f]/g, "").replace(",", "."));
  return Number.isFinite(number) ? number : null;
}
