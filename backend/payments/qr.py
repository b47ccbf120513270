"""Render a payment payload as a QR code PNG image."""

from __future__ import annotations

import io


def render_qr_png(payload: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """PNG bytes of a QR code holding `payload` exactly.

    Error correction M: enough for screens and printouts; L made codes undecodable once a logo
    was overlaid, so switch to H if a logo is ever added. border=4 is the quiet zone the QR
    standard asks for.
    """
    if not payload:
        raise ValueError("payload must not be empty")
    if box_size < 1 or border < 0:
        raise ValueError("box_size must be at least 1 and border at least 0")
    # Imported here: a process that draws no payment QR code need not load qrcode when it starts.
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.image.pil import PilImage

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(payload)
    code.make(fit=True)
    image = code.make_image(image_factory=PilImage)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
