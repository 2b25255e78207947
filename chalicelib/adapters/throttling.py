"""DynamoDB error codes that mean "come back shortly", whichever client raised them."""

# Still refused after the SDK's own retries: the caller is told to come back (503), not a 500.
THROTTLED = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException",
                       "RequestLimitExceeded", "InternalServerError"})
