"""API errors the handlers raise; the server turns them into ``{"error_code", "error_msg"}`` bodies."""


class ApiError(Exception):
    """One error answer: HTTP status, error code, message and extra headers or body keys."""

    def __init__(self, status, error_code, error_msg, headers=None, extra=None):
        super().__init__("%s %s: %s" % (status, error_code, error_msg))
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self):
        body = {"error_code": self.error_code, "error_msg": self.error_msg}
        body.update(self.extra)
        return body


def invalid_parameter(name):
    # DRS.M00201: "The value of %s is invalid."; a user must learn which parameter.
    return ApiError(400, "DRS.M00201", "The value of parameter %s is invalid." % name)


def signature_error(detail):
    return ApiError(401, "APIGW.0301", "Incorrect IAM authentication information: %s" % detail)
