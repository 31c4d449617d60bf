"""Authentication of API calls: AK/SK signature (SDK-HMAC-SHA256) or an IAM token."""

from drs_emulator.errors import ApiError, signature_error
from drs_emulator.signing import verify_request


def authenticate(emulator, request, project_id):
    """Check the credentials of request; project_id (from the path) must match a token's scope.

    Returns a dict describing the caller. Raises ApiError with the gateway's codes.
    """
    authorization = request.header("authorization")
    if authorization:
        access_key = verify_request(request.method, request.path, request.raw_query, request.header, request.body,
                                    emulator.credentials, emulator.server_time())
        return {"access_key": access_key}
    token = request.header("x-auth-token")
    if not token:
        raise signature_error("x-auth-token not found")
    outcome, entry = emulator.tokens.use(token.strip(), emulator.token_time(),
                                         emulator.settings.token_expire_after_calls)
    if outcome == "unknown":
        raise ApiError(403, "DRS.M00100", "Invalid token.")
    if outcome == "expired":
        raise ApiError(401, "APIGW.0307", "The token must be updated.")
    if project_id is not None and entry["project_id"] != project_id:
        raise ApiError(403, "DRS.M00261", "Invalid project ID: the token is scoped to another project.")
    return {"token_project_id": entry["project_id"]}
