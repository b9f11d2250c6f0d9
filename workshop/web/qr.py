"""QR codes for join links, as SVG for pages and as text for the terminal."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def svg(data: str) -> bytes:
    """Return the QR code of data as an SVG document (no Pillow needed)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()


def terminal(data: str) -> str:
    """Return the QR code drawn with block characters for a terminal."""
    code = qrcode.QRCode(border=1)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.StringIO()
    code.print_ascii(out=buffer, invert=True)
    return buffer.getvalue()
