"""Custom resource: the seal key's public half, handed to the functions as SEAL_PUBLIC_KEYS.

With it a verification Lambda checks seals without a KMS client or a KMS call on its cold start.
CDK's AwsCustomResource cannot do this: it decodes KMS's binary PublicKey as UTF-8 and garbles it
(aws/aws-cdk#19065). The stack deploys this file as inline code, where CloudFormation provides
the `cfnresponse` module; it must stay under the 4 KB inline limit and import only boto3.
"""
import base64


def public_key_attributes(kms, key_id):
    """The resource's attributes: the DER SubjectPublicKeyInfo of `key_id`, base64."""
    der = kms.get_public_key(KeyId=key_id)["PublicKey"]
    return {"PublicKey": base64.b64encode(der).decode("ascii")}


def handler(event, context):
    import boto3
    import cfnresponse

    physical_id = event.get("PhysicalResourceId") or event["LogicalResourceId"]
    try:
        if event["RequestType"] == "Delete":
            cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, physical_id)
            return
        key_id = event["ResourceProperties"]["KeyId"]
        attributes = public_key_attributes(boto3.client("kms"), key_id)
        cfnresponse.send(event, context, cfnresponse.SUCCESS, attributes, key_id)
    except Exception as error:  # CloudFormation waits an hour for a reply that never comes
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, physical_id, reason=str(error))
