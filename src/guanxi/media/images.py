"""Images: check them, and make what is served — the original re-encoded without EXIF, GPS
or other metadata (orientation applied), a preview and a thumbnail (a video's poster frame
gets the same two: `poster.py`)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pillow_heif
from PIL import Image, ImageOps

from guanxi.errors import InvalidInput
from guanxi.media.models import IMAGE, Probe

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
CONVERTED = ("HEIF", "AVIF", "TIFF")  # served as JPEG (PNG with transparency): browsers show it
ANIMATED = ("GIF", "PNG", "WEBP")  # a multi-image HEIF or TIFF is served as its first image
pillow_heif.register_heif_opener()
THUMBNAIL, PREVIEW = 320, 1280
KEPT_INFO = ("icc_profile", "transparency", "duration", "loop", "background")
BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)


@dataclass(frozen=True)
class ImageLimits:
    max_pixels: int  # width × height × frames decoded
    max_frames: int
    max_animation_ms: int


@dataclass(frozen=True)
class Renditions:
    """A picture's preview and thumbnail: WebP, without metadata."""

    preview: bytes
    thumbnail: bytes


@dataclass(frozen=True)
class Rendered:
    probe: Probe
    served: bytes
    smaller: Renditions


def render(path: Path, limits: ImageLimits) -> Rendered:
    """Decode, check and re-encode an image; InvalidInput if it is not a sound image. Any
    error of a decoder or encoder (Pillow raises OSError, SyntaxError, ValueError, struct.error,
    IndexError, OverflowError, MemoryError… on crafted files) is a bad image, never a 500."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _render(path, limits)
        except InvalidInput:
            raise
        except BOMB as exc:
            raise _bomb() from exc
        except Exception as exc:
            raise InvalidInput("The image could not be read.", "bad_image") from exc


def _render(path: Path, limits: ImageLimits) -> Rendered:
    with Image.open(path, formats=[*FORMATS, *CONVERTED]) as image:
        fmt = _served_format(image)
        frames = _check_animation(image, limits) if image.format in ANIMATED else 1
        if image.width * image.height * frames > limits.max_pixels:
            raise _bomb()
        image.load()
        animated = frames > 1
        upright = image if animated else ImageOps.exif_transpose(image)
        if image.format in CONVERTED:  # CMYK, 16-bit, float: what JPEG and PNG hold
            upright = upright.convert("RGBA" if fmt == "PNG" else "RGB")
        served = _encode_original(upright, fmt, animated)
        first = upright.copy()
    probe = Probe(kind=IMAGE, mime=FORMATS[fmt], width=first.width, height=first.height)
    return Rendered(probe, served, renditions(first))


def renditions(picture: Image.Image) -> Renditions:
    """The preview and thumbnail of a photo or of a video's poster frame."""
    return Renditions(_scaled(picture, PREVIEW), _scaled(picture, THUMBNAIL))


def _served_format(image: Image.Image) -> str:
    """The format served: the upload's own, or JPEG/PNG for a HEIF, AVIF or TIFF photo."""
    if image.format in FORMATS:
        return image.format or ""
    if image.format in CONVERTED:
        return "PNG" if _has_alpha(image) else "JPEG"
    raise InvalidInput("Images are JPEG, PNG, WebP, GIF, HEIC, AVIF or TIFF.", "bad_image")


def _check_animation(image: Image.Image, limits: ImageLimits) -> int:
    """The number of frames, counted by stepping through at most one more than allowed (a
    GIF's frame count is only known by walking it: 100,000 one-pixel frames took 17 s to
    decode); refused past the frame or length limit."""
    if not getattr(image, "is_animated", False):
        return 1
    frames, length_ms = 0, 0.0
    for index in range(limits.max_frames + 1):
        try:
            image.seek(index)
        except EOFError:
            break
        frames += 1
        length_ms += float(image.info.get("duration") or 0)
    image.seek(0)
    if frames > limits.max_frames:
        raise InvalidInput(
            f"An animation may have at most {limits.max_frames} frames.", "too_many_frames"
        )
    if length_ms > limits.max_animation_ms:
        seconds = limits.max_animation_ms / 1000
        raise InvalidInput(f"An animation may last at most {seconds:g} s.", "animation_too_long")
    return frames


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
    small = image.convert("RGBA" if _has_alpha(image) else "RGB")
    small.thumbnail((long_side, long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    small.save(out, format="WEBP", quality=80)
    return out.getvalue()


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
