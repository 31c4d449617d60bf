"""API errors become one readable line with status, code, message, request id and a hint."""

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._errors import api_error_from_response

from hwcloud_drs_fakes import make_response  # pylint: disable=import-error


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


@pytest.mark.parametrize("status,code,words", [
    (404, "APIGW.0101", ["region", "endpoint"]),
    (401, "APIGW.0301", ["signature", "clock"]),
    (401, "APIGW.0307", ["token"]),
    (403, "DRS.M00100", ["token"]),
    (403, "DRS.M00102", ["permission"]),
    (401, "DRS.M00103", ["permission"]),
    (403, "DRS.M00261", ["project_id", "region"]),
    (400, "DRS.M00211", ["page_size"]),
    (429, "APIGW.0308", ["page_concurrency"]),
])
def test_each_documented_code_gets_its_hint(status, code, words):
    error = _error(status, {"error_code": code, "error_msg": "x"})
    hint = error.msg.split("Hint:", 1)[1]
    for word in words:
        assert word in hint


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
