# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user can do about each API error: hints by error code, then by HTTP status.

Private to this collection: the interface may change without notice.
"""

_TOKEN_HINT = ("the token is invalid or has expired: pass a fresh auth_token, or use access keys or an IAM "
               "user and password, which the module renews by itself")
_PERMISSION_HINT = ("the credentials lack permission for DRS in this project: grant the IAM user a DRS policy "
                    "(for example DRS ReadOnlyAccess) for this region's project")
_PAGE_HINT = "the service refused the page size: lower page_size"
_PARAMETER_HINT = "a query option has a value the service does not accept: check the option error_msg names"

HINTS_BY_ERROR_CODE = {
    "APIGW.0101": ("this endpoint does not offer the DRS API v5 (it is available only in some regions): "
                   "check region, or set endpoint"),
    "APIGW.0301": ("the request signature was rejected: check access_key and secret_key (and security_token for "
                   "temporary credentials), and that this host's clock is within 15 minutes of real time"),
    "APIGW.0307": _TOKEN_HINT,
    "APIGW.0308": "the service is throttling requests: lower page_concurrency, raise max_retries, or run fewer tasks at once",
    "DRS.M00004": "the service reported an internal problem: try again later",
    "DRS.M00007": _PARAMETER_HINT,
    "DRS.M00100": _TOKEN_HINT,
    "DRS.M00102": _PERMISSION_HINT,
    "DRS.M00103": _PERMISSION_HINT,
    "DRS.M00200": _PARAMETER_HINT,
    "DRS.M00201": _PARAMETER_HINT,
    "DRS.M00202": _PARAMETER_HINT,
    "DRS.M00210": _PAGE_HINT,
    "DRS.M00211": _PAGE_HINT,
    "DRS.M00261": ("project_id does not belong to this region or to these credentials: check region and "
                   "project_id, or leave project_id unset to have it looked up"),
    "DRS.10000010": "no batch async job has this async_job_id in this project",
}

_HINTS_BY_STATUS = {
    401: "the service did not accept the credentials: check them",
    403: "the credentials are not allowed to do this: check IAM permissions and project_id",
    404: "nothing answers at this path: check endpoint and region",
    429: "the service is throttling requests: lower page_concurrency or raise max_retries",
}


def hint_for(status_code, error_code, status_hints=None):
    """The hint for an error; ``status_hints`` lets one call say more than the generic ones.

    ``status_hints`` maps an HTTP status, or an error code, to a hint. A call's hint for an error code
    beats the one below: the same gateway code from IAM (APIGW.0101 for a wrong iam_endpoint) is about IAM,
    not DRS. A code hint below beats a call's hint for a status.
    """
    if status_hints and error_code in status_hints:
        return status_hints[error_code]
    if error_code in HINTS_BY_ERROR_CODE:
        return HINTS_BY_ERROR_CODE[error_code]
    if status_hints and status_code in status_hints:
        return status_hints[status_code]
    if 300 <= status_code < 400:
        return ("the server answered with a redirect, which is never followed so that credentials cannot travel "
                "to another host: set endpoint or iam_endpoint to the final address")
    if status_code >= 500:
        return "the service failed; it was retried up to max_retries times: try again later"
    return _HINTS_BY_STATUS.get(status_code)
