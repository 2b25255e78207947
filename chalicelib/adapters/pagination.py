"""Opaque cursors for paginated queries: the last evaluated key, base64url JSON."""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Callable, Optional

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


# A narrowed page stops after this many index pages of `limit` items each: the read cost of one
# request stays bounded however few items match; the cursor then continues where it stopped.
FILTERED_READS_PER_PAGE = 5


def filtered_page(result: Any, limit: int, to_item: Callable[[dict[str, Any]], Any],
                  key_names: tuple[str, ...], reads: int = FILTERED_READS_PER_PAGE) -> tuple[list[Any], Optional[str]]:
    """At most `limit` items of a PynamoDB Query with a FilterExpression, and the cursor after
    the last one returned. `result` is the Query's ResultIterator (its per-request Limit is
    `limit`): its index pages are read one by one, at most `reads` of them, so a page may hold
    fewer than `limit` items, even none, while its cursor continues the listing. A page filled
    in the middle of an index page resumes after its last item, not after the last one read:
    its cursor is that item's `key_names` (the table's and the index's keys, as DynamoDB's own
    LastEvaluatedKey of an index Query names them)."""
    pages, items = result.page_iter, []
    for _ in range(reads):
        page = next(pages, None)
        if page is None:
            return items, None
        raw_items = page.get("Items", [])
        for position, raw in enumerate(raw_items):
            items.append(to_item(raw))
            if len(items) == limit:
                more = position + 1 < len(raw_items) or pages.last_evaluated_key
                last = {name: raw[name] for name in key_names}
                return items, encode_cursor(last) if more else None
        if not pages.last_evaluated_key:
            return items, None
    return items, encode_cursor(pages.last_evaluated_key)
