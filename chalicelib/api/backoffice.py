"""Officers' and citizens' back-office actions on an application: decision, return and
resubmission, documents, site inspections, audit trail."""
from chalice import Blueprint

from chalicelib.api.http import caller_of, json_response, limit_param, parse_body, query_param
from chalicelib.wiring import application_store, audit_trail, clock, file_store

backoffice_api = Blueprint(__name__)
APP = "/v1/applications/{application_id}"


@backoffice_api.route(f"{APP}/decision", methods=["POST"])
def decide(application_id: str):
    from chalicelib.api import commands
    from chalicelib.api.schemas import DecisionIn
    from chalicelib import wiring
    from chalicelib.usecases import backoffice as usecase
    from chalicelib.usecases.applications import public_view

    request = backoffice_api.current_request
    caller = caller_of(request)
    body = parse_body(request, DecisionIn)
    app = usecase.decide(application_id, commands.decision(body), caller, wiring.catalogue(),
                         application_store(), clock())
    return json_response(public_view(app, caller))


@backoffice_api.route(f"{APP}/return", methods=["POST"])
def return_to_citizen(application_id: str):
    from chalicelib.api.schemas import OptionalReasonIn
    from chalicelib.usecases import backoffice as usecase
    from chalicelib.usecases.applications import public_view

    request = backoffice_api.current_request
    caller = caller_of(request)
    body = parse_body(request, OptionalReasonIn)
    app = usecase.return_to_citizen(application_id, body.reason, caller, application_store(),
                                    clock())
    return json_response(public_view(app, caller))


@backoffice_api.route(f"{APP}/resubmit", methods=["POST"])
def resubmit(application_id: str):
    from chalicelib.api import commands
    from chalicelib.api.backoffice_schemas import ResubmitIn
    from chalicelib import wiring
    from chalicelib.usecases import backoffice as usecase
    from chalicelib.usecases.applications import public_view

    request = backoffice_api.current_request
    caller = caller_of(request)
    body = parse_body(request, ResubmitIn) if request.raw_body else ResubmitIn()
    app = usecase.resubmit(application_id, commands.amendment(body), caller, wiring.catalogue(),
                           application_store(), clock())
    return json_response(public_view(app, caller))


@backoffice_api.route(f"{APP}/documents", methods=["POST"])
def upload_document(application_id: str):
    from chalicelib.api import commands
    from chalicelib.api.backoffice_schemas import DocumentIn
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    body = parse_body(request, DocumentIn)
    document, upload = usecase.request_document_upload(application_id,
                                                       commands.document_upload(body), caller,
                                                       application_store(), file_store(), clock())
    return json_response({"document": document, "upload": upload}, status=201)


@backoffice_api.route(f"{APP}/documents", methods=["GET"])
def list_documents(application_id: str):
    from chalicelib.usecases import backoffice as usecase

    caller = caller_of(backoffice_api.current_request)
    documents = usecase.list_documents(application_id, caller, application_store(), file_store())
    return json_response({"documents": documents})


@backoffice_api.route(f"{APP}/inspections", methods=["POST"])
def schedule_inspection(application_id: str):
    from chalicelib.api import commands
    from chalicelib.api.backoffice_schemas import InspectionIn
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    body = parse_body(request, InspectionIn)
    inspection = usecase.schedule_inspection(application_id, commands.inspection_booking(body),
                                             caller, application_store(), clock())
    return json_response(inspection, status=201)


@backoffice_api.route(f"{APP}/inspections", methods=["GET"])
def list_inspections(application_id: str):
    from chalicelib.usecases import backoffice as usecase

    caller = caller_of(backoffice_api.current_request)
    inspections = usecase.list_inspections(application_id, caller, application_store(),
                                           file_store())
    return json_response({"inspections": inspections})


@backoffice_api.route(f"{APP}/inspections/{{inspection_id}}/result", methods=["POST"])
def record_inspection(application_id: str, inspection_id: str):
    from chalicelib.api import commands
    from chalicelib.api.backoffice_schemas import InspectionResultIn
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    body = parse_body(request, InspectionResultIn)
    inspection = usecase.record_inspection(application_id, inspection_id,
                                           commands.inspection_result(body), caller,
                                           application_store(), clock())
    return json_response(inspection)


@backoffice_api.route(f"{APP}/inspections/{{inspection_id}}/photos", methods=["POST"])
def add_inspection_photo(application_id: str, inspection_id: str):
    from chalicelib.api.backoffice_schemas import PhotoIn
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    body = parse_body(request, PhotoIn)
    photo, upload = usecase.request_inspection_photo(application_id, inspection_id,
                                                     body.content_type, caller,
                                                     application_store(), file_store(), clock())
    return json_response({"photo": photo, "upload": upload}, status=201)


@backoffice_api.route(f"{APP}/audit", methods=["GET"])
def application_audit(application_id: str):
    from chalicelib.usecases import backoffice as usecase

    request = backoffice_api.current_request
    caller = caller_of(request)
    page = usecase.application_audit(application_id, caller, application_store(), audit_trail(),
                                     limit_param(request, default=50),
                                     query_param(request, "cursor"))
    return json_response({"records": page.items, "next_cursor": page.next_cursor})
