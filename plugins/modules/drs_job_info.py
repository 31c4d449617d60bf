#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: drs_job_info
short_description: Read the Huawei Cloud DRS jobs that batches created, and optionally wait for their replication
version_added: 1.3.0
description:
  - Reads DRS replication jobs, selected by O(job_ids) or by O(async_job_ids), the batches that created them. After
    a batch is C(COMMIT_SUCCESS), DRS creates and starts one job per task of the batch; this module follows them
    to the moment a cutover is safe.
  - With O(async_job_ids), the jobs are the tasks of each batch's detail (C(GET /v5/{project_id}/batch-async-jobs/{async_job_id}),
    every page), each task's C(id) taken as the DRS job id.
  - Statuses come from the job list call (C(GET /v5/{project_id}/jobs)), 10 job ids per call (the most its C(name)
    filter takes), O(page_concurrency) calls at a time. Progress and lag come from
    C(GET /v5/{project_id}/jobs/{job_id}?type=progress), one call per job, and only for the jobs whose progress the
    result shows (O(progress)) or the wait needs. A failed job's error comes from C(?type=log&log_level=Error).
  - With O(wait_for_stage), polls in the same run until every selected job has reached that stage, failing at once
    when a job failed, naming the job, its batch, its status and DRS's error message; fails after O(wait_timeout)
    naming each pending job with its status, progress and lag.
  - Results keep the same keys on failure, so an C(until) loop never trips over a missing key.
  - "What could not be confirmed from the SDK (huaweicloudsdkdrs 3.1.219) and the API reference: that the id of a
    batch's task is the DRS job id in every scenario (the SDK documents both as the id that uniquely identifies a
    data replication task; a task id the list call does not know is reported in RV(missing_job_ids) and, in a wait,
    counted as pending); whether the C(name) filter matches names in part (only jobs whose id is exactly one asked
    for are kept); the format of C(remaining_time) (returned as text); which statuses a job passes through for
    every engine and task type (an unknown status counts as not ready); and where DRS puts a failed job's error
    (no model has an error field: the job's own C(error_code) and C(error_msg) are read when present, else its
    first log of level Error)."
author:
  - hwcloud.drs engineers (@hwcloud)
