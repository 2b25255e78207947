"""What a payment gateway answers, once its adapter has verified and normalised it: a checkout
opened, a callback received, a status asked for. Values only; the port is
`chalicelib.ports.PaymentGateway`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping, Optional


@dataclass(frozen=True)
class Checkout:
    checkout_url: str
    gateway_reference: str = ""


@dataclass(frozen=True)
class GatewayEvent:
    """A payment gateway's callback, verified and normalised."""

    gateway: str
    transaction_id: str
    merchant_reference: str
    amount_piasters: int
    currency: str
    success: bool
    pending: bool
    occurred_at: Optional[datetime] = None
    raw: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayStatus:
    merchant_reference: str
    state: str  # "paid" | "failed" | "pending" | "unknown"
    transaction_id: str = ""
    amount_piasters: int = 0
