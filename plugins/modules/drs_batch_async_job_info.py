#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: drs_batch_async_job_info
short_description: List Huawei Cloud DRS batch async jobs, and optionally wait for them
version_added: 1.0.0
description:
  - Lists the batches in which DRS creates tasks asynchronously (C(GET /v5/{project_id}/batch-async-jobs), whose
    entries the API calls batch async jobs), reading every page by itself. The first page tells the total; the
    remaining pages are fetched concurrently.
  - With O(async_job_ids), reads many batches in one run, each listed on its own (the list call filters by one
    id) and all of them at the same time, on one session and one token.
  - When batches are selected by id, reads why each selected batch that failed validation failed
    (C(GET /v5/{project_id}/batch-async-jobs/{async_job_id}), every page) and returns it as RV(validation_failures).
  - With O(wait_for_status), polls in the same run (one session, no new login per poll) until every matched
    batch has reached that status, failing at once when a batch failed validation, with its first reasons in the
    message.
  - Results keep the same keys on failure wherever they are known, so an C(until) loop never trips over a
    missing key.
  - The API is in open beta and offered only in some regions; an unknown batch status counts as not finished.
author:
  - hwcloud.drs engineers (@hwcloud)
options:
  async_job_id:
    description:
      - Only this batch (the id returned when the batch was created).
      - Mutually exclusive with O(async_job_ids).
    type: str
  async_job_ids:
    description:
      - Only these batches, read in one run. Each id is listed on its own, O(page_concurrency) at a
        time, on one session and one token; an id given twice is listed once.
      - RV(jobs) follows the order of the ids; RV(total_count) and RV(status_counts) cover every id;
        RV(missing_async_job_ids) names the ids that matched nothing.
      - The other filters, O(offset) and O(limit) apply to the listing of each id.
      - At least one id, none empty. Mutually exclusive with O(async_job_id).
    type: list
    elements: str
    version_added: 1.1.0
  status:
    description:
      - Only batches in this status.
    type: str
    choices: [ASYNC_JOB_VALIDATING, ASYNC_JOB_VALIDATE_FAILED, AUTO_PARAM_VALIDATE_SUCCESS, COMMIT_SUCCESS]
  domain_name:
    description:
      - Only batches created by this tenant (account) name.
    type: str
  user_name:
    description:
      - Only batches created by this user name.
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
      - Number of matching batches to skip.
    type: int
    default: 0
  limit:
    description:
      - Return at most this many batches, starting at O(offset), paging when it exceeds O(page_size).
      - When unset, every batch from O(offset) on is returned, up to V(100000) batches. A listing that would pass
        V(100000) batches fails instead (whatever C(total_count) the service claims), so that a run ends even
        against a service that lists new batches without end; narrow the filters, or read in parts with O(offset).
      - Between V(1) and V(100000).
    type: int
  page_size:
    description:
      - Batches asked for per request.
      - When the service answers that the page is over its upper limit (C(DRS.M00211)) the page shrinks
        (to V(1000), then by halves) and listing carries on; when it silently returns fewer batches than asked,
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
      - Poll until every matched batch, and at least one, has reached this status.
      - V(COMMIT_SUCCESS) also satisfies V(AUTO_PARAM_VALIDATE_SUCCESS).
      - Fails at once when a matched batch is C(ASYNC_JOB_VALIDATE_FAILED), naming it and, when batches are
        selected by id and O(failure_details=true), quoting the first reasons (or saying why they could not be
        read); fails after O(wait_timeout) naming each pending batch and its status.
      - With O(async_job_id) or O(async_job_ids), an id that matches no batch counts as pending, and the timeout
        message names it.
      - A batch that passed validation waits for someone to commit it; nothing commits it by itself.
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
      - Which batches RV(jobs) holds. RV(total_count) and RV(status_counts) always describe every matched batch.
      - V(all) returns every matched batch.
      - V(unfinished) returns only the batches not yet in O(wait_for_status) (or C(COMMIT_SUCCESS) when it is unset),
        which keeps the result of a gate on many batches small.
      - V(none) returns no batches, only the counts.
    type: str
    choices: [all, unfinished, none]
    default: all
  failure_details:
    description:
      - When batches are selected by O(async_job_id) or O(async_job_ids), read the detail of every selected
        batch in C(ASYNC_JOB_VALIDATE_FAILED) (one more call per failed batch and page) to return
        RV(validation_failures) and quote the reasons in the fail-fast message of O(wait_for_status).
      - A listing by the other filters only never reads details, however many batches failed.
      - V(false) makes no detail call, for example when the IAM policy allows listing only.
      - When a detail call fails, a warning says why (with O(wait_for_status), the failure message does) and the
        module carries on with the statuses.
    type: bool
    default: true
    version_added: 1.1.0
