#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: drs_batch_async_job_info
short_description: List Huawei Cloud DRS batch async jobs, and optionally wait for them
version_added: 1.0.0
description:
  - Lists the tasks DRS created asynchronously in batches (C(GET /v5/{project_id}/batch-async-jobs)), reading
    every page by itself. The first page tells the total; the remaining pages are fetched concurrently.
  - With O(wait_for_status), polls in the same run (one session, no new login per poll) until every matched
    job has reached that status, failing at once when a job failed validation.
  - Results keep the same keys on failure wherever they are known, so an C(until) loop never trips over a
    missing key.
  - The API is in open beta and offered only in some regions; an unknown job status counts as not finished.
author:
  - hwcloud.drs engineers (@hwcloud)
options:
  async_job_id:
    description:
      - Only the jobs of this batch (the id returned when the batch was created).
    type: str
  status:
    description:
      - Only jobs in this status.
    type: str
    choices: [ASYNC_JOB_VALIDATING, ASYNC_JOB_VALIDATE_FAILED, AUTO_PARAM_VALIDATE_SUCCESS, COMMIT_SUCCESS]
  domain_name:
    description:
      - Only jobs created by this tenant (account) name.
    type: str
  user_name:
    description:
      - Only jobs created by this user name.
    type: str
  sort_key:
    description:
      - Field the service sorts on.
    type: str
    default: create_time
  sort_dir:
    description:
      - Sort order.
    type: str
    choices: [asc, desc]
    default: desc
  offset:
    description:
      - Number of matching jobs to skip.
    type: int
    default: 0
  limit:
    description:
      - Return at most this many jobs, starting at O(offset), paging when it exceeds O(page_size).
      - When unset, every job from O(offset) on is returned, up to V(100000) jobs. A listing that would pass
        V(100000) jobs fails instead (whatever C(total_count) the service claims), so that a run ends even
        against a service that lists new jobs without end; narrow the filters, or read in parts with O(offset).
      - Between V(1) and V(100000).
    type: int
  page_size:
    description:
      - Jobs asked for per request.
      - When the service answers that the page is over its upper limit (C(DRS.M00211)) the page shrinks
        (to V(1000), then by halves) and listing carries on; when it silently returns fewer jobs than asked,
        that smaller size is used for the rest of the run.
    type: int
    default: 1000
  page_concurrency:
    description:
      - How many pages are requested at the same time after the first one (which tells the total).
      - Halved every time the service answers HTTP 429. Between V(1) and V(32).
    type: int
    default: 10
  language:
    description:
      - Language of the service's messages, sent as C(X-Language).
    type: str
    choices: [en-us, zh-cn]
    default: en-us
  wait_for_status:
    description:
      - Poll until every matched job, and at least one, has reached this status.
      - V(COMMIT_SUCCESS) also satisfies V(AUTO_PARAM_VALIDATE_SUCCESS).
      - Fails at once when a matched job is C(ASYNC_JOB_VALIDATE_FAILED), naming it; fails after
        O(wait_timeout) naming each pending job and its status.
      - A job that passed validation waits for someone to commit the batch; nothing commits it by itself.
    type: str
    choices: [AUTO_PARAM_VALIDATE_SUCCESS, COMMIT_SUCCESS]
  wait_timeout:
    description:
      - Seconds to wait in total for O(wait_for_status). The last poll happens at the deadline.
      - V(1800) when unset. Between V(0) and V(2678400) (31 days).
      - Ignored without O(wait_for_status), with a warning.
    type: int
  wait_sleep:
    description:
      - Seconds between polls for O(wait_for_status).
      - V(10) when unset. At most V(3600).
      - Polls are never closer than 1 second apart; a smaller value is raised to 1, with a warning.
      - Ignored without O(wait_for_status), with a warning.
    type: float
  return_jobs:
    description:
      - Which jobs RV(jobs) holds. RV(total_count) and RV(status_counts) always describe every matched job.
      - V(all) returns every matched job.
      - V(unfinished) returns only the jobs not yet in O(wait_for_status) (or C(COMMIT_SUCCESS) when it is unset),
        which keeps the result of a gate on a large batch small.
      - V(none) returns no jobs, only the counts.
    type: str
    choices: [all, unfinished, none]
    default: all
