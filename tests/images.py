"""Small images made on the spot, for the certificate's logo and signature settings."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (300, 90), colour: int = 90) -> bytes:
    """A stroke on a transparent (PNG) or white (JPEG) ground; ``colour`` tells two apart."""
    mode = "RGBA" if kind == "PNG" else "RGB"
    ground = (255, 255, 255, 0) if mode == "RGBA" else (255, 255, 255)
    image = Image.new(mode, size, ground)
    width, height = size
    points = [(width * i // 6, height // 4 + (height // 2) * (i % 2)) for i in range(7)]
    ImageDraw.Draw(image).line(points, fill=(20, 30, colour), width=max(2, height // 15))
    buffer = BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()
