#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: drs_batch_async_job
short_description: Commit a Huawei Cloud DRS batch async job once it passed validation
version_added: 1.1.0
description:
  - Commits a batch of DRS tasks created asynchronously (C(POST /v5/{project_id}/batch-async-jobs/{async_job_id}/commit)),
    after which each of its tasks is a DRS job, and by default waits until the batch is C(COMMIT_SUCCESS).
  - Idempotent. A batch already C(COMMIT_SUCCESS) is left alone (RV(ignore:changed=false)). A batch still
    C(ASYNC_JOB_VALIDATING) is waited for until validation ends (with O(wait)), then committed.
  - A batch in C(ASYNC_JOB_VALIDATE_FAILED) cannot be committed. The module fails, and its message quotes the
    first reasons the batch detail API gives (all of them are in RV(validation_failures)).
  - A commit request that timed out, lost its connection or got a gateway error may still have reached the
    service. It is never repeated blindly. The module reads the batch first, and sends the commit again only
    when the batch still waits for it. The HTTP retries of O(max_retries) never repeat a commit by themselves.
  - For waits longer than the silence limit of a CI job, run the task with C(async) and C(poll). Ansible then
    prints a line at every poll (see the user guide).
  - The API is in open beta and offered only in some regions. An unknown batch status counts as not finished.
author:
  - hwcloud.drs engineers (@hwcloud)
options:
  async_job_id:
    description:
      - The id of the batch (returned when the batch was created, listed by M(hwcloud.drs.drs_batch_async_job_info)).
      - An empty or blank value is refused before any request.
    type: str
    required: true
  state:
    description:
      - V(committed) commits the batch unless it is committed already.
    type: str
    choices: [committed]
    default: committed
  wait:
    description:
      - Wait until the batch is C(COMMIT_SUCCESS) after the commit, and wait for a batch still
        C(ASYNC_JOB_VALIDATING) to pass validation before committing it.
      - With V(false), the module returns once the commit was accepted, and fails on a batch still validating.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole run may wait, for validation and for the commit together. The last poll happens at
        the deadline.
      - V(1800) when unset. Between V(0) and V(2678400) (31 days).
      - Ignored with O(wait=false), with a warning.
    type: int
  wait_sleep:
    description:
      - Seconds between two polls.
      - V(10) when unset. At most V(3600).
      - Polls are never closer than 1 second apart; a smaller value is raised to 1, with a warning.
      - Ignored with O(wait=false), with a warning.
    type: float
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
      - Reads the batch once and reports RV(ignore:changed=true) when a real run would commit it (a batch still
        validating counts, since check mode skips the waits for validation before it); sends no commit and never waits.
        What a real run would wait for (validation to end, or the commit) is in a warning and in RV(would_wait_for).
  diff_mode:
    support: full
    details:
      - The batch status before and after the run (in check mode, the status a commit would lead to).
  platform:
    platforms: posix
  action_group:
    support: full
    membership:
      - hwcloud.drs.drs
seealso:
  - module: hwcloud.drs.drs_batch_async_job_info
    description: List batches, wait for many at once, and read why validation failed.
  - ref: hwcloud.drs.commit_gate
    description: The role that gates a play on a list of batches, and commits them with C(commit_gate_commit).
"""

EXAMPLES = r"""
# Credentials come from the environment (HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or HW_ACCESS_KEY and
# HW_SECRET_KEY) unless a task or module_defaults for group/hwcloud.drs.drs gives them.

- name: See what a commit would do, without committing
  hwcloud.drs.drs_batch_async_job:
    region: cn-north-4
    async_job_id: "{{ drs_batch_id }}"
  check_mode: true
  diff: true
  register: drs_would_commit

- name: Commit a batch that passed validation, and wait until it is COMMIT_SUCCESS
  hwcloud.drs.drs_batch_async_job:
    region: cn-north-4
    async_job_id: "{{ drs_batch_id }}"
    wait_timeout: 900
    wait_sleep: 5
  register: drs_commit

