"""Transactional SMS through SNS."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.observability import logger, mask_phone
from chalicelib.ports import SmsDeliveryFailed, SmsNotifier


class SnsSmsNotifier(SmsNotifier):
    """Publishes one SMS per call. Provider refusals and transport errors become
    SmsDeliveryFailed so callers record and retry; the number is only ever logged masked."""

    def __init__(self, sns_client: Any, sender_id: str) -> None:
        self._sns = sns_client
        self._attributes = {
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
            "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": sender_id},
        }

    def send(self, phone_e164: str, text: str) -> str:
        try:
            response = self._sns.publish(PhoneNumber=phone_e164, Message=text,
                                         MessageAttributes=self._attributes)
        except (ClientError, BotoCoreError) as failure:
            logger.warning("sms refused", extra={"to": mask_phone(phone_e164),
                                                 "reason": type(failure).__name__})
            raise SmsDeliveryFailed(str(failure)) from failure
        return response["MessageId"]
