"""API errors become one readable line with status, code, message, request id and a hint; bodies are never dumped."""

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._http import api_error_from_response, parse_json

from fake_session import make_response  # pylint: disable=import-error


def _error(status, body=None, **kwargs):
    return api_error_from_response(make_response(status, body, **kwargs), "Listing DRS batch async jobs")


def test_message_names_status_code_message_request_id_and_hint():
    error = _error(403, {"error_code": "DRS.M00102", "error_msg": "Insufficient\npermissions."},
                   headers={"X-Request-Id": "abc123"})
    assert "\n" not in error.msg
    for part in ("HTTP 403", "DRS.M00102", "Insufficient permissions.", "abc123", "Hint:", "permission"):
        assert part in error.msg
    assert error.result == {"status_code": 403, "error_code": "DRS.M00102", "error_msg": "Insufficient\npermissions.",
                            "request_id": "abc123"}


def test_html_body_is_summarised_not_dumped():
    page = "<html><head><title>502 Bad Gateway</title></head><body>" + "<p>noise</p>" * 500 + "</body></html>"
    error = _error(502, text=page, headers={"Content-Type": "text/html"})
    assert "<" not in error.msg and "noise" not in error.msg
    assert "text/html" in error.msg and "502 Bad Gateway" in error.msg and "bytes" in error.msg
    assert error.error_code is None and error.status_code == 502
    assert len(error.msg) < 400


def test_plain_text_body_is_summarised():
    error = _error(500, text="Traceback (most recent call last):\n  File x\nBoom", headers={"Content-Type": "text/plain"})
    assert "Traceback" not in error.msg and "\n" not in error.msg
    assert "text/plain" in error.msg


def test_nested_iam_error_is_read():
    error = _error(401, {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}})
    assert error.error_msg == "The username or password is wrong."
    assert "The username or password is wrong." in error.msg


def test_redirect_names_target_without_query_and_says_refused():
    error = _error(302, text="", headers={"Location": "https://elsewhere.example/login?token=SECRET"})
    assert "redirect" in error.msg and "refused" in error.msg
    assert "elsewhere.example/login" in error.msg and "SECRET" not in error.msg


def test_very_long_error_msg_is_truncated():
    error = _error(400, {"error_code": "DRS.M00201", "error_msg": "x" * 5000})
    assert len(error.msg) < 700


def test_status_hints_of_the_call_beat_the_generic_ones_but_not_the_code_hints():
    login_hints = {401: "check iam_password"}
    assert "iam_password" in api_error_from_response(make_response(401, {}), "Login", login_hints).hint
    coded = api_error_from_response(make_response(401, {"error_code": "APIGW.0307"}), "Login", login_hints)
    assert "token" in coded.hint


def test_success_body_that_is_not_json_is_summarised():
    response = make_response(200, text="<html><title>Login</title></html>", headers={"Content-Type": "text/html"})
    with pytest.raises(ModuleFailure) as caught:
        parse_json(response, "Listing")
    assert "Login" in caught.value.msg and "<html>" not in caught.value.msg and "Hint: check endpoint" in caught.value.msg


@pytest.mark.parametrize("nested,code,message", [
    ({"code": "IAM.0101", "message": "Invalid token."}, "IAM.0101", "Invalid token."),
    ({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication."}, "APIGW.0301",
     "Incorrect IAM authentication."),
    ({"code": 401, "message": "The username or password is wrong."}, "401", "The username or password is wrong."),
])
def test_the_error_code_of_a_nested_error_is_read(nested, code, message):
    error = _error(401, {"error": nested})
    assert (error.error_code, error.error_msg) == (code, message)
    assert "error_code %s" % code in error.msg


def test_a_scrubbed_error_keeps_no_secret_even_when_shortened():
    secret = "s3cret-" + "k" * 400
    error = api_error_from_response(make_response(400, {"error_code": "X", "error_msg": "y" * 250 + secret}), "Listing",
                                    scrub=lambda text: text if text is None else text.replace(secret, "********"))
    assert secret[:8] not in error.msg and secret[:8] not in error.error_msg
