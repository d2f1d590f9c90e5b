"""Pictures for the demo community, drawn here with Pillow: nothing is downloaded."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

from PIL import Image, ImageDraw

SIZE = (960, 720)


def _sky(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE[1]):
        t = y / SIZE[1]
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (SIZE[0], y)], fill=colour)
    return image


def mountains(sun: tuple[int, int], tint: int) -> bytes:
    image = _sky((120, 170 + tint, 225), (245, 190, 160))
    draw = ImageDraw.Draw(image)
    x, y = sun
    draw.ellipse([x - 60, y - 60, x + 60, y + 60], fill=(255, 214, 102))
    draw.polygon(
        [(0, 720), (0, 470), (260, 300), (520, 480), (960, 360), (960, 720)], (58, 120, 90)
    )
    draw.polygon([(0, 720), (0, 560), (420, 450), (960, 600), (960, 720)], fill=(34, 90, 66))
    return _jpeg(image)


def dumplings(count: int) -> bytes:
    image = _sky((250, 240, 225), (235, 215, 190))
    draw = ImageDraw.Draw(image)
    draw.ellipse([130, 110, 830, 650], fill=(240, 240, 236), outline=(190, 170, 150), width=6)
    for n in range(count):
        cx, cy = 260 + (n % 4) * 140, 250 + (n // 4) * 130
        draw.chord([cx - 60, cy - 45, cx + 60, cy + 55], 180, 360, fill=(252, 246, 230))
        draw.line([(cx - 50, cy + 5), (cx + 50, cy + 5)], fill=(215, 195, 160), width=4)
    return _jpeg(image)


def lake(boats: int) -> bytes:
    image = _sky((150, 200, 235), (200, 230, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 420, 960, 720], fill=(70, 130, 180))
    draw.polygon([(0, 420), (180, 300), (380, 420)], fill=(80, 140, 100))
    draw.polygon([(500, 420), (760, 260), (960, 420)], fill=(60, 120, 90))
    for n in range(boats):
        x = 200 + n * 220
        draw.polygon([(x, 520), (x + 120, 520), (x + 95, 560), (x + 25, 560)], fill=(180, 60, 50))
        draw.polygon([(x + 60, 430), (x + 60, 515), (x + 110, 515)], fill=(250, 250, 245))
    return _jpeg(image)


def class_photo() -> bytes:
    image = _sky((230, 225, 210), (200, 190, 170))
    draw = ImageDraw.Draw(image)
    draw.rectangle([60, 60, 900, 660], outline=(120, 100, 80), width=10)
    for row in range(3):
        for n in range(7):
            cx, cy = 170 + n * 105, 220 + row * 140
            draw.ellipse([cx - 30, cy - 30, cx + 30, cy + 30], fill=(240, 205, 170))
            draw.rectangle([cx - 38, cy + 32, cx + 38, cy + 95], fill=(40, 60, 110))
    return _jpeg(image.convert("L").convert("RGB"))


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


class PictureSource:
    """An in-memory picture offered to the media service as an upload."""

    def __init__(self, filename: str, data: bytes) -> None:
        self.filename = filename
        self.declared_type = "image/jpeg"
        self.data = data

    async def chunks(self) -> AsyncIterator[bytes]:
        yield self.data
