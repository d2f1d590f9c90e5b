"""Images: check them, and make what is served — the original re-encoded without EXIF, GPS
or other metadata (orientation applied), a preview and a thumbnail."""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from guanxi.errors import InvalidInput
from guanxi.media.models import IMAGE, Probe

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
THUMBNAIL, PREVIEW = 320, 1280
KEPT_INFO = ("icc_profile", "transparency", "duration", "loop", "background")
BROKEN = (  # what Pillow raises on a damaged file (a GIF cut after "!" or ",": the last two)
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    struct.error,
    UnidentifiedImageError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


@dataclass(frozen=True)
class Rendered:
    probe: Probe
    served: bytes
    preview: bytes
    thumbnail: bytes


def render(path: Path, max_pixels: int) -> Rendered:
    """Decode, check and re-encode an image; InvalidInput if it is not a sound image."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _render(path, max_pixels)
        except InvalidInput:
            raise
        except BROKEN as exc:
            if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
                raise _bomb() from exc
            raise InvalidInput("The image could not be read.", "bad_image") from exc


def _render(path: Path, max_pixels: int) -> Rendered:
    with Image.open(path) as image:
        mime = FORMATS.get(image.format or "")
        if mime is None:
            raise InvalidInput("Images are JPEG, PNG, WebP or GIF.", "bad_image")
        frames = getattr(image, "n_frames", 1)
        if image.width * image.height * frames > max_pixels:
            raise _bomb()
        fmt = image.format or ""
        image.load()
        animated = frames > 1
        upright = image if animated else ImageOps.exif_transpose(image)
        served = _encode_original(upright, fmt, animated)
        first = upright.copy()
    probe = Probe(IMAGE, mime, width=first.width, height=first.height)
    return Rendered(probe, served, _scaled(first, PREVIEW), _scaled(first, THUMBNAIL))


def _bomb() -> InvalidInput:
    return InvalidInput("The image has too many pixels.", "image_too_big")


def _encode_original(image: Image.Image, fmt: str, animated: bool) -> bytes:
    image.info = {k: v for k, v in image.info.items() if k in KEPT_INFO}
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    options: dict[str, Any] = {"format": fmt, "exif": b""}
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = 90
    if animated:
        options["save_all"] = True
    if "icc_profile" in image.info:
        options["icc_profile"] = image.info["icc_profile"]
    out = io.BytesIO()
    image.save(out, **options)
    return out.getvalue()


def _scaled(image: Image.Image, long_side: int) -> bytes:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    small = image.convert("RGBA" if has_alpha else "RGB")
    small.thumbnail((long_side, long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    small.save(out, format="WEBP", quality=80)
    return out.getvalue()
