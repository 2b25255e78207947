"""Render a seal's verification URL as a small black-and-white QR PNG.

qrcode and Pillow load lazily: only the Lambdas that draw QR codes pay for them.
"""
from __future__ import annotations

import io

from chalicelib.domain.printing import QrImage
from chalicelib.ports import QrRenderer, QrTooLarge

# 4 px per module: two modules per byte of a 1-bit row, so rows repeat byte-for-byte and zlib
# packs a version 8 code into about 650 bytes, while 228 px still scans well from a phone.
BOX_SIZE_PX = 4
QUIET_ZONE_MODULES = 4  # the quiet zone ISO/IEC 18004 asks for
MAX_VERSION = 10


def render_qr_png(url: str) -> QrImage:
    """QR at error correction M, the smallest version that fits, as a 1-bit optimised PNG.

    qrcode splits the text into segments, so the upper-case base32 token rides in
    alphanumeric mode (5.5 bits a character) even when the host part is lower case.
    """
    import qrcode
    from qrcode.image.pil import PilImage

    qr = qrcode.QRCode(
        version=None,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=BOX_SIZE_PX,
        border=QUIET_ZONE_MODULES,
        image_factory=PilImage,
    )
    qr.add_data(url)
    qr.make(fit=True)
    if qr.version > MAX_VERSION:
        raise QrTooLarge(f"url needs QR version {qr.version}, more than {MAX_VERSION}")
    image = qr.make_image().get_image().convert("1")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return QrImage(png=buffer.getvalue(), version=qr.version)


class PngQrRenderer(QrRenderer):
    """The QR port, drawn by qrcode and Pillow (loaded on the first render only)."""

    def render(self, url: str) -> QrImage:
        return render_qr_png(url)
