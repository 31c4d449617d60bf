# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AnsibleModule subclass every hwcloud.drs module uses: shared options, one client, safe results.

Private to this collection: the interface may change without notice.
"""

import collections
import copy
import json
import os

from urllib.parse import quote

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.hwcloud.drs.plugins.module_utils._credentials import (
    AccessKeyAuth,
    PasswordAuth,
    TokenAuth,
    lookup_project_id,
    resolve_connection,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._errors import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._http_client import (
    REQUESTS_IMPORT_ERROR,
    HttpClient,
    RequestStats,
    parse_json,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._paging import Pager
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_jobs import COMMITTED, STATUSES as KNOWN_STATUSES
from ansible_collections.hwcloud.drs.plugins.module_utils._waiting import (
    is_finished,
    job_id,
    job_status,
    wait_for_status,
)

CONNECTION_ARGUMENT_SPEC = dict(
    region=dict(type="str"),
    project_id=dict(type="str"),
    endpoint=dict(type="str"),
    iam_endpoint=dict(type="str"),
    auth_token=dict(type="str", no_log=True),
    access_key=dict(type="str", no_log=False),
    secret_key=dict(type="str", no_log=True),
    security_token=dict(type="str", no_log=True),
    iam_user_name=dict(type="str"),
    iam_password=dict(type="str", no_log=True),
    iam_domain_name=dict(type="str"),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    timeout=dict(type="float", default=30),
    max_retries=dict(type="int", default=5),
)

# Below this many jobs the generic no_log scrub is cheap; above it the result is checked once instead.
_SCRUB_FAST_PATH_MIN_JOBS = 200


def jobs_cannot_hold(jobs, secrets):
    """True when no secret occurs anywhere in these jobs (plain JSON data).

    Then AnsibleModule's remove_values() would return the jobs unchanged, and that walk, which costs
    seconds for 100,000 jobs, may be skipped. The check runs on the JSON text of the jobs, which holds every
    key, string and number; a secret is looked for in its JSON-escaped form, since escaping works character
    by character. It can only err towards False (a match across two values), which means the generic scrub
    runs. Anything that is not plain JSON data, or an empty secret, also returns False.
    """
    if not isinstance(jobs, list):
        return False
    try:
        text = json.dumps(jobs, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        return False
    for secret in secrets:
        if not isinstance(secret, str):
            return False
        escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
        if not secret or secret in text or escaped in text:
            return False
    return True


def _silence_insecure_request_warnings():
    # The module already warned once through Ansible; urllib3 would repeat it on stderr for every request.
    try:
        from urllib3.exceptions import InsecureRequestWarning
        import urllib3
    except ImportError:
        return
    urllib3.disable_warnings(InsecureRequestWarning)


class DrsModule(AnsibleModule):
    """AnsibleModule with the connection options of doc fragment hwcloud.drs.connection merged in."""

    # A class attribute: AnsibleModule.__init__ may already fail (bad arguments) before ours runs.
    _jobs_set_aside = None

    def __init__(self, argument_spec, failure_result=None, **kwargs):
        # Result keys every failure carries (also argument errors raised inside AnsibleModule.__init__),
        # so that an until expression reading them never meets an undefined key.
        self._failure_result = failure_result or {}
        self.stats = RequestStats()
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        kwargs.setdefault("supports_check_mode", True)
        super(DrsModule, self).__init__(argument_spec=spec, **kwargs)
        if REQUESTS_IMPORT_ERROR is not None:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.client = None
        self.auth = None
        self.connection = None
        self.project_id = None

    def check_ranges(self, ranges):
        """Fail naming the option when a number is out of range; ``ranges`` maps option -> (low, high)."""
        for option, (low, high) in ranges.items():
            value = self.params.get(option)
            if value is None:
                continue
            if (low is not None and value < low) or (high is not None and value > high):
                if high is None:
                    wanted = "at least %s" % low
                elif low is None:
                    wanted = "at most %s" % high
                else:
                    wanted = "between %s and %s" % (low, high)
                self.fail_json(msg="%s must be %s, got %s" % (option, wanted, value))

    def connect(self, pool_size=10):
        """Resolve credentials (no network), then build the client, the auth and the project id."""
        params = self.params
        connection = resolve_connection(params, os.environ)
        self.no_log_values.update(connection.environment_secrets)
        self.connection = connection
        if params.get("ca_path") and not os.path.isfile(params["ca_path"]):
            raise ModuleFailure("ca_path %s is not a file: give the PEM bundle of CA certificates to verify the "
                                "servers with" % params["ca_path"])
        verify = params.get("ca_path") or params.get("validate_certs")
        if verify is False:
            self.warn("validate_certs is false: the identity of %s is not verified; prefer ca_path" % connection.endpoint)
            _silence_insecure_request_warnings()
        self.client = HttpClient(timeout=params["timeout"], max_retries=params["max_retries"], verify=verify,
                                 pool_size=pool_size, stats=self.stats)
        values = connection.credentials.values
        kind = connection.credentials.kind
        project_id = connection.project_id
        if kind == "token":
            self.auth = TokenAuth(values["auth_token"])
        elif kind == "access_keys":
            self.auth = AccessKeyAuth(values["access_key"], values["secret_key"], values.get("security_token"))
        else:
            self.auth = PasswordAuth(self.client, connection.iam_endpoint, values["iam_user_name"],
                                     values["iam_password"], values["iam_domain_name"], project_name=connection.region,
                                     project_id=project_id, on_token=self.no_log_values.add)
        if not project_id:
            if kind == "password":
                self.auth.login()
                project_id = self.auth.project_id
                if not project_id:
                    raise ModuleFailure("The IAM token names no project. Hint: set project_id")
            else:
                project_id = lookup_project_id(self.client, connection.iam_endpoint, connection.region, self.auth)
        self.project_id = project_id
        return self.client

    def get_json(self, path, query=None, headers=None, action=None):
        """GET ``path`` on the DRS endpoint, signed or with a token, and return the parsed JSON."""
        headers = dict(headers or {})
        if self.connection.credentials.kind == "access_keys":
            headers["X-Project-Id"] = self.project_id
        response = self.client.send("GET", self.connection.endpoint, path, query=query, headers=headers,
                                    auth=self.auth, action=action)
        return parse_json(response, action)

    def fail_json(self, msg, **kwargs):  # pylint: disable=arguments-differ
        for key, value in self._failure_result.items():
            kwargs.setdefault(key, copy.deepcopy(value))
        kwargs.setdefault("request_stats", self.stats.as_dict())
        super(DrsModule, self).fail_json(msg, **kwargs)

    def fail_with(self, failure, **result):
        result.update(failure.result)
        self.fail_json(msg=failure.msg, **result)

    # AnsibleModule runs remove_values() over the whole result, which costs seconds for 100,000 jobs.
    # When the jobs provably hold no no_log value, they skip that walk and are put back after it; all other
    # keys (msg, invocation, warnings) are scrubbed as usual. See jobs_cannot_hold().
    def _return_formatted(self, kwargs):
        jobs = kwargs.get("jobs")
        if (isinstance(jobs, list) and len(jobs) >= _SCRUB_FAST_PATH_MIN_JOBS
                and hasattr(AnsibleModule, "_record_module_result")
                and jobs_cannot_hold(jobs, self.no_log_values)):
            self._jobs_set_aside = kwargs.pop("jobs")
        super(DrsModule, self)._return_formatted(kwargs)

    def _record_module_result(self, o):
        if self._jobs_set_aside is not None:
            o["jobs"] = self._jobs_set_aside
            self._jobs_set_aside = None
        super(DrsModule, self)._record_module_result(o)


def count_statuses(jobs):
    counts = dict((status, 0) for status in KNOWN_STATUSES)
    for status, count in collections.Counter(job_status(job) for job in jobs).items():
        status = "UNKNOWN" if status is None else str(status)
        counts[status] = counts.get(status, 0) + count
    return counts


def shape_result(jobs, total_count, return_jobs, wanted_status):
    """The result keys: ``status_counts`` and ``total_count`` always describe every matched job."""
    if return_jobs == "none":
        shown = []
    elif return_jobs == "unfinished":
        shown = [job for job in jobs if not is_finished(job, wanted_status or COMMITTED)]
    else:
        shown = jobs
    # Before the first page is read the count is unknown; 0 (not null) keeps "total_count > 0" in an
    # until expression from raising on a failed attempt.
    return dict(changed=False, jobs=shown, total_count=total_count or 0, status_counts=count_statuses(jobs))


def _list_page_fetcher(module, query, language):
    path = "/v5/%s/batch-async-jobs" % quote(module.project_id, safe="")
    headers = {"X-Language": language}

    def fetch_page(offset, size):
        page_query = dict(query, offset=offset, limit=size)
        try:
            payload = module.get_json(path, page_query, headers, action="Listing DRS batch async jobs")
        except ApiError as error:
            # DRS answers "nothing matched" with 422 DRS.M00002 instead of an empty list.
            if error.status_code == 422 and error.error_code == "DRS.M00002":
                return 0, []
            raise
        if not isinstance(payload, dict) or not isinstance(payload.get("jobs", []), list):
            raise ModuleFailure("Listing DRS batch async jobs: the answer is not a job list. Hint: check endpoint")
        jobs = payload.get("jobs") or []
        try:
            total_count = int(payload.get("total_count", len(jobs)))
        except (TypeError, ValueError):
            total_count = len(jobs)
        return total_count, jobs

    return fetch_page


QUERY_OPTIONS = ("async_job_id", "status", "domain_name", "user_name", "sort_key", "sort_dir")


def query_batch_async_jobs(module):
    """Everything drs_batch_async_job_info does: list (all pages), optionally wait, shape the result."""
    params = module.params
    module.check_ranges(dict(
        offset=(0, None), limit=(1, None), page_size=(1, None), page_concurrency=(1, 32), wait_timeout=(0, None),
        wait_sleep=(0, None), timeout=(0.001, None), max_retries=(0, 100)))
    wanted_status = params.get("wait_for_status")
    state = {"jobs": [], "total_count": None}
    try:
        client = module.connect(pool_size=params["page_concurrency"])
        query = dict((option, params[option]) for option in QUERY_OPTIONS if params.get(option) is not None)
        pager = Pager(_list_page_fetcher(module, query, params["language"]), page_size=params["page_size"],
                      concurrency=params["page_concurrency"], identity=job_id, on_abort=client.cancel)
        client.on_throttle = pager.throttled

        def poll():
            state["jobs"] = pager.list(params["offset"], params.get("limit"))
            state["total_count"] = pager.total_count
            module.stats.add("polls")
            return state["jobs"]

        if wanted_status:
            wait_for_status(poll, wanted_status, params["wait_timeout"], params["wait_sleep"])
        else:
            poll()
    except ModuleFailure as failure:
        module.fail_with(failure, **shape_result(state["jobs"], state["total_count"], params["return_jobs"],
                                                 wanted_status))
    finally:
        if module.client is not None:
            module.client.close()
    result = shape_result(state["jobs"], state["total_count"], params["return_jobs"], wanted_status)
    result["request_stats"] = module.stats.as_dict()
    module.exit_json(**result)
