"""What a user must see from a run against a hostile server: checks shared by the test_hostile_* files.

Standard library only. Results are the dicts the integration harness reads from ansible's results
callback (one per host); outputs are ansible's stdout, stderr and that results document.
"""

import json
import re

# Keys an `until` expression reads: present on success and on every failure.
RESULT_KEYS = ("jobs", "total_count", "status_counts", "request_stats", "credential_source")
# ansible-core 2.19+ reports an exception the module did not handle as "Task failed: Module failed: <error>"
# (the traceback itself only at higher verbosity); older releases say "MODULE FAILURE".
CRASH_SIGNS = ("Traceback (most recent call last)", "MODULE FAILURE", "Module failed: ")
# A piece this long of a secret identifies it: the issue asks for every piece of 8 or more characters.
SECRET_PIECE = 8


def escaped_forms(secret):
    """The secret as it may appear in output: raw, JSON- and repr-escaped, and escaped twice (JSON in JSON)."""
    forms = {secret, secret.strip()}
    for form in list(forms):
        once = json.dumps(form)[1:-1]
        forms.update({once, json.dumps(once)[1:-1], repr(form)[1:-1], json.dumps(form, ensure_ascii=False)[1:-1]})
    return {form for form in forms if form}


def secret_pieces(secret):
    """Every run of SECRET_PIECE characters of every form of ``secret`` (any longer piece contains one)."""
    pieces = set()
    for form in escaped_forms(secret):
        if len(form) < SECRET_PIECE:
            pieces.add(form)
        pieces.update(form[index:index + SECRET_PIECE] for index in range(len(form) - SECRET_PIECE + 1))
    return pieces


def find_secret_leaks(texts, secrets):
    """``[(label, where)]`` for every secret (``{label: value}``) of which some piece shows in ``texts``.

    Never returns the secret: a failing test must not print it either.
    """
    leaks = []
    for label, secret in secrets.items():
        pieces = sorted(secret_pieces(secret))
        for where, text in texts.items():
            positions = [position for position in (text.find(piece) for piece in pieces) if position >= 0]
            if positions:
                leaks.append((label, "%s at character %d (%d pieces)" % (where, min(positions), len(positions))))
    return leaks


def outputs_of(run):
    """What a user of a finished ansible run (support.results.AnsibleRun) can see: stdout, stderr and the
    results document, which must exist."""
    return {"stdout": run.stdout, "stderr": run.stderr, "results": run.results_text()}


def assert_no_secret_leak(texts, secrets):
    leaks = find_secret_leaks(texts, secrets)
    assert not leaks, "secret pieces appear in the output: %s" % leaks


def mentions(text, name):
    """``name`` as a word of ``text``: ``endpoint`` is not found in ``iam_endpoint``."""
    return re.search(r"(?<![\w])%s(?![\w])" % re.escape(name), text or "") is not None


def assert_no_crash(result):
    """No traceback, whatever the outcome: ansible's MODULE FAILURE or an ``exception`` key mean one."""
    text = json.dumps(result)
    for sign in CRASH_SIGNS:
        assert sign not in text, "a crash instead of the module's message: %s" % text[:3000]
    for key in ("exception", "module_stderr", "module_stdout"):
        assert key not in result, "%s in the result: %s" % (key, text[:3000])


def assert_result_keys(result):
    for key in RESULT_KEYS:
        assert key in result, "result key %s missing: %s" % (key, json.dumps(result)[:2000])
    assert isinstance(result["jobs"], list) and isinstance(result["status_counts"], dict)
    assert isinstance(result["total_count"], int) and isinstance(result["request_stats"], dict)


def assert_clean_failure(result, *names):
    """Failed with the module's one-line message naming each of ``names``, with the usual result keys."""
    assert_no_crash(result)
    assert result.get("failed"), "expected a failure, got %s" % json.dumps(result)[:2000]
    msg = result.get("msg")
    assert isinstance(msg, str) and msg and "\n" not in msg, "msg is not one line: %r" % (msg,)
    for name in names:
        assert mentions(msg, name), "msg does not name %s: %s" % (name, msg)
    assert_result_keys(result)
    return msg


def assert_clean_success(result):
    assert_no_crash(result)
    assert not result.get("failed"), "expected success, got %s" % result.get("msg")
    assert_result_keys(result)
    return result


def warnings_of(result, output=""):
    """Every warning a user sees: the result's ``warnings`` (ansible-core before 2.19) and the ``[WARNING]``
    paragraphs of ``output`` (2.19 and later take warnings out of the result and print them on stderr)."""
    found = [one_line(warning) for warning in result.get("warnings") or []]
    for chunk in re.split(r"\[WARNING\]:", output)[1:]:
        found.append(one_line(re.split(r"\n\s*\n|\[(?:WARNING|ERROR|DEPRECATION WARNING)\]", chunk)[0]))
    return " | ".join(found)


def one_line(text):
    return " ".join(str(text).split())
