"""API errors the handlers raise; the server turns them into ``{"error_code", "error_msg"}`` answers."""


class ApiError(Exception):
    """One error answer: HTTP status, ``{"error_code", "error_msg"}`` (plus ``extra`` keys) and headers."""

    def __init__(self, status, error_code, error_msg, headers=None, extra=None):
        super().__init__("%s %s: %s" % (status, error_code, error_msg))
        self.status = status
        self.headers = headers or {}
        self.body = dict(extra or {}, error_code=error_code, error_msg=error_msg)


def signature_error(detail):
    return ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: %s" % detail)
