// Pictures on the phone: photos downscaled before they are queued, the signature as a PNG.

export const PHOTO_MAX_PX = 1600;
export const PHOTO_QUALITY = 0.8;

async function decode(file: Blob): Promise<CanvasImageSource & { width: number; height: number }> {
  if (typeof createImageBitmap === "function") {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch {
      // fall back to an <img> (older Safari)
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A JPEG data URL no larger than PHOTO_MAX_PX on its longer side. */
export async function downscalePhoto(file: Blob, maxPx = PHOTO_MAX_PX): Promise<string> {
  const image = await decode(file);
  const scale = Math.min(1, maxPx / Math.max(image.width, image.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(image.width * scale));
  canvas.height = Math.max(1, Math.round(image.height * scale));
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no canvas");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  if ("close" in image && typeof image.close === "function") image.close();
  return canvas.toDataURL("image/jpeg", PHOTO_QUALITY);
}

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
