"""Officers' and citizens' back-office actions on an application: decision, return and
resubmission, documents, site inspections, audit trail."""
from chalice import Blueprint

from chalicelib.api.http import caller_of, json_response, limit_param, parse_body, query_param
from chalicelib.api.routes import route
from chalicelib.wiring import (application_store, audit_trail, catalogue, clock, file_store,
                              payment_store)

backoffice_api = Blueprint(__name__)


@route(backoffice_api, "decideApplication")
def decide(application_id: str):
    from chalicelib import wiring
    from chalicelib.api import commands
    from chalicelib.api.responses import Application, body
    from chalicelib.api.schemas import DecisionIn
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, DecisionIn)
    app = usecase.decide(application_id, commands.decision(parsed), caller, wiring.catalogue(),
                         application_store(), wiring.file_store(), clock())
    return json_response(body(Application.of(app, catalogue())))


@route(backoffice_api, "returnApplication")
def return_to_citizen(application_id: str):
    from chalicelib.api.responses import Application, body
    from chalicelib.api.schemas import OptionalReasonIn
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, OptionalReasonIn)
    app = usecase.return_to_citizen(application_id, parsed.reason, caller, application_store(),
                                    clock())
    return json_response(body(Application.of(app, catalogue())))


@route(backoffice_api, "resubmitApplication")
def resubmit(application_id: str):
    from chalicelib import wiring
    from chalicelib.api import commands
    from chalicelib.api.backoffice_schemas import ResubmitIn
    from chalicelib.api.responses import Application, body
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, ResubmitIn) if request.raw_body else ResubmitIn()
    app = usecase.resubmit(application_id, commands.amendment(parsed), caller, wiring.catalogue(),
                           application_store(), payment_store(), clock())
    return json_response(body(Application.of(app, catalogue())))


@route(backoffice_api, "requestDocumentUpload")
def upload_document(application_id: str):
    from chalicelib.api import commands
    from chalicelib.api.backoffice_schemas import DocumentIn
    from chalicelib.api.responses import DocumentUpload, body
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, DocumentIn)
    document, upload = usecase.request_document_upload(application_id,
                                                       commands.document_upload(parsed), caller,
                                                       application_store(), file_store(), clock(),
                                                       catalogue())
    answer = DocumentUpload.model_validate({"document": document, "upload": upload})
    return json_response(body(answer), status=201)


@route(backoffice_api, "listDocuments")
def list_documents(application_id: str):
    from chalicelib.api.responses import DocumentList, body
    from chalicelib.usecases import backoffice as usecase

    caller = caller_of(backoffice_api.current_request)
    documents = usecase.list_documents(application_id, caller, application_store(), file_store())
    return json_response(body(DocumentList.model_validate({"documents": documents})))


@route(backoffice_api, "scheduleInspection")
def schedule_inspection(application_id: str):
    from chalicelib.api import commands
    from chalicelib.api.backoffice_schemas import InspectionIn
    from chalicelib.api.responses import Inspection, body
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, InspectionIn)
    inspection = usecase.schedule_inspection(application_id, commands.inspection_booking(parsed),
                                             caller, application_store(), clock())
    return json_response(body(Inspection.model_validate(inspection)), status=201)


@route(backoffice_api, "listInspections")
def list_inspections(application_id: str):
    from chalicelib.api.responses import InspectionList, body
    from chalicelib.usecases import backoffice as usecase

    caller = caller_of(backoffice_api.current_request)
    inspections = usecase.list_inspections(application_id, caller, application_store(),
                                           file_store())
    return json_response(body(InspectionList.model_validate({"inspections": inspections})))


@route(backoffice_api, "recordInspectionResult")
def record_inspection(application_id: str, inspection_id: str):
    from chalicelib.api import commands
    from chalicelib.api.backoffice_schemas import InspectionResultIn
    from chalicelib.api.responses import Inspection, body
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, InspectionResultIn)
    inspection = usecase.record_inspection(application_id, inspection_id,
                                           commands.inspection_result(parsed), caller,
                                           application_store(), clock())
    return json_response(body(Inspection.model_validate(inspection)))


@route(backoffice_api, "requestInspectionPhotoUpload")
def add_inspection_photo(application_id: str, inspection_id: str):
    from chalicelib.api.backoffice_schemas import PhotoIn
    from chalicelib.api.responses import PhotoUpload, body
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, PhotoIn)
    photo, upload = usecase.request_inspection_photo(application_id, inspection_id,
                                                     parsed.content_type, caller,
                                                     application_store(), file_store(), clock())
    answer = PhotoUpload.model_validate({"photo": photo, "upload": upload})
    return json_response(body(answer), status=201)


@route(backoffice_api, "listApplicationAudit")
def application_audit(application_id: str):
    from chalicelib.api.responses import AuditPage, body
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    page = usecase.application_audit(application_id, caller, application_store(), audit_trail(),
                                     limit_param(request, default=50),
                                     query_param(request, "cursor"))
    answer = AuditPage.model_validate({"records": page.items, "next_cursor": page.next_cursor})
    return json_response(body(answer))
