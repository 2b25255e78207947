"""What an application's reader is told is still missing (chalicelib/usecases/documents.py):
the file store is asked, so an upload whose file never came is asked for again. No emulator."""
from __future__ import annotations

import pytest

from chalicelib.domain.commands import DocumentUpload
from chalicelib.usecases import backoffice, documents
from tests.fakes.scenarios import apply, catalogue, citizen, live_world, officer


@pytest.fixture
def world():
    return live_world()


def test_a_document_whose_file_never_came_is_still_missing(world):
    # GIVEN a shop application whose owner had two upload forms signed, and only one file came
    # (the phone lost its network during the second upload)
    holder = citizen()
    app = apply(world, holder)
    forms = {}
    for slot in ("national_id", "survey_map"):
        _, forms[slot] = backoffice.request_document_upload(
            app.id, DocumentUpload(slot, "application/pdf"), holder, world.applications,
            world.files, world.clock(), catalogue())
    world.files.put(forms["national_id"]["fields"]["key"], b"scan", "application/pdf")
    required = catalogue().service(app.service_code).required_documents
    # WHEN the owner, or the district's officer, reads the application
    for reader in (holder, officer("EAST")):
        read, missing = documents.read_application(app.id, reader, world.applications,
                                                   catalogue(), world.files)
        # THEN the survey map is still asked for, the ID card is not
        assert read.id == app.id
        assert "survey_map" in missing and "national_id" not in missing
        assert missing == [slot for slot in required if slot != "national_id"]
    # AND once the file comes, it is no longer missing
    world.files.put(forms["survey_map"]["fields"]["key"], b"scan", "application/pdf")
    _, missing = documents.read_application(app.id, holder, world.applications, catalogue(),
                                            world.files)
    assert "survey_map" not in missing and len(missing) == len(required) - 2
