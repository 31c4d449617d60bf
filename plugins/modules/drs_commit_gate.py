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
would_wait_for:
  description: In check mode, what a real run would wait for.
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
      returned: always
      sample: [0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61]
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
      description: Complete listings of the selection made (each covers every id).
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
    BatchListing,
    commit_batch,
    listing_result,
    read_failed_batches,
    reasons_summary,
    selected_ids,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._statuses import (
    COMMITTED,
    VALIDATED,
    VALIDATING,
    WAITABLE_STATUSES,
    all_satisfy,
    any_failed,
    count_statuses,
    failure_message,
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
              page_concurrency=(1, 32), **PROGRESS_RANGES)


# The role's variable for each option it sets, so that a refusal names what a role user wrote.
ROLE_VARIABLES = dict(async_job_ids="commit_gate_async_job_ids", domain_name="commit_gate_domain_name",
                      user_name="commit_gate_user_name", wait_timeout="commit_gate_timeout",
                      wait_sleep="commit_gate_wait_sleep", page_size="commit_gate_page_size",
                      page_concurrency="commit_gate_page_concurrency",
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
        result = self.describe(self.wait(listing, self.wanted))
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
                    changed=bool(self.committed), committed_async_job_ids=list(self.committed),
                    wait_for_status=self.wanted, elapsed_seconds=elapsed,
                    diff=dict(before=dict((batch, self.status_before.get(batch)) for batch in self.committed),
                              after=dict((batch, COMMITTED) for batch in self.committed)))

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