extends_documentation_fragment:
  - hwcloud.drs.connection
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: The module only reads; it runs normally in check mode.
  diff_mode:
    support: none
  platform:
    platforms: posix
  action_group:
    support: full
    membership:
      - hwcloud.drs.drs
"""

EXAMPLES = r"""
# Credentials below come from the environment (HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or HW_ACCESS_KEY and
# HW_SECRET_KEY) unless a task gives them. Connection settings shared by many tasks (endpoint, iam_endpoint,
# ca_path, region, timeout) fit in module_defaults under the action group, for example at play level:
#
#   module_defaults:
#     group/hwcloud.drs.drs:
#       region: cn-north-4
#       timeout: 20

- name: List every batch async job in the project
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
  register: drs_jobs

- name: Show how many jobs are in each status
  ansible.builtin.debug:
    var: drs_jobs.status_counts

- name: List the jobs that failed validation, oldest first, with access keys from variables
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    access_key: "{{ lookup('ansible.builtin.env', 'HW_ACCESS_KEY') }}"
    secret_key: "{{ lookup('ansible.builtin.env', 'HW_SECRET_KEY') }}"
    status: ASYNC_JOB_VALIDATE_FAILED
    sort_dir: asc

- name: Read the first 50 jobs only, with an IAM user's password
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    iam_user_name: "{{ lookup('ansible.builtin.env', 'HW_USER_NAME') }}"
    iam_password: "{{ lookup('ansible.builtin.env', 'HW_USER_PASSWORD') }}"
    iam_domain_name: "{{ lookup('ansible.builtin.env', 'HW_DOMAIN_NAME') }}"
    limit: 50

- name: Wait until every job of a batch passed validation, returning only the counts and the stragglers
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    async_job_id: "{{ drs_batch_id | default(omit) }}"
    wait_for_status: AUTO_PARAM_VALIDATE_SUCCESS
    wait_timeout: 600
    wait_sleep: 5
    return_jobs: unfinished
  register: drs_batch

- name: Gate with an until loop instead (one listing per try, only counts returned)
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    async_job_id: "{{ drs_batch_id | default(omit) }}"
    return_jobs: none
  register: drs_gate
  until: drs_gate.total_count > 0 and drs_gate.status_counts.ASYNC_JOB_VALIDATING == 0
  retries: 60
  delay: 10
"""

RETURN = r"""
jobs:
  description:
    - The matched jobs in the service's order (by O(sort_key) and O(sort_dir)), without duplicates, each with
      the keys the API returns.
    - With O(return_jobs=unfinished) only the jobs not yet in the wanted status; with O(return_jobs=none) empty.
    - On failure, the jobs of the last complete listing (empty when none completed).
  returned: always
  type: list
  elements: dict
  sample:
    - async_job_id: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
      status: AUTO_PARAM_VALIDATE_SUCCESS
      domain_name: demo-domain
      user_name: demo-user
      create_time: "2024-01-30 10:12:44"
  contains:
    async_job_id:
      description: Id of the batch the job belongs to.
      type: str
      returned: always
      sample: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
    status:
      description:
        - C(ASYNC_JOB_VALIDATING), C(ASYNC_JOB_VALIDATE_FAILED), C(AUTO_PARAM_VALIDATE_SUCCESS) or
          C(COMMIT_SUCCESS); the beta API may add others.
      type: str
      returned: always
      sample: COMMIT_SUCCESS
    domain_name:
      description: Tenant (account) name that created the job.
      type: str
      returned: always
      sample: demo-domain
    user_name:
      description: User name that created the job.
      type: str
      returned: always
      sample: demo-user
    create_time:
      description: When the job was created, as the service formats it.
      type: str
      returned: always
      sample: "2024-01-30 10:12:44"
total_count:
  description:
    - The number of jobs matching the filters, as the service counts them, independent of paging,
      O(offset), O(limit) and O(return_jobs).
    - V(0) when the run failed before the first page was read, so that an C(until) expression such as
      C(result.total_count > 0) never raises.
  returned: always
  type: int
  sample: 240