extends_documentation_fragment:
  - hwcloud.drs.connection
  - hwcloud.drs.progress
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details:
      - The action plugin runs a wait in steps, to print its progress lines (O(progress_interval)).
  async:
    support: full
    details:
      - Under C(async) the module waits in one run, without progress lines.
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - The module only reads. With O(wait_for_status) it looks once instead of waiting (in check mode the
        commits a wait may depend on are not made), fails as a real run would on a failed validation, and
        reports what it would wait for in a warning and in RV(would_wait_for).
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

- name: Show how many batches are in each status
  ansible.builtin.debug:
    var: drs_jobs.status_counts

- name: List the batches that failed validation, oldest first, with access keys from variables
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    access_key: "{{ lookup('ansible.builtin.env', 'HW_ACCESS_KEY') }}"
    secret_key: "{{ lookup('ansible.builtin.env', 'HW_SECRET_KEY') }}"
    status: ASYNC_JOB_VALIDATE_FAILED
    sort_dir: asc

- name: Read the first 50 batches only, with an IAM user's password
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    iam_user_name: "{{ lookup('ansible.builtin.env', 'HW_USER_NAME') }}"
    iam_password: "{{ lookup('ansible.builtin.env', 'HW_USER_PASSWORD') }}"
    iam_domain_name: "{{ lookup('ansible.builtin.env', 'HW_DOMAIN_NAME') }}"
    limit: 50

- name: Wait until a batch passed validation, returning only the counts and the stragglers
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    async_job_id: "{{ drs_batch_id | mandatory('set drs_batch_id: without an id this waits on every batch of the project') }}"
    wait_for_status: AUTO_PARAM_VALIDATE_SUCCESS
    wait_timeout: 600
    wait_sleep: 5
    return_jobs: unfinished
  register: drs_batch

- name: Wait for several batches in one run, on one session, and show which ids matched nothing
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    async_job_ids: "{{ drs_batch_ids | mandatory }}"
    wait_for_status: AUTO_PARAM_VALIDATE_SUCCESS
    wait_timeout: 900
    wait_sleep: 5
    return_jobs: none
  register: drs_batches

- name: Read why the batches that failed validation failed
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    async_job_ids: "{{ drs_failed_batch_ids | mandatory }}"
  register: drs_failed

- name: Show each task's reasons
  ansible.builtin.debug:
    msg: "{{ item.0.async_job_id }} / {{ item.1.name }}: {{ item.1.reasons | join('; ') }}"
  loop: "{{ drs_failed.validation_failures | subelements('tasks') }}"
  loop_control:
    label: "{{ item.1.id }}"
  when: item.1.reasons | length > 0

- name: Gate with an until loop instead (one listing per try, only counts returned)
  hwcloud.drs.drs_batch_async_job_info:
    region: cn-north-4
    async_job_id: "{{ drs_batch_id | mandatory('set drs_batch_id: without an id this gates on every batch of the project') }}"
    return_jobs: none
  register: drs_gate
  until: drs_gate.total_count > 0 and drs_gate.status_counts.ASYNC_JOB_VALIDATING == 0
  retries: 60
  delay: 10
