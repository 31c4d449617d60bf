#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: drs_commit_gate
short_description: Gate a play on Huawei Cloud DRS batch async jobs, committing the validated batches if asked
version_added: 1.3.0
description:
  - The gate of a migration, in one run with one deadline. It looks at the selected batches once, stops at once when
    one failed validation (quoting the reasons), commits every selected batch that passed validation when
    O(commit) asks for it, then waits until every selected batch is at O(wait_for_status).
  - Batches are selected by O(async_job_ids) and/or the filters O(domain_name) and O(user_name), never the whole
    project. Every id is listed at once, on one session and one login, however many batches there are.
  - Fails, naming them, when a selected id matches no batch or the filters match nothing; fails when
    O(wait_timeout) runs out, naming each pending batch and its status.
  - A commit is never sent twice, nor blindly repeated after a lost answer (see M(hwcloud.drs.drs_batch_async_job)).
  - With O(wait_for_stage), it goes on past C(COMMIT_SUCCESS), within the same deadline, until the DRS jobs that
    every selected batch created (the tasks of each batch's detail) have reached that stage, with a lag under
    O(max_lag_seconds) for the incremental stage, as M(hwcloud.drs.drs_job_info) waits; RV(drs_jobs) holds the
    jobs and their lag.
  - The role P(hwcloud.drs.commit_gate#role) is this module with the variables and facts of a role. Use the
    module directly to register the result, or in a C(block) with C(rescue).
author:
  - hwcloud.drs engineers (@hwcloud)
options:
  async_job_ids:
    description:
      - The C(async_job_id) of each batch to gate on. Each must match a batch.
      - Combined with the filters, a batch must match both. At least one id, none empty.
    type: list
    elements: str
  domain_name:
    description:
      - Only batches created by this account (domain) name.
    type: str
  user_name:
    description:
      - Only batches created by this IAM user name.
    type: str
  commit:
    description:
      - Commit every selected batch that passed validation, then wait until every selected batch is
        C(COMMIT_SUCCESS), whatever O(wait_for_status) says.
      - Waits for validation first (a batch can only be committed once it passed), within O(wait_timeout).
        When that wait fails or times out, nothing is committed.
    type: bool
    default: false
  wait_for_status:
    description:
      - The status every selected batch must reach. V(COMMIT_SUCCESS) also satisfies V(AUTO_PARAM_VALIDATE_SUCCESS).
    type: str
    choices: [AUTO_PARAM_VALIDATE_SUCCESS, COMMIT_SUCCESS]
    default: COMMIT_SUCCESS
  wait_timeout:
    description:
      - Seconds the gate may wait in all. The wait for validation (with O(commit)) and the wait for
        O(wait_for_status) share this one deadline; the last poll happens at it. Between V(1) and V(2678400)
        (31 days).
      - Each request is bounded on its own (O(timeout), O(max_retries)). Batches that pass validation at the
        last poll are still committed, and the timeout message then says that they were.
    type: int
    default: 1800
  wait_sleep:
    description:
      - Seconds between two polls. At most V(3600).
      - Polls are never closer than 1 second apart; a smaller value is raised to 1, with a warning.
    type: float
    default: 10.0
  wait_for_stage:
    description:
      - Past C(COMMIT_SUCCESS), wait until every DRS job the selected batches created has reached this stage,
        V(started) (C(FULL_TRANSFER_STARTED) or later), V(full_transfer_complete) (C(FULL_TRANSFER_COMPLETE) or
        C(INCRE_TRANSFER_STARTED)) or V(incremental) (C(INCRE_TRANSFER_STARTED), under O(max_lag_seconds) when set).
      - Within the one O(wait_timeout) of the run. Fails at once when a job is in a failed state, naming the job, its
        batch, its status and DRS's error message; on timeout names each pending job with its status, progress
        and lag. An unknown status counts as not ready; a job id that DRS does not list counts as pending.
      - Needs O(commit=true) or O(wait_for_status=COMMIT_SUCCESS). Unset, the gate ends at the commit.
      - What M(hwcloud.drs.drs_job_info) could not confirm from the SDK applies here too (for example that a batch's
        task id is the DRS job id in every scenario).
    type: str
    choices: [started, full_transfer_complete, incremental]
    version_added: 1.3.0
  max_lag_seconds:
    description:
      - With O(wait_for_stage=incremental), the largest incremental lag in seconds each job may have. A lag the
        service does not report is not known, and never small enough. At least V(0).
    type: float
    version_added: 1.3.0
  return_jobs:
    description:
      - Which batches RV(jobs) holds. V(unfinished) keeps only batches not at the status the gate waits for
        (RV(wait_for_status)), V(none) keeps none; RV(status_counts) and RV(total_count) always describe every
        selected batch.
    type: str
    choices: [all, unfinished, none]
    default: all
  page_size:
    description:
      - Batches asked for per request (see M(hwcloud.drs.drs_batch_async_job_info)).
    type: int
    default: 1000
  page_concurrency:
    description:
      - Requests sent at the same time (pages, batch ids, and commits). Between V(1) and V(32).
    type: int
    default: 10
  language:
    description:
      - Language of the service's messages, sent as C(X-Language).
    type: str
    choices: [en-us, zh-cn]
    default: en-us
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
      - Looks once and never waits; sends no commit. Fails as a real run would on a failed validation or a
        selection that matches nothing. RV(committed_async_job_ids) names the batches a real run would commit,
        and RV(would_wait_for) (also in a warning) the batches it would wait for.
  diff_mode:
    support: full
    details:
      - The status of each batch committed (or, in check mode, to commit) before and after the run.
  platform:
    platforms: posix
  action_group:
    support: full
    membership:
      - hwcloud.drs.drs
seealso:
  - ref: hwcloud.drs.commit_gate
    description: The same gate as a role, with its facts C(commit_gate_result) and C(commit_gate_jobs).
  - module: hwcloud.drs.drs_batch_async_job_info
    description: List batches, wait for them, and read why validation failed.
  - module: hwcloud.drs.drs_batch_async_job
    description: Commit one batch.
"""

EXAMPLES = r"""
# Credentials come from the environment (HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or HW_ACCESS_KEY and
# HW_SECRET_KEY) unless a task or module_defaults for group/hwcloud.drs.drs gives them.

- name: Commit the batches once they passed validation, and wait until they are committed
  hwcloud.drs.drs_commit_gate:
    region: cn-north-4
    async_job_ids: "{{ drs_batch_ids }}"
    commit: true
    wait_timeout: 1800
  register: drs_gate

- name: Say what was committed
  ansible.builtin.debug:
    msg: "committed {{ drs_gate.committed_async_job_ids | join(', ') }} in {{ drs_gate.elapsed_seconds }} s"

- name: Commit, then wait until every DRS job the batches created replicates less than 30 seconds behind
  hwcloud.drs.drs_commit_gate:
    region: cn-north-4
    async_job_ids: "{{ drs_batch_ids | mandatory }}"
    commit: true
    wait_for_stage: incremental
    max_lag_seconds: 30
    wait_timeout: 14400
  register: drs_cutover_gate

- name: Show the largest lag
  ansible.builtin.debug:
    msg: "{{ drs_cutover_gate.drs_jobs | map(attribute='incremental_delay') | max }} s"

- name: Gate on everything one IAM user created, keeping a small result for 100,000 batches
  hwcloud.drs.drs_commit_gate:
    region: cn-north-4
    user_name: migration-bot
    wait_for_status: AUTO_PARAM_VALIDATE_SUCCESS
    return_jobs: unfinished
"""

RETURN = r"""
jobs:
  description:
    - The selected batches as last listed (the API calls each a batch async job), all or those O(return_jobs)
      keeps, in the order of O(async_job_ids).
    - On failure, the batches as last listed, so a C(rescue) section can read them.
  returned: always
  type: list
  elements: dict
  sample:
    - async_job_id: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
      status: COMMIT_SUCCESS
      domain_name: demo-domain
      user_name: migration-bot
      create_time: "2024-01-30 10:12:44"
total_count:
  description: How many batches the selection matched.
  returned: always
  type: int
  sample: 4
status_counts:
  description: The selected batches per status (every known status, 0 when none; others as the service names them).
  returned: always
  type: dict
  sample: {ASYNC_JOB_VALIDATING: 0, ASYNC_JOB_VALIDATE_FAILED: 0, AUTO_PARAM_VALIDATE_SUCCESS: 0, COMMIT_SUCCESS: 4}
missing_async_job_ids:
  description: The ids of O(async_job_ids) that matched no batch (the run fails when there is one).
  returned: always
  type: list
  elements: str
  sample: []
validation_failures:
  description:
    - Why the failed batches failed validation, when batches are selected by id (the list call gives no reasons).
    - The same shape as RV(hwcloud.drs.drs_batch_async_job_info#module:validation_failures).
  returned: always
  type: list
  elements: dict
  sample: []
committed_async_job_ids:
  description:
    - The batches this run committed. In check mode, the batches a real run would commit, that is those
      validated and those still validating (a real run waits for them and commits each that passes).
  returned: always
  type: list
  elements: str
  sample: [0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61]
wait_for_status:
  description: The status the gate waited for (C(COMMIT_SUCCESS) with O(commit)).
  returned: always
  type: str
  sample: COMMIT_SUCCESS
elapsed_seconds:
  description: How long the run took, in seconds.
  returned: always
  type: float
  sample: 42.5
summary:
  description: One line on the outcome, the batches per status and the commits, for a play's output.
  returned: always
  type: str
  sample: "passed after 42.5 s; 4 batches to reach COMMIT_SUCCESS: COMMIT_SUCCESS 4; committed 4 batches"
passed:
  description: Whether the gate passed (in check mode, whether it found nothing that stops it).
  returned: always
  type: bool
  sample: true
wait_for_stage:
  description: The stage of the DRS jobs the gate waited for (O(wait_for_stage)), or V(null).
  returned: always
  type: str
  sample: incremental
  version_added: 1.3.0
drs_jobs:
  description:
    - With O(wait_for_stage), the DRS jobs the selected batches created, as last observed, with the keys of
      RV(hwcloud.drs.drs_job_info#module:jobs) (C(id), C(name), C(status), C(async_job_id), C(transfer_status),
      C(progress), C(incremental_delay), C(remaining_time), C(error_code), C(error_message)). Empty otherwise.
    - On failure, the jobs as last observed.
  returned: always
  type: list
  elements: dict
  version_added: 1.3.0
  sample:
    - id: 4eebefca-2f88-7281-0309-1a6991cejb01
      name: mysql-to-mysql-0b4d3f0e-1
      status: INCRE_TRANSFER_STARTED
      async_job_id: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
      transfer_status: INCRE_TRANSFER_STARTED
      progress: 100
      incremental_delay: 2
      remaining_time: 0s
      error_code: null
      error_message: null
drs_job_status_counts:
  description: RV(drs_jobs) per status (as RV(hwcloud.drs.drs_job_info#module:status_counts)).
  returned: always
  type: dict
  sample: {CREATING: 0, INCRE_TRANSFER_STARTED: 4}
  version_added: 1.3.0
missing_job_ids:
  description: With O(wait_for_stage), the job ids of the batches' tasks that DRS did not list (each counted as pending).
  returned: always
  type: list
  elements: str
  sample: []
  version_added: 1.3.0
would_wait_for:
  description:
    - In check mode, what a real run would wait for. With O(wait_for_stage) and every batch committed, the DRS jobs
      (C(status) is then the stage in words, and C(job_ids) replaces C(async_job_ids)).
  returned: in check mode, when a real run would wait
  type: dict
  sample:
    status: COMMIT_SUCCESS
    async_job_ids: [0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61]
    timeout: 1800
  contains:
    status:
      description: The status it would wait for (RV(wait_for_status)).
      type: str
      returned: always
      sample: COMMIT_SUCCESS
    async_job_ids:
      description: The batches not yet at it.
      type: list
      elements: str
      returned: when it would wait for batches
      sample: [0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61]
    job_ids:
      description: The DRS jobs not yet at the stage, then those DRS did not list.
      type: list
      elements: str
      returned: when it would wait for DRS jobs
      sample: [4eebefca-2f88-7281-0309-1a6991cejb01]
      version_added: 1.3.0
    timeout:
      description: The longest it would wait, in seconds (O(wait_timeout)).
      type: int
      returned: always
      sample: 1800
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
    requests: 9
    retries: 0
    polls: 3
    iam_calls: 0
  contains:
    requests:
      description: HTTP requests sent, retries, IAM and commit calls included.
      type: int
      returned: always
      sample: 9
    retries:
      description: Requests repeated after HTTP 429, 5xx or a connection error (a commit only after reading the batch).
      type: int
      returned: always
      sample: 0
    polls:
      description: Complete listings of the selection made (each covers every id), and observations of the DRS jobs.
      type: int
      returned: always
      sample: 3
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

from ansible_collections.hwcloud.drs.plugins.module_utils._drs_api import (
    NOTHING_LISTED,
    NOTHING_OBSERVED,
    BatchListing,
    JobWatch,
    batch_job_ids,
    commit_batch,
    listing_result,
    observed_result,
    read_failed_batches,
    reasons_summary,
    selected_ids,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._statuses import (
    COMMITTED,
    STAGES,
    VALIDATED,
    VALIDATING,
    WAITABLE_STATUSES,
    all_satisfy,
    any_failed,
    count_statuses,
    failure_message,
    job_failed,
    job_failure_message,
    shows_progress,
    stage_reached,
    stage_text,
    job_id,
    job_status,
    name_ids,
    pending_ids,
    timeout_message,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_module import (
    PROGRESS_ARGUMENT_SPEC,
    PROGRESS_RANGES,
    WAIT_RANGES,
    WAIT_SLEEP,
    WAIT_TIMEOUT,
    DrsModule,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._polling import WaitFailed, WaitTimedOut, map_in_order

RANGES = dict(WAIT_RANGES, wait_timeout=(1, WAIT_RANGES["wait_timeout"][1]), page_size=(1, None),
              page_concurrency=(1, 32), max_lag_seconds=(0, None), **PROGRESS_RANGES)


# The role's variable for each option it sets, so that a refusal names what a role user wrote.
ROLE_VARIABLES = dict(async_job_ids="commit_gate_async_job_ids", domain_name="commit_gate_domain_name",
                      user_name="commit_gate_user_name", wait_timeout="commit_gate_timeout",
                      wait_sleep="commit_gate_wait_sleep", page_size="commit_gate_page_size",
                      page_concurrency="commit_gate_page_concurrency", commit="commit_gate_commit",
                      wait_for_status="commit_gate_wait_for_status", wait_for_stage="commit_gate_wait_for_stage",
                      max_lag_seconds="commit_gate_max_lag_seconds",
                      progress_interval="commit_gate_progress_interval")


SELECTING = ("async_job_ids", "domain_name", "user_name")


def _either(names):
    return "%s or %s" % (", ".join(names[:-1]), names[-1])


def _plural(count, noun, plural=None):
    return "%d %s" % (count, noun if count == 1 else (plural or noun + "s"))


class CommitGate(DrsModule):
    argument_spec = dict(
        async_job_ids=dict(type="list", elements="str"),
        domain_name=dict(type="str"),
        user_name=dict(type="str"),
        commit=dict(type="bool", default=False),
        wait_for_status=dict(type="str", choices=list(WAITABLE_STATUSES), default=COMMITTED),
        wait_timeout=dict(type="int", default=WAIT_TIMEOUT),
        wait_sleep=dict(type="float", default=WAIT_SLEEP),
        return_jobs=dict(type="str", choices=["all", "unfinished", "none"], default="all"),
        page_size=dict(type="int", default=1000),
        page_concurrency=dict(type="int", default=10),
        language=dict(type="str", choices=["en-us", "zh-cn"], default="en-us"),
        wait_for_stage=dict(type="str", choices=list(STAGES)),
        max_lag_seconds=dict(type="float"),
        **PROGRESS_ARGUMENT_SPEC
    )
    # What a failure still reports with the last listing: the reasons read, the batches committed. The
    # batches committed, their statuses before, and whether the commit step is behind it are also what a
    # wait in steps carries from one step to the next.
    validation_failures = ()
    committed = ()
    status_before = {}
    commit_done = False
    would_wait_for = None
    started = deadline = None
    selected = listing = None
    watch = None

    @property
    def wanted(self):
        # Also read by the result of arguments that failed validation: .get, and a default.
        return COMMITTED if self.params.get("commit") else self.params.get("wait_for_status") or COMMITTED

    def run(self):
        params = self.params
        self.check_ranges(RANGES)
        self.refuse_empty("domain_name", "user_name")
        if params["async_job_ids"] is not None:
            self.selected = selected_ids(params["async_job_ids"], self.option_name("async_job_ids"))
        elif not params["domain_name"] and not params["user_name"]:
            raise ModuleFailure("Select the batches to gate on with %s (%s in the role): the gate never waits for "
                                "every batch of the project" % (_either(SELECTING), _either(
                                    [ROLE_VARIABLES[option] for option in SELECTING])))
        self.check_wait_options(True)
        self.refuse_lag_without_incremental("wait_for_stage", "max_lag_seconds")
        if params["wait_for_stage"] and self.wanted != COMMITTED:
            raise ModuleFailure("%s follows the DRS jobs of committed batches: set %s to true, or %s to %s" % (
                self.option_name("wait_for_stage"), self.option_name("commit"), self.option_name("wait_for_status"),
                COMMITTED))
        self.started = self.wait_started()
        self.deadline = self.started + params["wait_timeout"]
        if self.carried_in.get("commit_done"):
            self.commit_done = True
            self.committed = [str(batch) for batch in self.carried_in.get("committed") or ()]
            self.status_before = dict(self.carried_in.get("status_before") or {})
        self.connect(pool_size=params["page_concurrency"])
        query = dict((option, params[option]) for option in ("domain_name", "user_name") if params[option])
        self.listing = BatchListing(self.client, self.selected, query, params["language"], params["page_size"],
                                    params["page_concurrency"], self.throttle,
                                    narrow="select fewer batches, by async_job_ids or user_name", stats=self.stats)
        listing = self.listing()
        self.refuse_unmatched(listing)
        if any_failed(listing.jobs):
            raise self.validation_failed(listing)
        if params["commit"] and not self.commit_done:
            # Only batches that passed: a wait that failed or timed out has raised, and nothing was committed.
            listing = self.wait(listing, VALIDATED)
            clock, _sleep = self.wait_clock()
            if clock() >= self.deadline and not self.check_mode:
                # Slow answers can bring validation's end past the deadline: no commit goes out after it.
                raise ModuleFailure("Timed out after %d seconds: every selected batch passed validation, but only once "
                                    "wait_timeout had run out, so nothing was committed. Hint: raise wait_timeout "
                                    "(and check timeout and the network: the listings were slow), or run the gate "
                                    "again" % (clock() - self.started))
            self.commit_validated(listing)
            self.commit_done = True
            if self.committed and not self.check_mode:
                listing = None  # stale: the next look is made at once
        listing = self.wait(listing, self.wanted)
        if params["wait_for_stage"]:
            self.follow_replication(listing)
        result = self.describe(listing)
        return dict(result, passed=True, summary=self.summary(result, True))

    def option_name(self, option):
        if option in ROLE_VARIABLES:
            return "%s (%s in the role)" % (option, ROLE_VARIABLES[option])
        return option

    def refuse_unmatched(self, listing):
        params = self.params
        filters = ", ".join("%s=%s" % (option, params[option] if params[option].strip() == params[option]
                                       else repr(params[option])) for option in ("domain_name", "user_name")
                            if params[option])
        if listing.missing_ids:
            raise ModuleFailure("No batch async job matches async_job_id %s%s. Hint: check the ids, the filters, and the "
                                "region and project the credentials point to" % (
                                    name_ids(listing.missing_ids), (" with " + filters) if filters else ""))
        if not listing.jobs and not listing.total_count:
            raise ModuleFailure("No batch async job matches %s. Hint: check the filters, and the region and project "
                                "the credentials point to" % (filters or "the selection"))

    def wait(self, listing, status):
        """Wait until every selected job satisfies ``status``, within the run's deadline; ``listing`` (None when
        stale) stands for the first look. In check mode, look only, and report the final wait skipped."""
        def reached(listing):
            return all_satisfy(listing.jobs, status) and not listing.missing_ids

        if listing is not None and reached(listing):
            return listing
        clock, _sleep = self.wait_clock()
        if self.check_mode:
            listing = listing or self.listing()
            if status == self.wanted and not reached(listing):
                then = ", committing the batches that passed validation" if self.params["commit"] else ""
                self.would_wait_for = self.skip_wait(status, pending_ids(listing.jobs, status, listing.missing_ids),
                                                     self.params["wait_timeout"], then)
            return listing
        try:
            return self.wait_until(self.listing, succeeded=reached, failed=lambda listing: any_failed(listing.jobs),
                                   deadline=self.deadline, interval=self.params["wait_sleep"], first=listing,
                                   status=status, describe=lambda listing: (count_statuses(listing.jobs), pending_ids(
                                       listing.jobs, status, listing.missing_ids)))
        except WaitFailed as ended:
            raise self.validation_failed(ended.last)
        except WaitTimedOut as ended:
            message = timeout_message(ended.last.jobs, status, clock() - self.started, ended.last.missing_ids,
                                      committed_ids=self.committed,
                                      how_to_commit="set commit to true (commit_gate_commit in the role) to have the "
                                                    "gate commit them")
            if status != self.wanted:
                message += ". Nothing was committed: the gate commits once every selected batch passed validation"
            raise ModuleFailure(message)

    def follow_replication(self, listing):
        """Past COMMIT_SUCCESS: wait, within the run's one deadline, until the DRS jobs every selected batch created
        are at wait_for_stage (and under max_lag_seconds). In check mode, look once (when every batch is committed:
        before, the jobs do not exist yet, and would_wait_for names the batches)."""
        params = self.params
        stage, max_lag = params["wait_for_stage"], params["max_lag_seconds"]
        if self.check_mode and not all_satisfy(listing.jobs, COMMITTED):
            return
        batches = [job_id(job) for job in listing.jobs if isinstance(job_id(job), str)]
        jobs = batch_job_ids(self.client, batches, params["language"], params["page_concurrency"], params["page_size"])
        self.watch = JobWatch(self.client, jobs, params["language"], params["page_concurrency"], params["page_size"],
                              self.throttle, shows_progress, self.stats)
        if self.check_mode:
            observed = self.watch()
            if any(job_failed(job) for job in observed.jobs):
                raise ModuleFailure(job_failure_message(observed.jobs))
            pending = [job["id"] for job in observed.jobs if not stage_reached(job, stage, max_lag)]
            if pending or observed.missing_ids:
                self.would_wait_for = self.skip_wait(stage_text(stage, max_lag), pending + observed.missing_ids,
                                                     params["wait_timeout"], ids_key="job_ids", noun="DRS job",
                                                     nouns="DRS jobs")
            return
        observed = self.wait_for_drs_jobs(self.watch, stage, max_lag, self.deadline, self.started)
        self.watch.last = observed._replace(jobs=self.watch.complete(observed.jobs, shows_progress))

    def validation_failed(self, listing):
        """The failure naming the failed jobs, quoting the first reasons when batches are selected by id (the
        list call gives none, and a selection by filters may hold many failed batches)."""
        failures, unread = [], None
        if self.selected is not None:
            params = self.params
            failures, unread = read_failed_batches(self.client, listing, params["language"],
                                                   params["page_concurrency"], params["page_size"])
        self.validation_failures = failures
        return ModuleFailure(failure_message(listing.jobs, reasons_summary(failures), unread))

    def commit_validated(self, listing):
        """Commit every listed batch that passed validation, ``page_concurrency`` at a time.

        In check mode, nothing is sent: the batches a real run would commit are those validated, and those still
        validating (a real run waits for them, and commits each that passes).
        """
        to_commit = (VALIDATED, VALIDATING) if self.check_mode else (VALIDATED,)
        statuses = collections.OrderedDict(
            (job_id(job), job_status(job)) for job in listing.jobs
            if job_status(job) in to_commit and isinstance(job_id(job), str) and self.selects(job))
        batches = list(statuses)
        self.status_before = statuses
        if self.check_mode or not batches:
            self.committed = batches
            return
        attempts = self.params["max_retries"] + 1

        def commit(async_job_id):
            # Every commit runs to its end, so that the result names each one that landed.
            try:
                commit_batch(self.client, async_job_id, attempts=attempts, pause=self.pause_before_commit,
                             language=self.params["language"])
            except ModuleFailure as error:
                return error
            return None

        errors = map_in_order(commit, batches, self.params["page_concurrency"])
        self.committed = [async_job_id for async_job_id, error in zip(batches, errors) if error is None]
        failed = [(async_job_id, error) for async_job_id, error in zip(batches, errors) if error is not None]
        if failed:
            message = "%s could not be committed (%s): %s" % (
                _plural(len(failed), "batch", "batches"), name_ids([batch for batch, _error in failed]),
                failed[0][1].msg)
            if self.committed:
                message += "; committed: %s" % name_ids(self.committed)
            # The failed commit's HTTP facts (status_code, error_code, request_id), not its batch: jobs has it.
            facts = dict((key, value) for key, value in failed[0][1].result.items() if key != "job")
            raise ModuleFailure(message.rstrip(".") + ". Hint: run the gate again: it commits only what still waits "
                                "for a commit", **facts)

    def selects(self, job):
        """Whether a listed job matches the filters: a service that ignored one must not have the gate commit
        the batches it listed by mistake (the listing already keeps only the selected ids)."""
        return all(job.get(option) == self.params[option] for option in ("domain_name", "user_name")
                   if self.params[option])

    def describe(self, listing):
        """The result keys, also on failure: every count describes every selected job."""
        clock, _sleep = self.wait_clock()
        elapsed = round(clock() - self.started, 1) if self.started is not None else 0.0
        return dict(listing_result(listing, self.params.get("return_jobs"), self.wanted, self.validation_failures,
                                   self.would_wait_for),
                    wait_for_stage=self.params.get("wait_for_stage"),
                    **dict(observed_result(self.watch.last if self.watch else NOTHING_OBSERVED, "drs_jobs",
                                           "drs_job_status_counts"),
                           changed=bool(self.committed), committed_async_job_ids=list(self.committed),
                    wait_for_status=self.wanted, elapsed_seconds=elapsed,
                           diff=dict(before=dict((batch, self.status_before.get(batch)) for batch in self.committed),
                                     after=dict((batch, COMMITTED) for batch in self.committed))))

    def summary(self, result, passed):
        """``passed after 42.5 s; 4 batches to reach COMMIT_SUCCESS: COMMIT_SUCCESS 4; committed 4 batches``."""
        counts = ", ".join("%s %d" % (status, count) for status, count in result["status_counts"].items() if count)
        outcome = "stopped" if not passed else "checked (not waited for)" if self.would_wait_for else "passed"
        parts = ["%s after %s s" % (outcome, result["elapsed_seconds"]),
                 "%s to reach %s%s" % (_plural(result["total_count"], "batch", "batches"), self.wanted,
                                       (": " + counts) if counts else "")]
        if self.params.get("commit"):
            parts.append("%s %s" % ("would commit" if self.check_mode else "committed",
                                    _plural(len(self.committed), "batch", "batches")))
        if self.watch is not None:
            jobs = result["drs_jobs"]
            lags = [job["incremental_delay"] for job in jobs if job["incremental_delay"] is not None]
            counts = ", ".join("%s %d" % (status, count) for status, count in result["drs_job_status_counts"].items()
                               if count)
            parts.append("%s to reach %s%s%s" % (
                _plural(len(jobs) + len(result["missing_job_ids"]), "DRS job"), self.params["wait_for_stage"],
                (": " + counts) if counts else "", ("; largest lag %g s" % max(lags)) if lags else ""))
        if self.validation_failures:
            parts.append("%s with validation failures" % _plural(len(self.validation_failures), "batch", "batches"))
        return "; ".join(parts)

    def carried(self):
        return dict(commit_done=self.commit_done, committed=list(self.committed), status_before=self.status_before)

    def result_on_failure(self):
        result = self.describe(self.listing.last if self.listing else NOTHING_LISTED)
        result.update(passed=False, summary=self.summary(result, False))
        return result


def main(session=None, clock=None, sleep=None):
    """Ansible calls this without arguments; unit tests pass a fake HTTP session and a fake clock."""
    module = CommitGate(session=session, clock=clock, sleep=sleep)
    module()


if __name__ == "__main__":
    main()
