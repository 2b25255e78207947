"""Which required documents an application's file store really holds: what an approval, and the
payment of a service approved without review, are checked against (domain/backoffice.py)."""
from __future__ import annotations

from chalicelib.domain import backoffice
from chalicelib.domain.applications import Application
from chalicelib.domain.catalogue import Catalogue
from chalicelib.ports import FileStore


def received(app: Application, required: tuple[str, ...], files: FileStore) -> set[str]:
    """The required slots with a file in the store (an upload form signed but never used does
    not count): one look per upload, the latest first, until a file is found."""
    return {slot for slot, keys in backoffice.slots_to_check(app, required).items()
            if any(files.exists(key) for key in keys)}


def check_before_payment(app: Application, catalogue: Catalogue, files: FileStore) -> None:
    """409 documents_missing when paying now would approve the application with a required
    document not received; the file store is asked only then."""
    if not backoffice.issued_on_payment(app):
        return
    required = catalogue.service(app.service_code).required_documents
    backoffice.check_documents_before_payment(app, required, catalogue.document_slots,
                                              received(app, required, files))