"""

RETURN = r"""
jobs:
  description:
    - The matched batches (the API calls each a batch async job) in the service's order (by O(sort_key) and
      O(sort_dir)), without duplicates, each with the keys the API returns.
    - With O(async_job_ids), in the order of the ids.
    - With O(return_jobs=unfinished) only the batches not yet in the wanted status; with O(return_jobs=none) empty.
    - On failure, the batches of the last complete listing (empty when none completed).
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
      description: Id of the batch.
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
      description: Tenant (account) name that created the batch.
      type: str
      returned: always
      sample: demo-domain
    user_name:
      description: User name that created the batch.
      type: str
      returned: always
      sample: demo-user
    create_time:
      description: When the batch was created, as the service formats it.
      type: str
      returned: always
      sample: "2024-01-30 10:12:44"
total_count:
  description:
    - The number of batches matching the filters, as the service counts them, independent of paging,
      O(offset), O(limit) and O(return_jobs). With O(async_job_ids), the sum over the ids.
    - V(0) when the run failed before the first page was read, so that an C(until) expression such as
      C(result.total_count > 0) never raises.
  returned: always
  type: int
  sample: 240
status_counts:
  description:
    - How many of the listed batches (from O(offset), at most O(limit)) are in each status, whatever
      O(return_jobs) says. Always has a key for each of the four known statuses, plus any unknown status seen.
  returned: always
  type: dict
  sample:
    ASYNC_JOB_VALIDATING: 0
    ASYNC_JOB_VALIDATE_FAILED: 0
    AUTO_PARAM_VALIDATE_SUCCESS: 12
    COMMIT_SUCCESS: 228
missing_async_job_ids:
  description:
    - The ids of O(async_job_id) or O(async_job_ids) that matched no batch (with the other filters), in the order
      given. With O(wait_for_status) each counted as pending.
    - Empty when every id matched, and for a listing by the other filters only.
  returned: always
  type: list
  elements: str
  sample: [7c0e4a4b-2a55-4c43-9d8e-4f3c2d1b0a99]
  version_added: 1.1.0
validation_failures:
  description:
    - Why each selected batch in C(ASYNC_JOB_VALIDATE_FAILED) failed, read from the batch detail call, one entry
      per failed batch in the order of RV(jobs).
    - Read only when batches are selected by O(async_job_id) or O(async_job_ids) and O(failure_details=true);
      empty otherwise, and when no selected batch failed or the detail could not be read (a warning says why).
    - Only the fields below are returned; the detail answer also carries endpoints and connection details,
      which are never copied.
  returned: always
  type: list
  elements: dict
  sample:
    - async_job_id: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
      tasks:
        - id: 3c1f0b9e-8d2a-4e57-9a1b-6f2e0c4d8ajb01
          name: mysql-to-mysql-1
          status: CREATE_FAILED
          reasons:
            - "Pre-check failed: 1 item did not pass."
            - "precheck source_db_connection failed: The source database is unreachable: connection refused."
        - id: 9a7e2c41-0f3b-4d6a-8e5c-1b2d3f4a5bjb02
          name: mysql-to-mysql-2
          status: CREATE_FAILED
          reasons:
            - "DRS.M03026: The parameter check of the task failed."
            - "connection test: DRS.M05004: Connecting to the destination database timed out."
  version_added: 1.1.0
  contains:
    async_job_id:
      description: The batch.
      type: str
      returned: always
      sample: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
    tasks:
      description: Every task of the batch (every page of the detail call), with the reasons given for it.
      type: list
      elements: dict
      returned: always
      sample:
        - id: 3c1f0b9e-8d2a-4e57-9a1b-6f2e0c4d8ajb01
          name: mysql-to-mysql-1
          status: CREATE_FAILED
          reasons: ["DRS.M05004: Connecting to the source database timed out."]
      contains:
        id:
          description: The task's id, or V(null) when the answer has none.
          type: str
          returned: always
          sample: 3c1f0b9e-8d2a-4e57-9a1b-6f2e0c4d8ajb01
        name:
          description: The task's C(base_info.name), or V(null).
          type: str
          returned: always
          sample: mysql-to-mysql-1
        status:
          description: The task's status as the service gives it, or V(null).
          type: str
          returned: always
          sample: CREATE_FAILED
        reasons:
          description:
            - What the answer says about the task's failure, one line each, without repeats.
            - In this order, the task's own C(error_code) and C(error_msg); the C(error_code) and C(error_msg) of its
              C(network_results) entries, after C(connection test); the messages of its C(logs) entries of level
              C(error); its failed C(precheck_result.precheck_results) items, each as C(precheck) with the item's
              name and its C(failed_reason).
            - Empty when the answer carries none for this task (for example a task that passed).
          type: list
          elements: str
          returned: always
          sample: ["DRS.M05004: Connecting to the source database timed out."]