options:
  job_ids:
    description:
      - The DRS job ids to read. At least one, none empty and none holding a comma (the list call's filter
        separates ids with commas); an id given twice is read once.
      - Mutually exclusive with O(async_job_ids); one of them is required.
    type: list
    elements: str
  async_job_ids:
    description:
      - The batches whose DRS jobs to read, that is every task of each batch's detail. Each batch must list at least one
        task, each with an id; commit the batches first (M(hwcloud.drs.drs_commit_gate)).
      - Each returned job names its batch in RV(jobs[].async_job_id).
    type: list
    elements: str
  progress:
    description:
      - Read the progress (percent, lag, remaining time) of each job that is transferring, has transferred or
        failed doing so (C(FULL_TRANSFER_*), C(INCRE_TRANSFER_*)), one more call per such job.
      - V(false) reads statuses only. During a wait, progress is read only for the jobs whose lag decides
        (O(wait_for_stage=incremental) with O(max_lag_seconds)); with V(true) the progress of the others is read
        once, when the wait has ended.
    type: bool
    default: true
  wait_for_stage:
    description:
      - Poll until every selected job has reached this stage.
      - V(started) - the job exists and has started (C(FULL_TRANSFER_STARTED) or later).
      - V(full_transfer_complete) - the full transfer is done (C(FULL_TRANSFER_COMPLETE) or C(INCRE_TRANSFER_STARTED)).
      - V(incremental) - the job replicates incrementally (C(INCRE_TRANSFER_STARTED)), with a lag of at most
        O(max_lag_seconds) when it is set.
      - A job of task type C(INCR_TRANS), which has no full transfer, reaches every stage once it replicates.
      - Fails at once when a job is in a failed state (every C(*_FAILED) status, C(RELEASE_RESOURCE_STARTED),
        C(RELEASE_RESOURCE_COMPLETE) and C(DELETED)). A paused job (C(PAUSING)) and any status the service adds
        count as not ready. A selected job id that DRS does not list counts as pending.
    type: str
    choices: [started, full_transfer_complete, incremental]
  max_lag_seconds:
    description:
      - With O(wait_for_stage=incremental), the largest incremental lag (C(incr_trans_delay), in seconds) each job
        may have. A lag the service does not report is not known, and never counts as small enough.
      - At least V(0). Only with O(wait_for_stage=incremental).
    type: float
  wait_timeout:
    description:
      - Seconds to wait in total for O(wait_for_stage). The last poll happens at the deadline.
      - V(1800) when unset. Between V(0) and V(2678400) (31 days). Ignored without O(wait_for_stage), with a warning.
    type: int
  wait_sleep:
    description:
      - Seconds between polls. V(10) when unset, at most V(3600); polls are never closer than 1 second apart.
      - Ignored without O(wait_for_stage), with a warning.
    type: float
  page_size:
    description:
      - Jobs asked for per request (of a list call, and of a batch's detail).
    type: int
    default: 1000
  page_concurrency:
    description:
      - Requests sent at the same time (list calls, progress and detail calls). Between V(1) and V(32).
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
      - The action plugin runs a wait in steps, to print its progress lines (O(progress_interval)). With
        O(async_job_ids), each step reads the batches' tasks again (one detail call per batch).
  async:
    support: full
    details:
      - Under C(async) the module waits in one run, without progress lines.
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - The module only reads. With O(wait_for_stage) it looks once instead of waiting, fails as a real run would on
        a failed job, and reports what it would wait for in a warning and in RV(would_wait_for).
  diff_mode:
    support: none
  platform:
    platforms: posix
  action_group:
    support: full
    membership:
      - hwcloud.drs.drs
seealso:
  - module: hwcloud.drs.drs_commit_gate
    description: Commit the batches and wait, in one deadline, until their jobs replicate.
"""

EXAMPLES = r"""
# Credentials come from the environment (HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or HW_ACCESS_KEY and
# HW_SECRET_KEY) unless a task or module_defaults for group/hwcloud.drs.drs gives them.

- name: Read the DRS jobs that the committed batches created
  hwcloud.drs.drs_job_info:
    region: cn-north-4
    async_job_ids: "{{ drs_batch_ids | mandatory }}"
  register: drs_replication

- name: Show each job's status, progress and lag
  ansible.builtin.debug:
    msg: "{{ item.name }} ({{ item.async_job_id }}): {{ item.status }}, {{ item.progress }}%, lag {{ item.incremental_delay }}"
  loop: "{{ drs_replication.jobs }}"
  loop_control:
    label: "{{ item.id }}"

- name: Wait until every job replicates incrementally, less than 30 seconds behind the source
  hwcloud.drs.drs_job_info:
    region: cn-north-4
    async_job_ids: "{{ drs_batch_ids | mandatory('set drs_batch_ids: the batches whose jobs to wait for') }}"
    wait_for_stage: incremental
    max_lag_seconds: 30
    wait_timeout: 7200
    wait_sleep: 30

- name: Wait for the full transfer of two jobs known by id, statuses only
  hwcloud.drs.drs_job_info:
    region: cn-north-4
    job_ids: "{{ drs_job_ids | mandatory }}"
    wait_for_stage: full_transfer_complete
    progress: false
"""

RETURN = r"""
jobs:
  description:
    - Every selected job DRS listed, in the order of O(job_ids) (or of the batches' tasks), with the keys below.
    - On failure, the jobs as last observed, so a C(rescue) section can read them.
  returned: always
  type: list
  elements: dict
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
  contains:
    id:
      description: The DRS job id.
      type: str
      returned: always
      sample: 4eebefca-2f88-7281-0309-1a6991cejb01
    name:
      description: The job's name.
      type: str
      returned: always
      sample: mysql-to-mysql-0b4d3f0e-1
    status:
      description: The job's status as the list call gives it (the beta API may add statuses), or V(null).
      type: str
      returned: always
      sample: FULL_TRANSFER_STARTED
    async_job_id:
      description: The batch that created the job, when selected by O(async_job_ids); V(null) otherwise.
      type: str
      returned: always
      sample: 0b4d3f0e-7c1e-4f7b-9f43-3c9d1b2a5e61
    transfer_status:
      description: C(progress_info.transfer_status) of the progress call, or V(null) when progress was not read.
      type: str
      returned: always
      sample: FULL_TRANSFER_STARTED
    progress:
      description: C(progress_info.progress), the percent transferred, as a number; V(null) when not read or not a number.
      type: float
      returned: always
      sample: 45
    incremental_delay:
      description:
        - The incremental lag in seconds (C(progress_info.incr_trans_delay), else C(incr_trans_delay_millis) / 1000),
          as a number; V(null) when the service reports none (for example during the full transfer) or progress
          was not read. V(null) is not known, never zero.
      type: float
      returned: always
      sample: 2
    remaining_time:
      description: C(progress_info.remaining_time), as the service formats it, or V(null).
      type: str
      returned: always
      sample: 0s
    error_code:
      description: A failed job's error code, when DRS gives one.
      type: str
      returned: always
      sample: DRS.M06001
    error_message:
      description: A failed job's error message, when DRS gives one (its own, else its first error log).
      type: str
      returned: always
      sample: "Full transfer failed: table shop.orders has no primary key."
status_counts:
  description: The listed jobs per status (a key for each status from C(CREATING) to C(INCRE_TRANSFER_FAILED), 0 when
    none; others as the service names them).
  returned: always
  type: dict
  sample: {CREATING: 0, INCRE_TRANSFER_STARTED: 4, FULL_TRANSFER_FAILED: 0}
missing_job_ids:
  description: The selected job ids that the list call did not list, in order (each counted as pending by a wait).
  returned: always
  type: list
  elements: str
  sample: []
would_wait_for:
  description: In check mode with O(wait_for_stage), when not every job is there yet, what a real run would wait for.
  returned: in check mode, when a real run would wait
  type: dict
  sample:
    status: incremental replication (INCRE_TRANSFER_STARTED) with a lag of at most 30 seconds
    job_ids: [4eebefca-2f88-7281-0309-1a6991cejb01]
    timeout: 1800
  contains:
    status:
      description: The stage to reach, in words.
      type: str
      returned: always
      sample: incremental replication (INCRE_TRANSFER_STARTED)
    job_ids:
      description: The jobs not yet there, then the selected ids DRS did not list.
      type: list
      elements: str
      returned: always
      sample: [4eebefca-2f88-7281-0309-1a6991cejb01]
    timeout:
      description: The longest a real run would wait, in seconds.
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
    requests: 4
    retries: 0
    polls: 1
    iam_calls: 0
  contains:
    requests:
      description: HTTP requests sent (list, progress, log and detail calls), retries and IAM calls included.
      type: int
      returned: always
      sample: 4
    retries:
      description: Requests repeated after HTTP 429, 5xx or a connection error.
      type: int
      returned: always
      sample: 0
    polls:
      description: Complete observations of the selected jobs (one without O(wait_for_stage)).
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
  description: The service's C(error_code) for the failed request.
  returned: when the service answered a request with an error
  type: str
  sample: DRS.M00102
error_msg:
  description: The service's C(error_msg) for the failed request.
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
    NOTHING_OBSERVED,
    JobWatch,
    batch_job_ids,
    observed_result,
    selected_ids,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._statuses import (
    STAGES,
    job_failed,
    job_failure_message,
    shows_progress,
    stage_reached,
    stage_text,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_module import (
    PROGRESS_ARGUMENT_SPEC,
    PROGRESS_RANGES,
    WAIT_RANGES,
    DrsModule,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure

RANGES = dict(WAIT_RANGES, max_lag_seconds=(0, None), page_size=(1, None), page_concurrency=(1, 32),
              **PROGRESS_RANGES)


class DrsJobInfo(DrsModule):
    argument_spec = dict(
        job_ids=dict(type="list", elements="str"),
        async_job_ids=dict(type="list", elements="str"),
        progress=dict(type="bool", default=True),
        wait_for_stage=dict(type="str", choices=list(STAGES)),
        max_lag_seconds=dict(type="float"),
        wait_timeout=dict(type="int"),
        wait_sleep=dict(type="float"),
        page_size=dict(type="int", default=1000),
        page_concurrency=dict(type="int", default=10),
        language=dict(type="str", choices=["en-us", "zh-cn"], default="en-us"),
        **PROGRESS_ARGUMENT_SPEC
    )
    module_kwargs = dict(mutually_exclusive=[("job_ids", "async_job_ids")],
                         required_one_of=[("job_ids", "async_job_ids")])
    watch = None
    would_wait_for = None

    def run(self):
        params = self.params
        self.check_ranges(RANGES)
        self.refuse_lag_without_incremental("wait_for_stage", "max_lag_seconds")
        stage, max_lag = params["wait_for_stage"], params["max_lag_seconds"]
        self.check_wait_options(stage, "without wait_for_stage: set wait_for_stage to wait")
        if params["job_ids"] is not None:
            batches = collections.OrderedDict((job, None) for job in selected_ids(params["job_ids"], "job_ids"))
        else:
            batches = None
            async_job_ids = selected_ids(params["async_job_ids"])
        self.connect(pool_size=params["page_concurrency"])
        if batches is None:
            batches = batch_job_ids(self.client, async_job_ids, params["language"], params["page_concurrency"],
                                    params["page_size"])
        needs_progress = shows_progress if params["progress"] else (lambda job: False)
        self.watch = JobWatch(self.client, batches, params["language"], params["page_concurrency"],
                              params["page_size"], self.throttle, needs_progress, self.stats)
        if not stage:
            return self.describe(self.watch())
        timeout, _interval = self.wait_settings()
        if self.check_mode:
            # A look, never a wait: a failed job still fails, and what a real run would wait for is reported.
            observed = self.watch()
            if any(job_failed(job) for job in observed.jobs):
                raise ModuleFailure(job_failure_message(observed.jobs))
            pending = [job["id"] for job in observed.jobs if not stage_reached(job, stage, max_lag)]
            if pending or observed.missing_ids:
                self.would_wait_for = self.skip_wait(stage_text(stage, max_lag), pending + observed.missing_ids,
                                                     timeout, ids_key="job_ids", noun="DRS job", nouns="DRS jobs")
            return self.describe(observed)
        observed = self.wait_for_drs_jobs(self.watch, stage, max_lag, self.wait_started() + timeout)
        return self.describe(observed._replace(jobs=self.watch.complete(observed.jobs, needs_progress)))

    def describe(self, observed):
        result = dict(observed_result(observed), changed=False)
        if self.would_wait_for is not None:
            result["would_wait_for"] = self.would_wait_for
        return result

    def result_on_failure(self):
        return self.describe(self.watch.last if self.watch else NOTHING_OBSERVED)


def main(session=None, clock=None, sleep=None):
    """Ansible calls this without arguments; unit tests pass a fake HTTP session and a fake clock."""
    module = DrsJobInfo(session=session, clock=clock, sleep=sleep)
    module()


if __name__ == "__main__":
    main()
