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

// Drawn signatures are shared with the terminal's load hand-over: see ui/signature.ts.
export { drawStrokes, signaturePng, type Stroke } from "../ui/signature";