credential_source:
  description:
    - Where the run's credentials came from, never a value, for example C(task options (access_key, secret_key\)),
      C(environment (HW_ACCESS_KEY, HW_SECRET_KEY\)), C(credentials file ~/.huaweicloud/credentials [basic]),
      C(KooCLI profile default (AKSK\) in ~/.hcloud/config.json), C(ECS metadata (agency\), renewed 1 time) or
      C(agency drs_admin of domain other-domain assumed with ...).
    - Temporary keys and tokens the run renewed say how many times.
    - V(null) when the run failed before its credentials were resolved.
  returned: always
  type: str
  version_added: 1.3.0
  sample: credentials file ~/.huaweicloud/credentials [basic]
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
      description: Complete listings made (one without O(wait_for_status)); with O(async_job_ids) a listing covers every id.
      type: int
      returned: always
      sample: 1
    iam_calls:
      description: Requests sent to IAM (token and project lookups).
      type: int
      returned: always
      sample: 0
would_wait_for:
  description:
    - In check mode with O(wait_for_status), when not every batch is there yet, what a real run would wait for.
  returned: in check mode, when a real run would wait
  type: dict
  version_added: 1.3.0
  sample:
    status: COMMIT_SUCCESS
    async_job_ids: [0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61]
    timeout: 1800
  contains:
    status:
      description: The O(wait_for_status) to reach.
      type: str
      returned: always
      sample: COMMIT_SUCCESS
    async_job_ids:
      description: The batches not yet at it, then the selected ids that matched no batch.
      type: list
      elements: str
      returned: always
      sample: [0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61]
    timeout:
      description: The longest a real run would wait, in seconds (O(wait_timeout)).
      type: int
      returned: always
      sample: 1800
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

