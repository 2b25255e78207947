"""A change to a stored item, as a table's stream reports it: the item before and after."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Optional, TypeVar

T = TypeVar("T")
REMOVE = "REMOVE"


@dataclass(frozen=True)
class Change(Generic[T]):
    event_name: str  # INSERT | MODIFY | REMOVE
    old: Optional[T]
    new: Optional[T]

    @property
    def current(self) -> Optional[T]:
        """The item as it is now; None when it was removed."""
        return None if self.event_name == REMOVE else self.new
