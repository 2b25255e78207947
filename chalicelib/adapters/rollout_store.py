"""Which services are live in which districts: admin-editable, no deploy needed."""
from __future__ import annotations

from typing import Iterable, Mapping

from chalicelib.adapters.dynamo_models import ConfigModel
from chalicelib.ports import RolloutStore

ROLLOUT = "ROLLOUT"


class DynamoRolloutStore(RolloutStore):
    def all(self) -> dict[str, tuple[str, ...]]:
        """Every service's live districts, in one Query."""
        # Consistent: an admin's toggle must take effect on the very next request.
        return {item.sk: tuple(item.districts or ())
                for item in ConfigModel.query(ROLLOUT, consistent_read=True)}

    def set(self, service_code: str, districts: Iterable[str], by: str, at: str) -> None:
        ConfigModel(ROLLOUT, service_code, districts=sorted(set(districts)), updated_by=by,
                    updated_at=at).save()

    def seed(self, defaults: Mapping[str, Iterable[str]], at: str) -> None:
        """Write defaults only where nothing is set yet, so a re-seed never undoes an admin."""
        existing = self.all()
        for code, districts in defaults.items():
            if code not in existing:
                self.set(code, districts, by="seed", at=at)
