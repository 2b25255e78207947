"""Stand-in for the project's app.py while main has none: the same handlers, no logic.

Only used by tests/infra when the project root has no app.py yet; the stack deploys the root app.
"""
import os
from chalice import Chalice, Cron, Rate
app = Chalice(app_name="rukhsa")

@app.route("/v1/services")
def services():
    return {"services": []}

@app.route("/v/{token}")
def verify(token):
    return {"genuine": False}

@app.route("/v1/keys")
def keys():
    return {"keys": []}

@app.on_dynamodb_record(stream_arn=os.environ["APPLICATIONS_STREAM_ARN"])
def on_application_change(event):
    pass

@app.on_dynamodb_record(stream_arn=os.environ["PAYMENTS_STREAM_ARN"])
def on_payment_change(event):
    pass

@app.schedule(Cron(30, 23, "*", "*", "?", "*"))
def nightly(event):
    pass

@app.on_sqs_message(queue="rukhsa-nightly")
def nightly_worker(event):
    pass

@app.schedule(Rate(15, unit=Rate.MINUTES))
def reconcile_payments(event):
    pass

@app.on_sqs_message(queue="rukhsa-sms")
def sms_sender(event):
    pass
