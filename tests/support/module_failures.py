"""What a failed result of a hwcloud.drs module holds, checked in one place: ``assert_failed``."""

import json

from support.drs_statuses import STATUSES


def _is_list(value):
    return isinstance(value, list)


def _is_dict(value):
    return isinstance(value, dict)


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_status_counts(value):
    return isinstance(value, dict) and set(STATUSES) <= set(value)


# The keys a module's every failure carries besides msg and request_stats (name -> the check of its value), so
# that an until expression reading them never fails, whatever failed.
INFO_KEYS = {"jobs": _is_list, "total_count": _is_count, "status_counts": _is_status_counts,
             "missing_async_job_ids": _is_list, "validation_failures": _is_list}
COMMIT_KEYS = {"job": _is_dict}
GATE_KEYS = dict(INFO_KEYS, committed_async_job_ids=_is_list, passed=lambda value: value is False,
                 summary=lambda value: isinstance(value, str) and value.startswith("stopped after "),
                 drs_jobs=_is_list, drs_job_status_counts=_is_dict, missing_job_ids=_is_list)
# drs_job_info's.
JOB_INFO_KEYS = {"jobs": _is_list, "status_counts": _is_dict, "missing_job_ids": _is_list}
STAT_KEYS = ("requests", "retries", "polls", "iam_calls")


def assert_failed(outcome, *phrases, keys=None, secrets=(), requests=None, **values):
    """Check a failed module result; return its ``msg``.

    ``outcome``: the result, or a run with ``result`` and ``output`` (the printed result as a user sees it).
    A failure has ``failed``; a one-line ``msg`` holding each of ``phrases``; no traceback; ``request_stats``
    with its counters (``requests``: how many requests it counts, 0 for a failure before any request); every
    key of ``keys`` (INFO_KEYS, COMMIT_KEYS, GATE_KEYS) with a value its check accepts; each of ``values`` (key=value)
    as given; and none of ``secrets`` anywhere in the output.
    """
    result = getattr(outcome, "result", outcome)
    output = getattr(outcome, "output", None) or json.dumps(result)
    assert result.get("failed") is True, result
    msg = result["msg"]
    assert "\n" not in msg and "Traceback" not in output, msg
    for phrase in phrases:
        assert phrase in msg, "%r is not in the message: %s" % (phrase, msg)
    stats = result["request_stats"]
    assert set(STAT_KEYS) <= set(stats), stats
    if requests is not None:
        assert stats["requests"] == requests, stats
    for key, check in (keys or {}).items():
        assert check(result.get(key)), "%s: %r" % (key, result.get(key))
    for key, value in values.items():
        assert result.get(key) == value, "%s: %r, not %r" % (key, result.get(key), value)
    for secret in secrets:
        assert secret not in output, "a secret (%s...) is in the output" % secret[:4]
    return msg
