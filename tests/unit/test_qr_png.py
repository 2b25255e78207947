"""The seal's QR image: it must scan back to the exact verification URL, and stay small."""
from __future__ import annotations

import io
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from chalicelib.adapters.qr_png import QrTooLarge, render_qr_png
from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.seal import SealClaims, sign_seal, verify_url
from tests.unit.seal_fakes import LocalSealSigner

CODES = load_catalogue().seal_codes
LONG_HOST = "https://verify.rukhsa.alexandria.gov.eg"


def worst_case_url() -> str:
    """The longest licence the format allows: 10-digit sequence, longest district code."""
    signer = LocalSealSigner()
    claims = SealClaims(
        number="ALX-MONTAZA2-2026-4294967295", kind="advertisement", district="MONTAZA2",
        lat=31.28765, lng=29.99999, valid_from=date(2026, 1, 1), valid_until=date(2036, 12, 31),
        key_id=signer.key_id,
    )
    return verify_url(LONG_HOST, sign_seal(claims, signer, CODES))


def decoded_texts(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png))
    # QR codes only: zxing-cpp's 1-D readers now and then see a short "barcode" in the modules.
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]


@pytest.mark.parametrize("attempt", range(5))
def test_the_png_scans_back_to_exactly_the_verify_url(attempt: int) -> None:
    """GIVEN a worst-case seal URL WHEN rendered and scanned THEN the scan is the URL, exactly."""
    url = worst_case_url()
    image = render_qr_png(url)
    assert decoded_texts(image.png) == [url]


def test_the_worst_case_fits_version_10_and_2_kb() -> None:
    """GIVEN a worst-case seal URL WHEN rendered THEN QR version <= 10 and PNG <= 2048 bytes."""
    image = render_qr_png(worst_case_url())
    assert image.version <= 10
    assert len(image.png) <= 2048


def test_the_png_is_a_1_bit_image_with_a_quiet_zone() -> None:
    """GIVEN a rendered seal THEN it is 1-bit, square, (17 + 4v + 8) modules of 4 px."""
    image = render_qr_png(worst_case_url())
    picture = Image.open(io.BytesIO(image.png))
    side = (17 + 4 * image.version + 2 * 4) * 4
    assert picture.mode == "1" and picture.size == (side, side)
    assert picture.getpixel((0, 0)) == 255  # quiet zone is white


def test_a_url_too_long_for_version_10_is_refused() -> None:
    """GIVEN text that needs more than version 10 THEN QrTooLarge rather than an unscannable QR."""
    with pytest.raises(QrTooLarge):
        render_qr_png("https://example.eg/" + "x" * 400)
