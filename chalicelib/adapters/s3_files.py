"""The private files bucket (QR images, paper copies, documents, inspection photos)."""
from __future__ import annotations

from typing import Any

from chalicelib.errors import NotFound
from chalicelib.ports import FileStore


class S3FileStore(FileStore):
    """Objects are encrypted at rest (bucket default, KMS in AWS) and never public: readers get
    presigned URLs that expire, uploaders get a presigned POST whose policy bounds size and type."""

    def __init__(self, s3_client: Any, bucket: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type,
                            ServerSideEncryption="AES256")

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            return self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFound(message_en="file not found", message_ar="الملف غير موجود",
                               code="file_not_found") from error
            raise

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            # HEAD has no body: S3 answers a bare 404, given s3:ListBucket (the stack's read
            # grant has it; without it a missing object is a 403, a fault raised as such)
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def presigned_get_url(self, key: str, expires_in_seconds: int = 900) -> str:
        return self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key},
            ExpiresIn=expires_in_seconds)

    def presigned_post(self, key: str, content_types: tuple[str, ...], max_bytes: int,
                       expires_in_seconds: int = 900) -> dict:
        """One content type per upload: the policy pins it exactly (S3 has no 'one of' condition)."""
        if len(content_types) != 1:
            raise ValueError("a presigned POST pins exactly one content type")
        content_type = content_types[0]
        return self._s3.generate_presigned_post(
            Bucket=self._bucket, Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type},
                        ["content-length-range", 1, max_bytes]],
            ExpiresIn=expires_in_seconds)