status_counts:
  description:
    - How many of the listed jobs (from O(offset), at most O(limit)) are in each status, whatever
      O(return_jobs) says. Always has a key for each of the four known statuses, plus any unknown status seen.
  returned: always
  type: dict
  sample:
    ASYNC_JOB_VALIDATING: 0
    ASYNC_JOB_VALIDATE_FAILED: 0
    AUTO_PARAM_VALIDATE_SUCCESS: 12
    COMMIT_SUCCESS: 228
request_stats:
  description: What the run cost.
  returned: always
  type: dict
  sample:
    requests: 4
    retries: 0
    polls: 1
    iam_calls: 0
  contains:
    requests:
      description: HTTP requests sent, retries and IAM calls included.
      type: int
      returned: always
      sample: 4
    retries:
      description: Requests repeated after HTTP 429, 5xx or a connection error.
      type: int
      returned: always
      sample: 0
    polls:
      description: Complete listings made (one without O(wait_for_status)).
      type: int
      returned: always
      sample: 1
    iam_calls:
      description: Requests sent to IAM (token and project lookups).
      type: int
      returned: always
      sample: 0
status_code:
  description: HTTP status of the failed request.
  returned: when the service answered a request with an error
  type: int
  sample: 403
error_code:
  description: The service's C(error_code) for the failure.
  returned: when the service answered a request with an error
  type: str
  sample: DRS.M00102
error_msg:
  description: The service's C(error_msg) for the failure.
  returned: when the service answered a request with an error
  type: str
  sample: Insufficient permissions.
request_id:
  description: The C(X-Request-Id) of the failed request, for Huawei Cloud support.
  returned: when the service answered a request with an error
  type: str
  sample: 2b9d7a70b4e34fcd8e2b35b8c8c1f6a1
