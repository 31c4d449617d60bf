"""The DRS + IAM service of the module tests: the offline emulator (tests/drs_emulator), served from a thread
of the test process on 127.0.0.1 over HTTPS with its own CA.

One emulator per set of start options (``page_cap=500``, ``project_matches=2``, ...) serves the whole session
(the ``emulators`` fixture of conftest.py); each test gets it reset (no job, no fault, statistics at zero) as a
Service. What a test needs the service to do is seeded (jobs and their lifecycle: ``validate_after_calls``,
``auto_commit_after_calls``, ``commit_after_calls``, ``fail_ids``) or set as fault rules, as the emulator's
README describes. These schedules count the list calls the emulator answers (the tests use none in seconds),
so a module on a fake clock waits as many polls as a test says. ``session``, a real requests session that
records each request, shows what the module sent.
"""

import json
import threading

import requests
from requests.adapters import HTTPAdapter

from drs_emulator.testing import EmulatorError, EmulatorProcess  # pylint: disable=import-error
from fake_session import Call  # pylint: disable=import-error
from support.module_options import connection  # pylint: disable=import-error

AUTH_PATH = "/v3/auth/tokens"
# What API Gateway answers for an expired token, as a fault rule: the next ``count`` list calls get it.
TOKEN_EXPIRED = {"route": "list", "status": 401, "error_code": "APIGW.0307", "error_msg": "The token must be updated."}
# The reasons of the first three tasks of a batch that failed validation in the emulator (its REASON_PATTERNS), as
# the modules read them: a task's own error, its connection tests, its error logs, then its failed prechecks.
TASK_REASONS = (
    ["Pre-check failed: 1 item did not pass.",
     "precheck source_db_connection failed: The source database is unreachable: connection refused."],
    ["DRS.M03026: The parameter check of the task failed.",
     "connection test: DRS.M05004: Connecting to the destination database timed out."],
    ["The database user lacks the REPLICATION CLIENT privilege."],
)


class RecordingSession(requests.Session):
    """A requests session that records each request (a fake_session.Call, ``response`` its answer) and sends it.

    ``lose_next_answer(matches, error)``: the next request that ``matches(call)`` reaches the service, which
    acts on it, and its answer is lost on the way back: ``error`` is raised instead (a read timeout, say).
    """

    def __init__(self):
        super(RecordingSession, self).__init__()
        # Room for every page request of a run at once (page_concurrency is at most 32).
        adapter = HTTPAdapter(pool_maxsize=32, max_retries=0)
        self.mount("https://", adapter)
        self.mount("http://", adapter)
        self.calls = []
        self.closed = False
        self._losses = []
        self._lock = threading.Lock()

    def lose_next_answer(self, matches, error):
        self._losses.append((matches, error))

    def request(self, method, url, headers=None, data=None, **kwargs):  # pylint: disable=arguments-differ
        call = Call(method, url, dict(headers or {}), data, kwargs)
        with self._lock:
            self.calls.append(call)
            loss = next((entry for entry in self._losses if entry[0](call)), None)
            if loss is not None:
                self._losses.remove(loss)
        call.response = super(RecordingSession, self).request(method, url, headers=headers, data=data, **kwargs)
        if loss is not None:
            call.response.close()
            raise loss[1]
        return call.response

    def close(self):
        self.closed = True
        super(RecordingSession, self).close()


class Service(object):
    """The emulator, reset for one test. ``state``: the emulator's state line (url, ca_path, credentials)."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.state = emulator.state
        emulator.seed(jobs=[])
        emulator.set_faults()
        emulator.reset_stats()
        self.session = RecordingSession()

    def seed(self, jobs, replace=True, **lifecycle):
        """Replace (or add to, ``replace=False``) the jobs; ``lifecycle``: keys as the emulator's flags
        (``validate_after_calls=2``, ``commit_after_calls=1``, ``fail_ids=[...]``), counted from now."""
        self.emulator.seed(jobs=jobs, replace=replace, **lifecycle)
        return jobs

    def faults(self, *rules):
        """These fault rules (the emulator's README) from now on: ``{"route": "commit", "drop": True, "count": 1}``."""
        self.emulator.set_faults(*rules)

    def stats(self):
        """What the service saw: ``routes`` (requests per route: iam_token, iam_projects, drs_list, drs_detail,
        drs_commit), ``statuses`` (answers per HTTP status), ``dropped``, ``max_in_flight``."""
        return self.emulator.stats()

    def routes(self):
        return self.stats()["routes"]

    @property
    def iam_url(self):
        """The emulator's URL by the name localhost, which its certificate holds too: an iam_endpoint that
        requests show apart from the endpoint, answered by the same emulator."""
        return self.state["url"].replace("//127.0.0.1:", "//localhost:")

    def options(self, credentials="aksk", project=True, **options):
        """Module options that reach this emulator: region, endpoints, its CA, one credential style (aksk,
        temporary, token, password, none), the project id unless ``project`` is false; then ``options`` (one
        given as None is left out)."""
        args = connection(self.state, credentials, project_id=project)
        args.update(options)
        return dict((name, value) for name, value in args.items() if value is not None)

    @property
    def calls(self):
        """The requests sent on ``session``, in order."""
        return self.session.calls

    def drs_calls(self):
        return [call for call in self.calls if "/batch-async-jobs" in call.path]

    def list_calls(self):
        return [call for call in self.drs_calls() if call.path.endswith("/batch-async-jobs")]

    def detail_calls(self):
        return [call for call in self.drs_calls()
                if call.method == "GET" and not call.path.endswith("/batch-async-jobs")]

    def commit_calls(self):
        return [call for call in self.drs_calls() if call.method == "POST"]

    def issued_tokens(self):
        """The tokens IAM issued to the logins sent on ``session``, in order."""
        return [call.response.headers["X-Subject-Token"] for call in self.calls
                if call.path == AUTH_PATH and call.response is not None and call.response.status_code == 201]


class KeptAliveEmulator(EmulatorProcess):
    """An in-process emulator whose control calls (a few for each test) share one kept-alive connection."""

    def __init__(self, **options):
        super(KeptAliveEmulator, self).__init__(in_process=True, **options)
        self._control_session = requests.Session()

    def control(self, method, path, body=None):
        response = self._control_session.request(method, self.state["control_url"] + "/" + path.lstrip("/"),
                                                 json=body, verify=self.state["ca_path"], timeout=30)
        if response.status_code >= 400:
            raise EmulatorError("control %s %s: %s %s" % (method, path, response.status_code, response.text))
        return response.json()

    def stop(self):
        self._control_session.close()
        super(KeptAliveEmulator, self).stop()


class EmulatorPool(object):
    """In-process emulators, one per set of start options, each started when first asked for."""

    def __init__(self):
        self.running = {}

    def service(self, **options):
        """The emulator started with ``options`` (flags as keywords), reset for one test."""
        key = json.dumps(options, sort_keys=True)
        if key not in self.running:
            self.running[key] = KeptAliveEmulator(**options).start()
        return Service(self.running[key])

    def stop(self):
        # Each waits for its server loop to notice (up to 0.2 s): all at once.
        stopping = [threading.Thread(target=emulator.stop) for emulator in self.running.values()]
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join()
        self.running.clear()
