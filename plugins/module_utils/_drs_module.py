# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AnsibleModule subclass every hwcloud.drs module builds on: it owns the boundary of a run.

A module subclasses DrsModule, sets ``argument_spec`` (its own options; the connection options of doc
fragment hwcloud.drs.connection are merged in) and implements ``run()``, which returns the result or
raises ModuleFailure. DrsModule turns that into exit_json or fail_json with the stable result keys.
Private to this collection: the interface may change without notice.
"""

import collections
import hashlib
import json
import math
import os
import time

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.hwcloud.drs.plugins.module_utils._auth import METADATA_TIMEOUT_SECONDS
from ansible_collections.hwcloud.drs.plugins.module_utils._drs_api import build_client
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import MESSAGE_CAP, ModuleFailure, one_line, shorten
from ansible_collections.hwcloud.drs.plugins.module_utils._http import (
    HttpTransport,
    REQUESTS_IMPORT_ERROR,
    backoff_seconds,
    RequestStats,
    Throttle,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import (
    ENVIRONMENT_VARIABLES,
    MASK,
    PASSWORD_OPTIONS,
    SECRET_OPTIONS,
    register_secrets,
    resolve_settings,
    Secrets,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._polling import (
    SHORTEST_INTERVAL,
    WaitFailed,
    WaitPaused,
    WaitTimedOut,
    wait_until,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._statuses import (
    INCREMENTAL,
    NAMED_JOBS,
    PROGRESS_STATUSES,
    REPLICATING,
    drs_job_status,
    stage_text,
    job_failed,
    job_failure_message,
    job_timeout_message,
    name_ids,
    stage_reached,
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
    koocli_profile=dict(type="str"),
    koocli_config_file=dict(type="path"),
    ecs_metadata=dict(type="bool"),
    ecs_metadata_url=dict(type="str"),
    assume_agency_name=dict(type="str"),
    assume_agency_domain_name=dict(type="str"),
    assume_agency_duration=dict(type="int"),
    validate_certs=dict(type="bool", default=True),
    allow_insecure_http=dict(type="bool", default=False),
    ca_path=dict(type="path"),
    timeout=dict(type="float", default=30),
    max_retries=dict(type="int", default=5),
)
CONNECTION_RANGES = dict(timeout=(0.001, 3600), max_retries=(0, 100))
# The wait options of a module that waits. They are unset by default, so that giving them to a run that does
# not wait can be told apart (check_wait_options); a waiting run takes the defaults below (wait_settings).
WAIT_RANGES = dict(wait_timeout=(0, 31 * 86400), wait_sleep=(0, 3600))
WAIT_TIMEOUT = 1800
WAIT_SLEEP = 10.0

# The options of a module whose waits show progress lines (doc fragment hwcloud.drs.progress). The action
# plugin of the module (plugin_utils/_wait_progress.py) runs a wait in steps: each step is a module run that
# ends after a poll when a line is due, returning ``wait_state``; the plugin shows the line and starts the
# next step with that state in ``_wait_state``, until a run ends the wait. Without ``_wait_state`` (under
# async, or progress_interval 0) a run waits in one go, as before.
PROGRESS_ARGUMENT_SPEC = dict(
    progress_interval=dict(type="int", default=60),
    _wait_state=dict(type="dict"),
)
PROGRESS_RANGES = dict(progress_interval=(0, 86400))
# A change of the counts ends a step at once, but steps (module runs, each with its start-up and, with an IAM
# password, its login) come no closer than this: changes in between are shown together.
CHANGE_LINE_GAP = 10.0
_WAIT_STATE_NUMBERS = ("started", "next_poll", "shown_at")
_WAIT_STATE_MESSAGE = ("_wait_state is internal: the collection's action plugin passes it from one step of a wait "
                       "to the next. Leave it out (set progress_interval to 0 for a wait without progress lines)")


def _seconds_text(seconds):
    seconds = int(seconds)
    if seconds < 60:
        return "%d s" % seconds
    if seconds < 3600:
        return "%d min %d s" % divmod(seconds, 60) if seconds % 60 else "%d min" % (seconds // 60)
    return "%d h %d min" % (seconds // 3600, seconds % 3600 // 60)


# How many pending ids a progress line names, and how much of each end of a longer id: batch ids may share
# a prefix (a naming scheme) or a suffix, so both ends are kept.
_LINE_IDS = 5
_LINE_ID_END = 6


def _short_id(value):
    text = str(value)
    if len(text) <= 2 * _LINE_ID_END + 1:
        return text
    return text[:_LINE_ID_END] + "\u2026" + text[-_LINE_ID_END:]


# A service may answer with statuses of any number and length: a line shows the most frequent few, each cut.
_LINE_STATUSES = 8
_LINE_STATUS_CHARS = 40


def counts_digest(counts):
    """A short fingerprint of the counts by status, which the next step compares (the counts themselves can be
    as many as the service invents)."""
    return hashlib.sha256(json.dumps(sorted(counts.items()), default=str).encode("utf-8")).hexdigest()[:16]


def progress_line(status, counts, pending, waited, timeout, scrub=str):
    """``waiting for COMMIT_SUCCESS, 1 min 5 s of 30 min: COMMIT_SUCCESS 1, ...; pending 6f1c9a…e4b2d0``.

    ``scrub`` cleans what the service sent (statuses, ids) of any piece of a secret, as in messages.
    """
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    shown = ["%s %d" % (scrub(name)[:_LINE_STATUS_CHARS], count) for name, count in ranked[:_LINE_STATUSES]]
    if len(ranked) > _LINE_STATUSES:
        shown.append("%d other statuses %d" % (len(ranked) - _LINE_STATUSES,
                                               sum(count for _name, count in ranked[_LINE_STATUSES:])))
    line = "waiting for %s, %s of %s: %s" % (status, _seconds_text(waited), _seconds_text(timeout),
                                             ", ".join(shown) or "nothing listed yet")
    if pending:
        names = [_short_id(scrub(value)) for value in pending[:_LINE_IDS]]
        if len(pending) > _LINE_IDS:
            names.append("%d more" % (len(pending) - _LINE_IDS))
        line += "; pending %s" % ", ".join(names)
    return line


def _silence_insecure_request_warnings():
    # The module already warned once through Ansible; urllib3 would repeat it on stderr for every request.
    try:
        from urllib3.exceptions import InsecureRequestWarning
        import urllib3
    except ImportError:
        return
    urllib3.disable_warnings(InsecureRequestWarning)


def _metadata_session():
    # The metadata service is on the machine's own link: a proxy of the environment must not carry the request.
    import requests  # pylint: disable=import-outside-toplevel  # guarded: REQUESTS_IMPORT_ERROR fails first
    session = requests.Session()
    session.trust_env = False
    return session


# A CA bundle larger than this is not a bundle.
_CA_BUNDLE_CAP_BYTES = 16 * 1024 * 1024


def check_ca_bundle(path):
    """Refuse a ca_path that is not a readable PEM bundle, naming the file and what is wrong with it."""
    if not os.path.isfile(path):
        raise ModuleFailure("ca_path %s is not a file: give the PEM bundle of CA certificates to verify the "
                            "servers with" % path)
    try:
        with open(path, "rb") as bundle:
            content = bundle.read(_CA_BUNDLE_CAP_BYTES)
    except (IOError, OSError) as error:
        raise ModuleFailure("ca_path %s cannot be read (%s)" % (path, error.strerror or error))
    if b"-----BEGIN CERTIFICATE-----" not in content:
        raise ModuleFailure("ca_path %s is not a PEM bundle: it holds no -----BEGIN CERTIFICATE----- block. Hint: "
                            "convert a DER certificate with openssl x509 -inform der -in CERT -out BUNDLE.pem" % path)


def _range_text(low, high):
    if high is None:
        return "at least %s" % low
    if low is None:
        return "at most %s" % high
    return "between %s and %s" % (low, high)


class DrsModule(AnsibleModule):
    """AnsibleModule with the connection options merged in, one client per run, and safe results.

    ``session`` (a requests.Session stand-in), ``clock`` (with ``time()`` and ``monotonic()``) and
    ``sleep`` let tests run a module without a network and without waiting.
    """

    argument_spec = {}
    module_kwargs = {}

    def __init__(self, session=None, clock=None, sleep=None):
        # Set before AnsibleModule.__init__, which may already fail (bad arguments) and report them.
        self.stats = RequestStats()
        # Every secret of the run, as soon as it is known: environment values now, options once parsed.
        self.secrets = Secrets()
        for option in SECRET_OPTIONS:
            self.secrets.add(*(os.environ.get(name) for name in ENVIRONMENT_VARIABLES[option]),
                             whole_only=option in PASSWORD_OPTIONS)
        self.transport = None
        self.metadata_transport = None
        self.settings = None
        self.client = None
        # Shared by the transport (which records each HTTP 429) and the pagers (which slow down on it).
        self.throttle = Throttle()
        self.http_session = session
        self.clock = clock or time
        self.sleep = sleep
        # A wait run in steps (PROGRESS_ARGUMENT_SPEC): the state this step started from, and where it paused.
        self.wait_state = None
        self.carried_in = {}
        self.paused = None
        self._wait_started = None
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(self.argument_spec)
        self.no_log_options = frozenset(option for option, option_spec in spec.items() if option_spec.get("no_log"))
        kwargs = dict(supports_check_mode=True)
        kwargs.update(self.module_kwargs)
        super(DrsModule, self).__init__(argument_spec=spec, **kwargs)
        for option in self.no_log_options:
            self.secrets.add(self.params.get(option), whole_only=option in PASSWORD_OPTIONS)
        # Only now: ansible-core 2.22 sends the controller the secrets registered once AnsibleModule is set up.
        self.secrets.start_registering()
        if REQUESTS_IMPORT_ERROR is not None:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)

    def run(self):
        """The module's own logic: return the result keys, or raise ModuleFailure."""
        raise NotImplementedError

    def result_on_failure(self):
        """Result keys every failure carries, so that an until expression reading them never fails."""
        return {}

    def __call__(self):
        try:
            self.check_ranges(CONNECTION_RANGES)
            self.resume_wait()
            result = self.run()
        except WaitPaused:
            result = self.paused_result()
            failed = None
        except ModuleFailure as failure:
            failed = failure
        else:
            failed = None
        # Outside the except block: AnsibleModule would attach the exception's traceback, with the text of the
        # server or library exception under it, which nothing scrubs.
        if failed is not None:
            self.fail_json(msg=failed.msg, **failed.result)
        self.exit_json(**result)

    # ------------------------------------------------------------------------------------------------
    # Waits in steps, with a progress line between them (PROGRESS_ARGUMENT_SPEC).

    def resume_wait(self):
        """Take up the state of the step before, if any, and sleep until the poll it scheduled is due."""
        state = self.params.get("_wait_state")
        if not state:
            return  # not in steps, or the first step: nothing to take up
        clock, sleep = self.wait_clock()
        now = clock()
        try:
            numbers = [float(state[key]) for key in _WAIT_STATE_NUMBERS]
            counts = state["counts"]
            started, next_poll, shown_at = numbers
            # A state of this host's monotonic clock, of a wait that began within its wait_timeout (and the longest
            # wait_sleep a step may sleep past it), whose next poll is no further than the longest wait_sleep.
            longest = (self.params.get("wait_timeout") or WAIT_TIMEOUT) + WAIT_RANGES["wait_sleep"][1]
            if not (all(math.isfinite(number) for number in numbers) and isinstance(counts, str)
                    and now - longest <= started <= shown_at <= now and next_poll - now <= WAIT_RANGES["wait_sleep"][1]):
                raise ValueError("not a state")
            stats = dict((key, int(value)) for key, value in state.get("stats", {}).items()
                         if key in self.stats.as_dict() and int(value) >= 0)
            carried = state.get("carried") or {}
            if not isinstance(carried, dict):
                raise ValueError("not a state")
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ModuleFailure(_WAIT_STATE_MESSAGE)
        self.wait_state = dict(started=started, next_poll=next_poll, shown_at=shown_at, counts=counts)
        self.carried_in = carried
        self._wait_started = started
        for key, value in stats.items():
            self.stats.add(key, value)
        if next_poll > now:
            sleep(next_poll - now)

    def in_steps(self):
        """Whether this run waits in steps: run through the action plugin, with progress lines, not in check mode."""
        return (self.params.get("_wait_state") is not None and bool(self.params.get("progress_interval"))
                and not self.check_mode)

    def wait_started(self):
        """When the run's wait began (monotonic): taken up from the step before, or now, the first time asked."""
        if self._wait_started is None:
            self._wait_started = self.wait_clock()[0]()
        return self._wait_started

    def carried(self):
        """What the next step of the wait needs to know of this one (batches committed, statuses before)."""
        return {}

    def wait_until(self, poll, succeeded, failed, deadline, interval, status, describe, first=None):
        """_polling.wait_until within ``deadline`` (monotonic), in steps when run in steps.

        ``describe(observation)`` gives ``(counts by status, pending ids)`` for the progress line. A step ends
        after a poll when a line is due: the first time, when the counts changed (CHANGE_LINE_GAP apart at
        least), and every progress_interval seconds.
        """
        clock, sleep = self.wait_clock()
        progress_interval = self.params.get("progress_interval")
        shown = self.wait_state or {}

        def pause(observation):
            now = clock()
            counts, pending = describe(observation)
            counts = dict((name, count) for name, count in counts.items() if count)
            since = now - shown["shown_at"] if shown else None
            changed = counts_digest(counts) != shown.get("counts")
            if shown and not (since >= progress_interval or (changed and since >= CHANGE_LINE_GAP)):
                return False
            self.paused = dict(status=status, counts=counts, pending=pending, now=now,
                               next_poll=now + min(max(interval, SHORTEST_INTERVAL), max(0, deadline - now)),
                               timeout=deadline - self.wait_started())
            return True

        return wait_until(poll, succeeded, failed, timeout=max(0, deadline - clock()), interval=interval, clock=clock,
                          sleep=sleep, first=first, pause=pause if self.in_steps() else None)

    def paused_result(self):
        paused = self.paused
        counts = paused["counts"]
        state = dict(started=self.wait_started(), next_poll=paused["next_poll"], shown_at=paused["now"],
                     counts=counts_digest(counts), stats=self.stats.as_dict(), carried=self.carried())
        return dict(changed=False, wait_state=state,
                    progress=progress_line(paused["status"], counts, paused["pending"],
                                           paused["now"] - self.wait_started(), paused["timeout"], self.secrets.scrub))

    def check_ranges(self, ranges):
        """Fail naming the option when a number is out of range; ``ranges`` maps option -> (low, high)."""
        for option, (low, high) in ranges.items():
            value = self.params.get(option)
            if value is None:
                continue
            if isinstance(value, float) and not math.isfinite(value):
                # nan passes every comparison, inf passes a range without an upper end.
                raise ModuleFailure("%s must be a finite number, got %s" % (self.option_name(option), value))
            if (low is not None and value < low) or (high is not None and value > high):
                raise ModuleFailure("%s must be %s, got %s" % (self.option_name(option), _range_text(low, high), value))

    def option_name(self, option):
        """How a message names an option (a module whose options a role sets also names the role's variable)."""
        return option

    def refuse_empty(self, *options):
        """Fail naming each option given as an empty or blank text: a filter that is empty filters nothing."""
        empty = [option for option in options
                 if self.params.get(option) is not None and not str(self.params[option]).strip()]
        if empty:
            raise ModuleFailure("%s %s empty: give a value, or leave %s out" % (
                " and ".join(self.option_name(option) for option in empty), "is" if len(empty) == 1 else "are",
                "it" if len(empty) == 1 else "them"))

    def refuse_lag_without_incremental(self, stage_option, lag_option):
        """Refuse a lag bound (``lag_option``) unless ``stage_option`` is the incremental stage, which it bounds."""
        params = self.params
        if params[lag_option] is not None and params[stage_option] != REPLICATING:
            raise ModuleFailure("%s is only for %s=%s (the lag of incremental replication); set %s to %s, or leave "
                                "%s out" % (self.option_name(lag_option), self.option_name(stage_option), REPLICATING,
                                            self.option_name(stage_option), REPLICATING, self.option_name(lag_option)))

    def check_wait_options(self, waits, ignored_because=""):
        """Warn when ``wait_timeout`` or ``wait_sleep`` is given to a run that does not wait (``waits`` false;
        ``ignored_because`` says why and how to wait), or when ``wait_sleep`` is below the floor."""
        params = self.params
        if not waits:
            ignored = [option for option in ("wait_timeout", "wait_sleep") if params[option] is not None]
            if ignored:
                self.warn("%s %s ignored %s, or leave %s out" % (
                    " and ".join(ignored), "is" if len(ignored) == 1 else "are", ignored_because,
                    "it" if len(ignored) == 1 else "them"))
        elif params["wait_sleep"] is not None and params["wait_sleep"] < SHORTEST_INTERVAL:
            self.warn("wait_sleep %s is below the floor of %g second: polls are %g second apart" % (
                params["wait_sleep"], SHORTEST_INTERVAL, SHORTEST_INTERVAL))

    def wait_settings(self):
        """``(timeout, interval)`` of a waiting run: the wait options, or their defaults when unset."""
        params = self.params
        return (WAIT_TIMEOUT if params["wait_timeout"] is None else params["wait_timeout"],
                WAIT_SLEEP if params["wait_sleep"] is None else params["wait_sleep"])

    def skip_wait(self, status, ids, timeout, then="", ids_key="async_job_ids", noun="batch", nouns="batches"):
        """In check mode, instead of a wait: warn what a real run would wait for, and return it for the result.

        Check mode changes nothing, so it cannot bring about what a wait waits for: a wait there would only
        block until its timeout. ``ids_key`` names the ids in the result; ``noun`` what they are.
        """
        self.warn("Check mode: not waiting for %d %s to reach %s (%s); a real run would wait up to %d seconds%s" % (
            len(ids), noun if len(ids) == 1 else nouns, status, name_ids([str(value) for value in ids]), timeout,
            then))
        return {"status": status, ids_key: list(ids), "timeout": timeout}

    def wait_for_drs_jobs(self, watch, stage, max_lag, deadline, started=None):
        """Poll ``watch`` (a _drs_api.JobWatch) until every selected DRS job is at ``stage`` (with a lag of at most
        ``max_lag`` seconds for the incremental stage), until ``deadline`` (monotonic); return the last observation.

        Reads progress during the wait only for the jobs whose lag decides (incremental, with ``max_lag``). Raises
        ModuleFailure at once when a job failed (naming job, batch, status and DRS's error), and on timeout naming
        each pending job with its status, progress and lag (read once more for those named). ``started`` (a
        monotonic time): where the timeout message counts from, the start of the run's wait by default. Run in
        steps, it shows progress lines as every wait does.
        """
        clock, _sleep = self.wait_clock()
        started = self.wait_started() if started is None else started

        def lag_decides(job):
            return stage == REPLICATING and max_lag is not None and drs_job_status(job) == INCREMENTAL

        def reached(observed):
            return bool(observed.jobs) and not observed.missing_ids and all(
                stage_reached(job, stage, max_lag) for job in observed.jobs)

        def any_job_failed(observed):
            return any(job_failed(job) for job in observed.jobs)

        try:
            return self.wait_until(lambda: watch(lag_decides), succeeded=reached, failed=any_job_failed,
                                   deadline=deadline, interval=self.wait_settings()[1], status=stage_text(stage, max_lag),
                                   describe=lambda observed: (
                                       collections.Counter(drs_job_status(job) or "UNKNOWN" for job in observed.jobs),
                                       [job["id"] for job in observed.jobs if not stage_reached(job, stage, max_lag)]
                                       + list(observed.missing_ids)))
        except WaitFailed as ended:
            raise ModuleFailure(job_failure_message(ended.last.jobs))
        except WaitTimedOut as ended:
            pending = [job for job in ended.last.jobs if not stage_reached(job, stage, max_lag)]
            named = set(job["id"] for job in pending[:NAMED_JOBS])
            jobs = watch.complete(ended.last.jobs, lambda job: job["id"] in named and (
                drs_job_status(job) in PROGRESS_STATUSES))
            watch.last = ended.last._replace(jobs=jobs)
            raise ModuleFailure(job_timeout_message(jobs, stage, max_lag, clock() - started, ended.last.missing_ids))

    def connect(self, pool_size=10):
        """Resolve the settings (no network), then build the transport and the DRS client of this run."""
        params = self.params
        settings = resolve_settings(params, os.environ)
        self.settings = settings
        # Keys and tokens read from the environment, a credentials file or a KooCLI profile.
        self.secrets.add(*settings.learnt_secrets())
        for warning in settings.credentials.warnings:
            self.warn(warning)
        if params.get("ca_path"):
            check_ca_bundle(params["ca_path"])
        verify = params.get("ca_path") or params.get("validate_certs")
        if verify is False:
            servers = ["%s (%s)" % (url, name) for name, url in (
                ("endpoint", settings.endpoint), ("iam_endpoint", settings.iam_endpoint)) if url and url.startswith("https:")]
            if servers:
                self.warn("validate_certs is false: the identity of %s is not verified; prefer ca_path" % (
                    " and ".join(servers)))
            _silence_insecure_request_warnings()
        self.transport = HttpTransport(timeout=params["timeout"], max_retries=params["max_retries"], verify=verify,
                                       pool_size=pool_size, stats=self.stats, session=self.http_session,
                                       sleep=self.sleep, clock=self.clock.time, secrets=self.secrets,
                                       throttle=self.throttle)
        if settings.credentials.kind == "ecs_metadata":
            self.metadata_transport = HttpTransport(
                timeout=min(METADATA_TIMEOUT_SECONDS, params["timeout"]), max_retries=min(1, params["max_retries"]),
                verify=verify, stats=self.stats, session=self.http_session or _metadata_session(), sleep=self.sleep,
                clock=self.clock.time, secrets=self.secrets, throttle=self.throttle)
        self.client = build_client(settings, self.transport, self.clock.time, self.metadata_transport)
        return self.client

    def credential_source(self):
        """Where this run's credentials came from (never a value): the result's ``credential_source``."""
        if self.client is not None:
            return self.client.credential.describe()
        if self.settings is not None:
            return self.settings.credentials.description
        return None

    def pause_before_commit(self, attempt):
        """Before a commit attempt is repeated (see _drs_api.commit_batch): counted as a retry, backed off."""
        self.stats.add("retries")
        _clock, sleep = self.wait_clock()
        sleep(backoff_seconds(attempt))

    def wait_clock(self):
        """``(clock, sleep)`` for waiting: monotonic, and really sleeping unless a test gave a sleep."""
        return self.clock.monotonic, self.sleep or time.sleep

    def _end_run(self):
        # Stop retries still in flight on other threads.
        for transport in (self.transport, self.metadata_transport):
            if transport is not None:
                transport.close()
        if register_secrets is None:
            # Before ansible-core 2.22, which has no public registry (Secrets registers each secret there as
            # it is learnt): AnsibleModule masks no_log_values in the result, so Ansible's own masking also
            # looks for every secret of the run (tokens obtained at run time included) in every escaped form.
            self.no_log_values.update(self.secrets.forms())

    def _masked(self, result):
        """``result`` with every secret of the run masked, from ansible-core 2.22 on.

        Before 2.22, AnsibleModule masked no_log_values in the result itself. From 2.22 it leaves the result
        as it is and the controller masks registered secrets only where it displays them, so a secret that
        a server echoed into a job field would reach a registered variable, and anything a playbook writes
        from it. One dump finds whether any secret is there at all (cheap even for 100,000 jobs); only then
        are whole secrets masked in it, as remove_values did before 2.22 (a job field that holds only a piece
        of a secret is returned as the service sent it, on every release).
        """
        if register_secrets is None:
            return result
        # Asked for with ANSIBLE_INJECT_INVOCATION, AnsibleModule would add the parameters as given, no_log
        # values included; one given here is kept when asked for and dropped otherwise. (remove_values is
        # deprecated from 2.22.)
        result["invocation"] = {"module_args": dict(
            (option, MASK if option in self.no_log_options and value is not None else self._mask_values(value))
            for option, value in (getattr(self, "params", None) or {}).items())}
        forms = self.secrets.forms()
        if not forms:
            return result
        dump = json.dumps(result, default=str, ensure_ascii=False)
        # In the dump every form stands JSON-escaped (a quote or a backslash changes); longest first, so that
        # a secret holding another is masked whole. Masked in the dump and read back: one pass over the text
        # instead of every form against every string.
        escaped = [json.dumps(form, ensure_ascii=False)[1:-1] for form in forms]
        if not any(form in dump for form in escaped):
            return result
        for form in escaped:
            dump = dump.replace(form, MASK)
        try:
            return json.loads(dump)
        except ValueError:  # a form that cut an escape sequence in two: mask string by string instead
            return self._mask_values(result)

    def _mask_values(self, value):
        if isinstance(value, str):
            return self.secrets.mask(value)
        if isinstance(value, dict):
            return dict((self._mask_values(key), self._mask_values(item)) for key, item in value.items())
        if isinstance(value, (list, tuple)):
            return [self._mask_values(item) for item in value]
        return value

    def warn(self, warning):
        super(DrsModule, self).warn(self.secrets.mask(warning))

    def exit_json(self, **kwargs):
        self._end_run()
        kwargs.setdefault("request_stats", self.stats.as_dict())
        kwargs.setdefault("credential_source", self.credential_source())
        super(DrsModule, self).exit_json(**self._masked(kwargs))

    def fail_json(self, msg, **kwargs):  # pylint: disable=arguments-differ
        self._end_run()
        # The boundary: masked first, then shortened, so that no cut secret is left to slip past the masking.
        # Text from servers and exceptions was scrubbed of every piece of a secret where it was read; the
        # message's own words are masked only where a whole secret stands.
        msg = shorten(one_line(self.secrets.mask(msg)), MESSAGE_CAP)
        for key, value in kwargs.items():
            if isinstance(value, str):
                kwargs[key] = self.secrets.mask(value)
        for key, value in self.result_on_failure().items():
            kwargs.setdefault(key, value)
        kwargs.setdefault("request_stats", self.stats.as_dict())
        kwargs.setdefault("credential_source", self.credential_source())
        super(DrsModule, self).fail_json(msg, **self._masked(kwargs))