from ansible_collections.hwcloud.drs.plugins.module_utils._drs_api import (
    MOST_LISTED_JOBS,
    NOTHING_LISTED,
    BatchListing,
    failed_batch_ids,
    listing_result,
    read_failed_batches,
    reasons_summary,
    selected_ids,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._statuses import (
    COMMITTED,
    STATUSES,
    WAITABLE_STATUSES,
    all_satisfy,
    any_failed,
    contradiction,
    count_statuses,
    failure_message,
    pending_ids,
    timeout_message,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_module import (
    PROGRESS_ARGUMENT_SPEC,
    PROGRESS_RANGES,
    WAIT_RANGES,
    DrsModule,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._polling import WaitFailed, WaitTimedOut

QUERY_OPTIONS = ("status", "domain_name", "user_name", "sort_key", "sort_dir")
FILTER_OPTIONS = ("async_job_id", "domain_name", "user_name")
RANGES = dict(WAIT_RANGES, **PROGRESS_RANGES)
RANGES.update(offset=(0, None), limit=(1, MOST_LISTED_JOBS), page_size=(1, None), page_concurrency=(1, 32))


class BatchAsyncJobInfo(DrsModule):
    argument_spec = dict(
        async_job_id=dict(type="str"),
        async_job_ids=dict(type="list", elements="str"),
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
        failure_details=dict(type="bool", default=True),
        **PROGRESS_ARGUMENT_SPEC
    )
    module_kwargs = dict(mutually_exclusive=[("async_job_id", "async_job_ids")])
    # The reasons read, which a failure still reports with the last listing (an until loop reads them).
    validation_failures = ()
    # The batch ids asked for (async_job_id or async_job_ids), or None for a listing by filters only.
    selected = None
    listing = None
    would_wait_for = None

    def run(self):
        params = self.params
        self.check_ranges(RANGES)
        self.check_options()
        if params["async_job_ids"] is not None:
            self.selected = selected_ids(params["async_job_ids"])
        elif params["async_job_id"] is not None:
            self.selected = [params["async_job_id"]]
        self.connect(pool_size=params["page_concurrency"])
        self.listing = BatchListing(
            self.client, self.selected, dict((option, params[option]) for option in QUERY_OPTIONS
                                             if params[option] is not None),
            params["language"], params["page_size"], params["page_concurrency"], self.throttle, params["offset"],
            params["limit"], stats=self.stats)
        wanted = params["wait_for_status"]
        if not wanted:
            listing = self.listing()
            return self.describe(listing, self.read_reasons(listing, warn=True)[0])
        clock, _sleep = self.wait_clock()
        timeout, interval = self.wait_settings()

        def reached(listing):
            return all_satisfy(listing.jobs, wanted) and not listing.missing_ids

        if self.check_mode:
            # A look, never a wait: a failure still fails, and what a real run would wait for is reported.
            listing = self.listing()
            if any_failed(listing.jobs):
                raise self.validation_failed(listing)
            if not reached(listing):
                self.would_wait_for = self.skip_wait(wanted, pending_ids(listing.jobs, wanted, listing.missing_ids),
                                                     timeout)
            return self.describe(listing)
        try:
            listing = self.wait_until(self.listing, succeeded=reached, failed=lambda listing: any_failed(listing.jobs),
                                      deadline=self.wait_started() + timeout, interval=interval, status=wanted,
                                      describe=lambda listing: (count_statuses(listing.jobs), pending_ids(
                                          listing.jobs, wanted, listing.missing_ids)))
        except WaitFailed as ended:
            raise self.validation_failed(ended.last)
        except WaitTimedOut as ended:
            raise ModuleFailure(timeout_message(ended.last.jobs, wanted, clock() - self.wait_started(),
                                                ended.last.missing_ids))
        return self.describe(listing)

    def check_options(self):
        """Refuse what can never work before any request; warn about what would be ignored or raised."""
        params = self.params
        self.refuse_empty(*FILTER_OPTIONS)
        problem = contradiction(params["status"], params["wait_for_status"])
        if problem:
            raise ModuleFailure(problem)
        self.check_wait_options(params["wait_for_status"],
                                "without wait_for_status: set wait_for_status to wait")

    def validation_failed(self, listing):
        failures, unread = self.read_reasons(listing)
        return ModuleFailure(failure_message(listing.jobs, reasons_summary(failures), unread))

    def read_reasons(self, listing, warn=False):
        """``(validation_failures, why they could not be read)`` of the failed batches selected by id."""
        params = self.params
        # A listing by filters only stays one call family however many batches failed.
        if self.selected is None or not params["failure_details"]:
            return [], None
        failures, unread = read_failed_batches(self.client, listing, params["language"], params["page_concurrency"],
                                               params["page_size"])
        if unread and warn:
            self.warn("The reasons why %s failed validation could not be read: %s" % (
                ", ".join(failed_batch_ids(listing)), unread))
        self.validation_failures = failures
        return failures, unread

    def describe(self, listing, validation_failures=()):
        return dict(listing_result(listing, self.params["return_jobs"], self.params["wait_for_status"] or COMMITTED,
                                   validation_failures, self.would_wait_for), changed=False)

    def result_on_failure(self):
        return self.describe(self.listing.last if self.listing else NOTHING_LISTED, self.validation_failures)


def main(session=None, clock=None, sleep=None):
    """Ansible calls this without arguments; unit tests pass a fake HTTP session and a fake clock."""
    module = BatchAsyncJobInfo(session=session, clock=clock, sleep=sleep)
    module()


if __name__ == "__main__":
    main()