- name: Show the batch after the commit
  ansible.builtin.debug:
    msg: "{{ drs_commit.job.async_job_id }} is {{ drs_commit.job.status }}"

- name: Commit several batches without waiting for each (wait for all of them afterwards, in one run)
  hwcloud.drs.drs_batch_async_job:
    region: cn-north-4
    async_job_id: "{{ item }}"
    wait: false
  loop: "{{ drs_batch_ids | default([]) }}"

- name: Commit with access keys from variables, failing (with the reasons) if validation failed
  hwcloud.drs.drs_batch_async_job:
    region: cn-north-4
    access_key: "{{ lookup('ansible.builtin.env', 'HW_ACCESS_KEY') }}"
    secret_key: "{{ lookup('ansible.builtin.env', 'HW_SECRET_KEY') }}"
    async_job_id: "{{ drs_batch_id }}"
    state: committed
"""

RETURN = r"""
job:
  description:
    - The batch as the list call shows it at the end of the run (after the last poll when waiting; read again
      after a commit without waiting).
    - On failure, the batch as last read (empty when it was never read or matched nothing).
  returned: always
  type: dict
  sample:
    async_job_id: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
    status: COMMIT_SUCCESS
    domain_name: demo-domain
    user_name: demo-user
    create_time: "2024-01-30 10:12:44"
commit:
  description:
    - The C(job) object of the commit answer, as the service sent it.
    - Not returned when no commit was sent (already committed, check mode), nor when a commit attempt whose
      answer was lost turned out to have landed.
  returned: when the module sent a commit and got its answer
  type: dict
  sample:
    async_job_id: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
    status: COMMIT_SUCCESS
    msg: ""
  contains:
    async_job_id:
      description: The id of the batch.
      type: str
      returned: always
      sample: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
    status:
      description: The status the service reported with its answer.
      type: str
      returned: always
      sample: COMMIT_SUCCESS
    msg:
      description: The service's message, often empty.
      type: str
      returned: always
      sample: ""
diff:
  description: The batch status before and after the run.
  returned: always
  type: dict
  sample:
    before:
      status: AUTO_PARAM_VALIDATE_SUCCESS
    after:
      status: COMMIT_SUCCESS