"""

import collections

from ansible_collections.hwcloud.drs.plugins.module_utils._batch_jobs import LISTING, fetch_jobs_page, is_page_too_large
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_jobs import (
    COMMITTED,
    STATUSES,
    WAITABLE_STATUSES,
    all_satisfy,
    any_failed,
    contradiction,
    count_statuses,
    failure_message,
    job_id,
    satisfies,
    timeout_message,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_module import DrsModule
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._paging import Pager, TooManyItems
from ansible_collections.hwcloud.drs.plugins.module_utils._waiting import (
    SHORTEST_INTERVAL,
    WaitFailed,
    WaitTimedOut,
    wait_until,
)

QUERY_OPTIONS = ("async_job_id", "status", "domain_name", "user_name", "sort_key", "sort_dir")
FILTER_OPTIONS = ("async_job_id", "domain_name", "user_name")
# The most jobs one listing reads: a service that invents new jobs without end still lets the run end.
MOST_LISTED_JOBS = 100000
RANGES = dict(offset=(0, None), limit=(1, MOST_LISTED_JOBS), page_size=(1, None), page_concurrency=(1, 32),
              wait_timeout=(0, 31 * 86400), wait_sleep=(0, 3600))
# The defaults of wait_timeout and wait_sleep, which are unset by default so that giving them without
# wait_for_status can be told apart.
WAIT_TIMEOUT = 1800
WAIT_SLEEP = 10.0

Listing = collections.namedtuple("Listing", "jobs total_count")
NOTHING_LISTED = Listing(jobs=[], total_count=0)


class BatchAsyncJobInfo(DrsModule):
    argument_spec = dict(
        async_job_id=dict(type="str"),
        status=dict(type="str", choices=list(STATUSES)),
        domain_name=dict(type="str"),
        user_name=dict(type="str"),
        sort_key=dict(type="str", default="create_time", no_log=False),
        sort_dir=dict(type="str", choices=["asc", "desc"], default="desc"),
        offset=dict(type="int", default=0),
        limit=dict(type="int"),
        page_size=dict(type="int", default=1000),
        page_concurrency=dict(type="int", default=10),
        language=dict(type="str", choices=["en-us", "zh-cn"], default="en-us"),
        wait_for_status=dict(type="str", choices=list(WAITABLE_STATUSES)),
        wait_timeout=dict(type="int"),
        wait_sleep=dict(type="float"),
        return_jobs=dict(type="str", choices=["all", "unfinished", "none"], default="all"),
    )
    # The last complete listing, which a failure still reports (so an until loop can read it).
    last_listing = NOTHING_LISTED

    def run(self):
        params = self.params
        self.check_ranges(RANGES)
        self.check_options()
        self.connect(pool_size=params["page_concurrency"])
        pager = Pager(self.fetch_page, page_size=params["page_size"], concurrency=params["page_concurrency"],
                      identity=job_id, is_page_too_large=is_page_too_large,
                      times_throttled=lambda: self.stats.throttled, most_items=MOST_LISTED_JOBS)
        wanted = params["wait_for_status"]
        if not wanted:
            return self.describe(self.list_jobs(pager))
        clock, sleep = self.wait_clock()
        try:
            listing = wait_until(lambda: self.list_jobs(pager),
                                 succeeded=lambda listing: all_satisfy(listing.jobs, wanted),
                                 failed=lambda listing: any_failed(listing.jobs),
                                 timeout=_or(params["wait_timeout"], WAIT_TIMEOUT),
                                 interval=_or(params["wait_sleep"], WAIT_SLEEP), clock=clock, sleep=sleep)
        except WaitFailed as ended:
            raise ModuleFailure(failure_message(ended.last.jobs))
        except WaitTimedOut as ended:
            raise ModuleFailure(timeout_message(ended.last.jobs, wanted, ended.waited))
        return self.describe(listing)

    def check_options(self):
        """Refuse what can never work before any request; warn about what would be ignored or raised."""
        params = self.params
        self.refuse_empty(*FILTER_OPTIONS)
        problem = contradiction(params["status"], params["wait_for_status"])
        if problem:
            raise ModuleFailure(problem)
        if not params["wait_for_status"]:
            ignored = [option for option in ("wait_timeout", "wait_sleep") if params[option] is not None]
            if ignored:
                self.warn("%s %s ignored without wait_for_status: set wait_for_status to wait, or leave %s out" % (
                    " and ".join(ignored), "is" if len(ignored) == 1 else "are", "it" if len(ignored) == 1 else "them"))
        elif params["wait_sleep"] is not None and params["wait_sleep"] < SHORTEST_INTERVAL:
            self.warn("wait_sleep %s is below the floor of %g second: polls are %g second apart" % (
                params["wait_sleep"], SHORTEST_INTERVAL, SHORTEST_INTERVAL))

    def list_jobs(self, pager):
        try:
            total_count, jobs = pager.list(self.params["offset"], self.params["limit"])
        except TooManyItems as error:
            raise ModuleFailure("%s: the service listed more than %d jobs, the most one listing reads. Hint: narrow "
                                "the listing with async_job_id, status, domain_name or user_name, or read it in parts "
                                "with offset and limit" % (LISTING, error.most))
        self.last_listing = Listing(jobs, total_count)
        self.stats.add("listings")
        return self.last_listing

    def fetch_page(self, offset, size):
        params = self.params
        query = dict((option, params[option]) for option in QUERY_OPTIONS if params[option] is not None)
        return fetch_jobs_page(self.client, query, params["language"], offset, size)

    def describe(self, listing):
        """The result: ``status_counts`` and ``total_count`` always describe every listed job."""
        returned = listing.jobs
        if returned and self.params["return_jobs"] == "none":
            returned = []
        elif returned and self.params["return_jobs"] == "unfinished":
            wanted = self.params["wait_for_status"] or COMMITTED
            returned = [job for job in returned if not satisfies(job, wanted)]
        return dict(changed=False, jobs=returned, total_count=listing.total_count or 0,
                    status_counts=count_statuses(listing.jobs))

    def result_on_failure(self):
        return self.describe(self.last_listing)


def _or(value, default):
    return default if value is None else value


def main(session=None, clock=None, sleep=None):
    """Ansible calls this without arguments; unit tests pass a fake HTTP session and a fake clock."""
    module = BatchAsyncJobInfo(session=session, clock=clock, sleep=sleep)
    module()


if __name__ == "__main__":
    main()
