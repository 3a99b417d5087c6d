"""Draws the Samlast app icons (run once; the PNGs are committed).

Usage: .venv/bin/python pwa/scripts/make_icons.py
A white truck carrying three stacked crates on the accent blue: one vehicle, many suppliers.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (10, 58, 122)
WHITE = (255, 255, 255)
YELLOW = (255, 212, 0)
OUT = Path(__file__).resolve().parents[1] / "public" / "icons"


def draw(size: int, safe: float) -> Image.Image:
    """Draw the icon on a `size` square; artwork kept inside the central `safe` fraction."""
    scale = 4  # draw large, then downsample for smooth edges
    s = size * scale
    img = Image.new("RGB", (s, s), BLUE)
    d = ImageDraw.Draw(img)
    pad = s * (1 - safe) / 2
    unit = (s - 2 * pad) / 100  # artwork in a 100 x 100 grid

    def box(x0, y0, x1, y1, fill, radius=0.0):
        d.rounded_rectangle(
            (pad + x0 * unit, pad + y0 * unit, pad + x1 * unit, pad + y1 * unit),
            radius=radius * unit,
            fill=fill,
        )

    # crates (three suppliers' goods consolidated in one load)
    box(8, 22, 32, 46, YELLOW, 2)
    box(34, 22, 58, 46, YELLOW, 2)
    box(21, 0, 45, 20, YELLOW, 2)
    # truck body and cab
    box(4, 48, 64, 76, WHITE, 3)
    box(66, 54, 92, 76, WHITE, 3)
    box(72, 58, 86, 66, BLUE, 1)  # window
    # wheels
    for cx in (20, 78):
        r = 10
        d.ellipse(
            (pad + (cx - r) * unit, pad + (80 - r) * unit, pad + (cx + r) * unit, pad + (80 + r) * unit),
            fill=WHITE,
            outline=BLUE,
            width=int(3 * unit),
        )
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, 0.78).save(OUT / "icon-192.png", optimize=True)
    draw(512, 0.78).save(OUT / "icon-512.png", optimize=True)
    # maskable: artwork inside the 80 % safe zone, background to the edges
    draw(512, 0.62).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, 0.74).save(OUT / "apple-touch-icon.png", optimize=True)
    print(f"Icons written to {OUT}")


if __name__ == "__main__":
    main()
