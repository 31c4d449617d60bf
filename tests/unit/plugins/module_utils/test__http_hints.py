"""Every documented error code, and the HTTP statuses without one, get a hint naming what to change."""

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._http import hint_for


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
    hint = hint_for(status, code)
    for word in words:
        assert word in hint


@pytest.mark.parametrize("status,words", [
    (302, ["redirect", "never followed"]), (500, ["max_retries"]), (503, ["max_retries"]), (401, ["credentials"]),
    (404, ["endpoint"]), (429, ["page_concurrency"]),
])
def test_statuses_without_a_known_code_get_a_generic_hint(status, words):
    hint = hint_for(status, "SOMETHING.NEW")
    for word in words:
        assert word in hint


def test_no_hint_rather_than_a_wrong_one():
    assert hint_for(418, None) is None
