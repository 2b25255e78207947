"""Opaque cursors for paginated queries: the last evaluated key, base64url JSON."""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Optional

from chalicelib.errors import ValidationFailed


def encode_cursor(last_key: Optional[dict[str, Any]]) -> Optional[str]:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(cursor: Optional[str]) -> Optional[dict[str, Any]]:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValidationFailed(fields={"cursor": "ليس مؤشرًا أعادته هذه الواجهة / not a cursor returned by this API"},
                               message_en="Invalid cursor", message_ar="مؤشر الصفحة غير صالح")
    return value
