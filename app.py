"""Rukhsa: wiring only. Routes and event handlers live in chalicelib."""
import os

from chalice import Chalice, Cron, Rate

from chalicelib.api.admin import admin_api
from chalicelib.api.applications import applications_api
from chalicelib.api.backoffice import backoffice_api
from chalicelib.api.catalogue import catalogue_api
from chalicelib.api.counter import counter_api
from chalicelib.api.dev import dev_api
from chalicelib.api.docs import docs_api
from chalicelib.api.http import install_error_handling
from chalicelib.api.licences import licences_api
from chalicelib.api.payments import payments_api
from chalicelib.api.renewals import renewals_api
from chalicelib.api.routes import install_private_caching
from chalicelib.api.verification import verification_api
from chalicelib.api.violations import violations_api

PLACEHOLDER_ARN = "arn:aws:dynamodb:eu-central-1:000000000000:table/placeholder/stream/1970-01-01T00:00:00.000"

app = Chalice(app_name="rukhsa")
for blueprint in (catalogue_api, applications_api, payments_api, licences_api, renewals_api,
                  backoffice_api, admin_api, counter_api, violations_api, verification_api, dev_api,
                  docs_api):
    app.register_blueprint(blueprint)
install_error_handling(app)
install_private_caching(app)


@app.on_dynamodb_record(stream_arn=os.environ.get("APPLICATIONS_STREAM_ARN", PLACEHOLDER_ARN))
def on_application_change(event):
    from chalicelib.events.applications_stream import on_application_records

    return on_application_records(event)


# 22:30 UTC is 00:30 in Cairo in winter (UTC+2) and 01:30 in summer (UTC+3): after midnight
# either way, and the job takes the Cairo date of the moment it runs (docs/lifecycle.md).
@app.schedule(Cron(30, 22, "*", "*", "?", "*"))
def nightly(event):
    from chalicelib.events.nightly import on_schedule

    return on_schedule(event)


@app.on_sqs_message(queue=os.environ.get("NIGHTLY_QUEUE_NAME", "rukhsa-nightly"), batch_size=1)
def nightly_worker(event):
    from chalicelib.events.nightly import on_task_messages

    return on_task_messages(event)


@app.on_sqs_message(queue=os.environ.get("SMS_QUEUE_NAME", "rukhsa-sms"), batch_size=1)
def sms_sender(event):
    from chalicelib.events.outbox import on_notification_messages

    return on_notification_messages(event)


@app.on_dynamodb_record(stream_arn=os.environ.get("PAYMENTS_STREAM_ARN", PLACEHOLDER_ARN))
def on_payment_change(event):
    from chalicelib.events.payments_stream import on_payment_records

    on_payment_records(event)


@app.on_dynamodb_record(stream_arn=os.environ.get("LICENCES_STREAM_ARN", PLACEHOLDER_ARN))
def on_licence_change(event):
    from chalicelib.events.licences_stream import on_licence_records

    return on_licence_records(event)


# Every 5 minutes: work stalled longer than SWEEP_AFTER_MINUTES is driven on (docs/sweeper.md).
@app.schedule(Rate(5, unit=Rate.MINUTES))
def sweeper(event):
    from chalicelib.events.sweeper import on_schedule

    return on_schedule(event)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def reconcile_payments(event):
    from chalicelib.events.reconcile import on_schedule

    return on_schedule(event)


# The signed status list (docs/status-list.md): rebuilt every 15 minutes whatever happens, and
# within a minute of a status change through the debounced rebuild queue.
@app.schedule(Rate(15, unit=Rate.MINUTES))
def status_list(event):
    from chalicelib.events.status_list import on_schedule

    return on_schedule(event)


@app.on_sqs_message(queue=os.environ.get("STATUS_LIST_QUEUE_NAME", "rukhsa-status-list"),
                    batch_size=10)
def status_list_worker(event):
    from chalicelib.events.status_list import on_rebuild_messages

    return on_rebuild_messages(event)
