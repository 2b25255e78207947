"""DynamoDB store of the counter's receipts and drawers (docs/access-patterns.md).

- Receipt sequence: config item (COUNTER, RCT-<district>-<year>), `value` = last number issued.
- Drawer closing: config item (DRAWER#<day>, <district>#<clerk sub>), written once.

A counter payment is one transaction of three items: the payment (must not exist), the clerk's
drawer for the day (must not exist: still open), and the receipt sequence (must still hold the
value read). A lost sequence race is retried by the caller with the next number, so receipt
numbers have no gaps; a replay loses on the payment and reads it back."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo_errors import CONDITION_FAILED, cancellation_codes, lost_condition
from chalicelib.adapters.dynamo_models import ConfigModel, PaymentModel, transaction_connection
from chalicelib.adapters.licence_store import COUNTER
from chalicelib.adapters.payment_store import from_model, to_model
from chalicelib.domain.counter import DrawerClosing, receipt_number, receipt_sequence_name
from chalicelib.domain.payments import Payment
from chalicelib.errors import ConcurrentUpdate
from chalicelib.ports import CounterStore, DrawerClosed


def drawer_key(day: str, district: str, clerk: str) -> tuple[str, str]:
    return f"DRAWER#{day}", f"{district}#{clerk}"


def _closing(model: ConfigModel) -> DrawerClosing:
    data = model.data or {}
    return DrawerClosing(day=model.pk.removeprefix("DRAWER#"), district=data["district"],
                         clerk=model.updated_by or "", clerk_name=data.get("clerk_name", ""),
                         counted_piasters=int(model.value or 0), closed_at=model.updated_at or "")


class DynamoCounterStore(CounterStore):
    def create_numbered(self, payment: Payment, district: str, year: int) -> Payment:
        existing = self._payment(payment.id)
        if existing is not None:
            return existing
        name = receipt_sequence_name(district, year)
        last = self._last_number(name)
        counter = dict(payment.counter or {})
        counter["receipt_number"] = receipt_number(district, year, last + 1)
        numbered = replace(payment, counter=counter)
        day, clerk = str(counter["day"]), str(counter["clerk"])
        pk, sk = drawer_key(day, district, clerk)
        # pynamodb sends a transaction's items grouped by kind: condition checks, then puts,
        # then updates. So DynamoDB's cancellation reasons come back as (drawer, payment,
        # sequence), whatever order the calls below are written in.
        try:
            with TransactWrite(connection=transaction_connection(PaymentModel.Meta.region)) as tx:
                tx.save(to_model(numbered), condition=PaymentModel.payment_id.does_not_exist())
                tx.condition_check(ConfigModel, pk, sk, condition=ConfigModel.pk.does_not_exist())
                if last == 0:
                    tx.save(ConfigModel(COUNTER, name, value=1),
                            condition=ConfigModel.pk.does_not_exist())
                else:
                    tx.update(ConfigModel(COUNTER, name), actions=[ConfigModel.value.set(last + 1)],
                              condition=ConfigModel.value == last)
        except TransactWriteError as error:
            drawer_check, payment_put = (cancellation_codes(error) + ["", ""])[:2]
            if payment_put == CONDITION_FAILED:  # a replay, or another clerk won the race
                return self._payment(payment.id) or _raise_conflict(error)
            if drawer_check == CONDITION_FAILED:
                raise DrawerClosed() from error
            raise ConcurrentUpdate() from error  # the sequence moved on: retry, next number
        return self._payment(payment.id) or numbered

    def close_drawer(self, closing: DrawerClosing) -> bool:
        pk, sk = drawer_key(closing.day, closing.district, closing.clerk)
        model = ConfigModel(pk, sk, value=closing.counted_piasters, updated_at=closing.closed_at,
                            updated_by=closing.clerk,
                            data={"district": closing.district, "clerk_name": closing.clerk_name})
        try:
            model.save(condition=ConfigModel.pk.does_not_exist())
        except PutError as error:
            if lost_condition(error):
                return False
            raise
        return True

    def drawer(self, day: str, district: str, clerk: str) -> Optional[DrawerClosing]:
        try:
            return _closing(ConfigModel.get(*drawer_key(day, district, clerk), consistent_read=True))
        except DoesNotExist:
            return None

    def closings(self, day: str, district: Optional[str] = None) -> list[DrawerClosing]:
        condition = ConfigModel.sk.startswith(f"{district}#") if district else None
        return [_closing(m) for m in ConfigModel.query(f"DRAWER#{day}", condition)]

    @staticmethod
    def _last_number(name: str) -> int:
        try:
            return int(ConfigModel.get(COUNTER, name, consistent_read=True).value or 0)
        except DoesNotExist:
            return 0

    @staticmethod
    def _payment(payment_id: str) -> Optional[Payment]:
        try:
            return from_model(PaymentModel.get(payment_id, consistent_read=True))
        except DoesNotExist:
            return None


def _raise_conflict(error: Exception) -> Payment:
    raise ConcurrentUpdate() from error
