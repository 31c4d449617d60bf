"""The base module's boundary: connection options merged, failures turned into fail_json with stable keys."""

import contextlib
import io
import json

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils import _drs_module
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure

from fake_session import PROJECT_ID, FakeSession, script  # pylint: disable=import-error
from module_args import module_args  # pylint: disable=import-error
from support.module_failures import assert_failed  # pylint: disable=import-error

AK_SK = dict(region="cn-north-4", endpoint="https://drs.test", access_key="AK", secret_key="sk-secret-0001",
             project_id=PROJECT_ID)


class ProbeModule(_drs_module.DrsModule):
    """A module that connects, then fails or answers as told: ``outcome`` is what run() returns or raises."""

    argument_spec = dict(fail_with=dict(type="str"))

    def run(self):
        self.connect()
        if self.params["fail_with"]:
            raise ModuleFailure(self.params["fail_with"] + " sk-secret-0001", status_code=418)
        return dict(changed=False, answer=42)

    def result_on_failure(self):
        return dict(answer=0)


def _run(args):
    """The result, and the session the module was given, which fails a test that it sends a request on."""
    session = FakeSession(script())
    stdout = io.StringIO()
    with module_args(args), contextlib.redirect_stdout(stdout):
        with pytest.raises(SystemExit):
            ProbeModule(session=session)()
    return json.loads(stdout.getvalue()), session


def test_success_gets_request_stats_and_closes_the_session(clean_environment):
    result, session = _run(AK_SK)
    assert result["answer"] == 42 and result["request_stats"]["requests"] == 0 and session.closed


def test_a_failure_is_one_scrubbed_line_with_its_keys_and_the_stable_ones(clean_environment):
    result, session = _run(dict(AK_SK, fail_with="it\nbroke"))
    assert_failed(result, status_code=418, answer=0)
    assert result["msg"] == "it broke ********" and session.closed


def test_argument_errors_carry_the_stable_keys_too(clean_environment):
    assert_failed(_run(dict(AK_SK, max_retries=101))[0], "max_retries", requests=0, answer=0)
    assert_failed(_run(dict(AK_SK, no_such_option=1))[0], "no_such_option", answer=0)


def test_missing_requests_is_reported(clean_environment, monkeypatch):
    monkeypatch.setattr(_drs_module, "REQUESTS_IMPORT_ERROR", "ModuleNotFoundError: No module named 'requests'")
    result, session = _run(AK_SK)
    assert_failed(result, "requests")
    assert session.calls == []


def test_a_message_is_masked_before_it_is_shortened(clean_environment):
    # The secret key stands across the 4000-character cap: shortened first, its cut beginning would no longer be
    # a whole secret, and would show.
    result, _fake = _run(dict(AK_SK, fail_with="x" * 3990))
    assert result["msg"] == "x" * 3990 + " ********"