validation_failures:
  description:
    - Why the batch failed validation, as the batch detail API gives it (every page). One entry, whose C(tasks)
      lists every DRS task of the batch with its C(reasons) (empty for a task that passed).
    - Empty when the detail could not be read (the message then says so).
    - The same shape as RV(hwcloud.drs.drs_batch_async_job_info#module:validation_failures).
  returned: when the batch is C(ASYNC_JOB_VALIDATE_FAILED)
  type: list
  elements: dict
  sample:
    - async_job_id: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
      tasks:
        - id: 5ab4d3f1-8a1b-4c5d-9e6f-0a1b2c3d4e5f
          name: orders-mysql-to-mysql
          status: CONFIGURATION_FAILED
          reasons:
            - "DRS.10010002: the source database port is not reachable"
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
    requests: 3
    retries: 0
    polls: 2
    iam_calls: 0
  contains:
    requests:
      description: HTTP requests sent, retries, IAM and commit calls included.
      type: int
      returned: always
      sample: 3
    retries:
      description: Requests repeated after HTTP 429, 5xx or a connection error (a commit only after reading the batch).
      type: int
      returned: always
      sample: 0
    polls:
      description: Times the batch was listed.
      type: int
      returned: always
      sample: 2
    iam_calls:
      description: Requests sent to IAM (token and project lookups).
      type: int
      returned: always
      sample: 0
would_wait_for:
  description:
    - In check mode, what a real run would have waited for, and for how long at most. Check mode changes
      nothing, so it cannot bring about what the wait waits for; it looks once instead, and warns.
  returned: in check mode, when a real run would wait
  type: dict
  version_added: 1.3.0
  sample:
    status: COMMIT_SUCCESS
    async_job_ids: [0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61]
    timeout: 1800
  contains:
    status:
      description: The status the wait would wait for.
      type: str
      returned: always
      sample: COMMIT_SUCCESS
    async_job_ids:
      description: The batches not yet at that status.
      type: list
      elements: str
      returned: always
      sample: [0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61]
    timeout:
      description: The longest a real run would wait, in seconds.
      type: int
      returned: always
      sample: 1800
status_code:
  description: HTTP status of the failed request.
  returned: when the service answered a request with an error
  type: int
  sample: 400
error_code:
  description: The service's C(error_code) for the failure.
  returned: when the service answered a request with an error
  type: str
  sample: DRS.10000001
error_msg:
  description: The service's C(error_msg) for the failure.
  returned: when the service answered a request with an error
  type: str
  sample: Failed.
request_id:
  description: The C(X-Request-Id) of the failed request, for Huawei Cloud support.
  returned: when the service answered a request with an error
  type: str
  sample: 2b9d7a70b4e34fcd8e2b35b8c8c1f6a1
"""

from ansible_collections.hwcloud.drs.plugins.module_utils._drs_api import (
    commit_batch,
    read_batch,
    read_validation_failures,
    reasons_summary,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._statuses import (
    COMMITTED,
    VALIDATED,
    VALIDATE_FAILED,
    job_status,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_module import (
    PROGRESS_ARGUMENT_SPEC,
    PROGRESS_RANGES,
    WAIT_RANGES,
    DrsModule,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._polling import WaitFailed, WaitTimedOut


# Where a batch can go once validation ended.
VALIDATION_ENDED = frozenset((VALIDATE_FAILED, VALIDATED, COMMITTED))


class BatchAsyncJob(DrsModule):
    argument_spec = dict(
        async_job_id=dict(type="str", required=True),
        state=dict(type="str", choices=["committed"], default="committed"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int"),
        wait_sleep=dict(type="float"),
        **PROGRESS_ARGUMENT_SPEC
    )
    # The batch as last read, which a failure still reports; the deadline of every wait of the run.
    last_job = None
    deadline = None
    # What a wait in steps carries from one step to the next: the status before the run, whether the commit
    # went out, and the service's answer to it.
    before = None
    committed = False
    commit_answer = None

    def run(self):
        params = self.params
        self.check_ranges(dict(WAIT_RANGES, **PROGRESS_RANGES))
        self.check_options()
        self.connect(pool_size=2)
        self.deadline = self.wait_started() + self.wait_settings()[0]
        job = self.read()
        if job is None:
            raise ModuleFailure("No batch async job matches async_job_id %s. Hint: check async_job_id, and the region "
                                "and project the credentials point to" % params["async_job_id"])
        before = self.before = self.carried_in.get("before", job_status(job))
        if self.carried_in.get("committed"):
            # A step after the one that committed: only the wait for the commit to land is left.
            self.committed, self.commit_answer = True, self.carried_in.get("commit")
            return self.after_commit(before, None, first=job)
        if job_status(job) not in VALIDATION_ENDED:
            if self.check_mode:
                # Check mode cannot bring validation to its end, nor did a wait for it in check mode before this
                # task: say what a real run would do.
                if params["wait"]:
                    return self.would_commit(job, before, VALIDATED, ", then commit the batch if it passed validation")
                self.warn("Check mode: batch %s is still %s; a real run commits it once it passed validation, and "
                          "fails while it is validating (wait is false)" % (params["async_job_id"], before))
                return self.would_commit(job, before, None, "")
            if not params["wait"]:
                raise ModuleFailure("Batch %s is still %s: it can be committed once it passed validation. Hint: set "
                                    "wait to true to wait for validation, or run again later" % (
                                        params["async_job_id"], before or "without a status"))
            job = self.wait_for(lambda status: status in VALIDATION_ENDED, "validation to end", first=job)
        if job_status(job) == VALIDATE_FAILED:
            raise self.validation_failed()
        if job_status(job) == COMMITTED:
            return self.result(job, before, changed=False)
        if self.check_mode:
            return self.would_commit(job, before, COMMITTED if params["wait"] else None, " after committing it")
        return self.commit(before)

    def would_commit(self, job, before, wait_for, then):
        """The check-mode result: a real run would commit; ``wait_for`` is the status it would wait for first."""
        extra = {}
        if wait_for is not None:
            extra["would_wait_for"] = self.skip_wait(wait_for, [self.params["async_job_id"]],
                                                     self.wait_settings()[0], then)
        return self.result(job, before, changed=True, after=COMMITTED, **extra)

    def check_options(self):
        """Refuse an empty id before any request; warn about what would be ignored or raised."""
        self.refuse_empty("async_job_id")
        self.check_wait_options(self.params["wait"], "with wait=false: set wait to true to wait")

    def commit(self, before):
        params = self.params
        self.commit_answer, job = commit_batch(self.client, params["async_job_id"], attempts=params["max_retries"] + 1,
                                               pause=self.pause_before_commit)
        self.committed = True
        return self.after_commit(before, job)

    def after_commit(self, before, job, first=None):
        """The result once the commit went out, after the wait for it to land when ``wait`` is true."""
        params = self.params
        extra = {} if self.commit_answer is None else {"commit": self.commit_answer}
        try:
            if params["wait"]:
                job = self.wait_for(lambda status: status == COMMITTED, "the commit to reach %s" % COMMITTED,
                                    first=first)
            elif job is None:
                job = self.read()
        except ModuleFailure as failure:
            # The commit went out: the failure says so, and carries what the service answered.
            failure.result.update(extra, changed=True)
            raise
        return self.result(job or {}, before, changed=True, **extra)

    def read(self):
        self.stats.add("polls")
        job = read_batch(self.client, self.params["async_job_id"])
        if job is not None:
            self.last_job = job
        return job

    def wait_for(self, reached, what, first=None):
        """Poll until ``reached(status)``, within the run's one deadline; returns the batch. ``first``, the batch
        just read, stands for the first poll."""
        params = self.params
        wait_timeout, interval = self.wait_settings()
        try:
            return self.wait_until(self.read, succeeded=lambda job: reached(job_status(job)),
                                   failed=lambda job: job_status(job) == VALIDATE_FAILED, deadline=self.deadline,
                                   interval=interval, first=first,
                                   status=what,
                                   describe=lambda job: ({job_status(job) or "not listed": 1},
                                                         [params["async_job_id"]]))
        except WaitFailed as ended:
            return ended.last
        except WaitTimedOut:
            raise ModuleFailure("Timed out after %d seconds waiting for %s of batch %s; it is %s. Hint: raise "
                                "wait_timeout, or run the task again later (it will not commit twice)" % (
                                    wait_timeout, what, params["async_job_id"],
                                    job_status(self.last_job) or "not listed"))

    def validation_failed(self):
        async_job_id = self.params["async_job_id"]
        message = "Batch %s failed validation (%s), so it cannot be committed" % (async_job_id, VALIDATE_FAILED)
        try:
            failures = read_validation_failures(self.client, [async_job_id])
        except ModuleFailure as error:
            failures = []
            message += "; its reasons could not be read (%s)" % error.msg.rstrip(".")
        else:
            summary = reasons_summary(failures, name_batches=False)
            message += (": %s" % summary) if summary else "; the service gives no reason for it"
        return ModuleFailure(message + ". Hint: fix the reasons (all of them in validation_failures), then create the "
                             "batch again", validation_failures=failures)

    def result(self, job, before, changed, after=None, **extra):
        return dict(changed=changed, job=job,
                    diff=dict(before=dict(status=before), after=dict(status=after or job_status(job))), **extra)

    def carried(self):
        return dict(before=self.before, committed=self.committed, commit=self.commit_answer)

    def result_on_failure(self):
        return dict(job=self.last_job or {})


def main(session=None, clock=None, sleep=None):
    """Ansible calls this without arguments; unit tests pass a fake HTTP session and a fake clock."""
    module = BatchAsyncJob(session=session, clock=clock, sleep=sleep)
    module()


if __name__ == "__main__":
    main()
