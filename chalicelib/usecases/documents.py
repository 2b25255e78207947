"""Which required documents an application's file store really holds: what an approval, and the
payment of a service approved without review, are checked against (domain/backoffice.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from chalicelib.domain import backoffice
from chalicelib.domain.applications import Application
from chalicelib.domain.catalogue import Catalogue
from chalicelib.ports import ApplicationStore, FileStore
from chalicelib.usecases.applications import get_application

if TYPE_CHECKING:
    from chalicelib.auth import Principal


def received(app: Application, required: tuple[str, ...], files: FileStore) -> set[str]:
    """The required slots with a file in the store (an upload form signed but never used does
    not count): one look per upload, the latest first, until a file is found."""
    return {slot for slot, keys in backoffice.slots_to_check(app, required).items()
            if any(files.exists(key) for key in keys)}


def _required(app: Application, catalogue: Catalogue) -> Optional[tuple[str, ...]]:
    """None for a service the catalogue no longer has."""
    service = catalogue.service(app.service_code)
    return service.required_documents if service is not None else None


def check_before_payment(app: Application, catalogue: Catalogue, files: FileStore) -> None:
    """409 documents_missing when paying now would approve the application with a required
    document not received; the file store is asked only then."""
    if not backoffice.issued_on_payment(app):
        return
    required = _required(app, catalogue) or ()
    backoffice.check_documents_before_payment(required, catalogue.document_slots,
                                              received(app, required, files))


def read_application(application_id: str, caller: Principal, store: ApplicationStore,
                     catalogue: Catalogue, files: FileStore
                     ) -> tuple[Application, Optional[list[str]]]:
    """An application the caller may read, and the required documents its file store does not
    hold yet (None for a service the catalogue no longer has): a document whose upload form was
    signed but whose file never came (a phone that lost its network mid-upload) is still asked
    for, rather than turning up as missing only when the officer approves."""
    app = get_application(application_id, caller, store)
    required = _required(app, catalogue)
    if required is None:
        return app, None
    have = received(app, required, files)
    return app, [slot for slot in required if slot not in have]
