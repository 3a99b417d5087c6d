// A signature drawn with a finger: the strokes, drawing them, the PNG sent to the server, and a
// pad (canvas with a clear button) for any hand-over (the driver's proof of delivery draws its
// own pad with the same strokes; the terminal's load hand-over uses `signaturePad`).
import { h } from "./dom";

export type Stroke = { x: number; y: number }[];

/** Draw strokes (in CSS pixels of a box `width` wide) on a canvas context. */
export function drawStrokes(ctx: CanvasRenderingContext2D, strokes: Stroke[], scale: number): void {
  ctx.save();
  ctx.scale(scale, scale);
  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#000";
  for (const stroke of strokes) {
    const [first, ...rest] = stroke;
    if (!first) continue;
    ctx.beginPath();
    ctx.moveTo(first.x, first.y);
    if (!rest.length) ctx.lineTo(first.x + 0.1, first.y + 0.1);
    for (const point of rest) ctx.lineTo(point.x, point.y);
    ctx.stroke();
  }
  ctx.restore();
}

/** The signature as a PNG data URL, black on white, at CSS size. */
export function signaturePng(strokes: Stroke[], width: number, height: number): string {
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width));
  canvas.height = Math.max(1, Math.round(height));
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no canvas");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  drawStrokes(ctx, strokes, 1);
  return canvas.toDataURL("image/png");
}

export interface SignaturePad {
  element: HTMLElement;
  strokes(): Stroke[];
  /** The PNG data URL of what is drawn, or null when nothing is. */
  png(): string | null;
  clear(): void;
}

/** A pad `height` CSS pixels high, the full width of its box. */
export function signaturePad(options: {
  label: string;
  hint: string;
  clearLabel: string;
  testId: string;
  height?: number;
  /** Called when a stroke ends (a form clears its "please sign" error). */
  onStroke?: () => void;
}): SignaturePad {
  const height = options.height ?? 180;
  let strokes: Stroke[] = [];
  let width = 320;
  const canvas = h("canvas", { class: "signature-canvas", "data-testid": options.testId, "aria-label": options.hint, role: "img", height });
  let current: Stroke | null = null;
  const scale = () => window.devicePixelRatio || 1;
  const redraw = () => {
    width = canvas.clientWidth || width;
    canvas.width = Math.round(width * scale());
    canvas.height = Math.round(height * scale());
    const ctx = canvas.getContext("2d");
    if (ctx) drawStrokes(ctx, strokes, scale());
  };
  const point = (event: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return { x: Math.round((event.clientX - box.left) * 10) / 10, y: Math.round((event.clientY - box.top) * 10) / 10 };
  };
  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    redraw();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    event.preventDefault();
    current.push(point(event));
    redraw();
  });
  const end = () => {
    if (current) options.onStroke?.();
    current = null;
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  requestAnimationFrame(redraw);
  const clear = () => {
    strokes = [];
    redraw();
  };
  const element = h(
    "div",
    { class: "field" },
    h("label", {}, options.label),
    h("p", { class: "muted small" }, options.hint),
    canvas,
    h("button", { type: "button", class: "button", "data-testid": `${options.testId}-clear`, onclick: clear }, options.clearLabel),
  );
  return {
    element,
    strokes: () => strokes,
    png: () => (strokes.length ? signaturePng(strokes, width, height) : null),
    clear,
  };
}
