"""Command line: start the emulator, print its state as one JSON line, serve until SIGTERM/SIGINT."""

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading

from drs_emulator import config, jobs
from drs_emulator.app import Emulator
from drs_emulator.certs import generate_certificates
from drs_emulator.faults import validate_rule
from drs_emulator.server import EmulatorServer, tls_context


def _json_rule(text):
    try:
        return validate_rule(json.loads(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError("invalid --fault %r: %s" % (text, error))


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m drs_emulator",
        description="Offline Huawei Cloud DRS v5 (batch async jobs) and IAM emulator on 127.0.0.1. Prints its state as one "
                    "JSON line on stdout and serves until SIGTERM or SIGINT. See tests/drs_emulator/README.md.")
    add = parser.add_argument
    add("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    add("--http", action="store_true", help="plain HTTP instead of HTTPS")
    add("--cert-dir", help="where to write ca.pem and the server certificate (default: a temporary directory)")
    add("--state-file", help="also write the state JSON line here (removed at exit)")
    add("--pid-file", help="write the process id here (removed at exit)")
    add("--parent-pid", type=int, help="exit when this process is gone")
    add("--verbose", action="store_true", help="log every request on stderr")
    jobs_group = parser.add_argument_group("jobs and lifecycle")
    add = jobs_group.add_argument
    add("--seed", type=int, default=0, metavar="N", help="generate N realistic jobs")
    add("--seed-file", help="JSON list of jobs (or {\"jobs\": [...]}); fields as the API plus \"fail\": true")
    add("--initial-status", default=jobs.VALIDATING, help="status of generated jobs (default %(default)s)")
    add("--random-seed", type=int, default=config.DEFAULT_RANDOM_SEED, help="makes generated jobs and fractions repeatable")
    add("--validate-after-calls", type=int, metavar="N", help="validation finishes once N list calls were answered")
    add("--validate-after-seconds", type=float, metavar="S", help="validation finishes S seconds after seeding")
    add("--fail-ids", default="", help="comma-separated job ids whose validation fails")
    add("--fail-count", type=int, default=0, metavar="N", help="N jobs (picked at random) fail validation")
    add("--unknown-status-count", type=int, default=0, metavar="N",
        help="N jobs start in the undocumented status %s (then validate like the others)" % jobs.UNKNOWN_STATUS)
    add("--auto-commit-after-calls", type=int, metavar="N", help="validated jobs commit once N list calls were answered")
    add("--auto-commit-after-seconds", type=float, metavar="S", help="validated jobs commit S seconds after seeding")
    service = parser.add_argument_group("service behaviour and faults")
    add = service.add_argument
    add("--page-cap", type=int, default=config.DEFAULT_PAGE_CAP, help="largest limit accepted (default %(default)s)")
    add("--default-limit", type=int, default=config.DEFAULT_LIMIT, help="page size when limit is omitted (default %(default)s)")
    add("--empty-result-422", action="store_true", help="answer 422 DRS.M00002 instead of 200 when nothing matches")
    add("--latency", type=float, default=0.0, metavar="S", help="delay every API answer by S seconds")
    add("--fault", type=_json_rule, action="append", default=[], metavar="JSON", help="a fault rule (see README); repeatable")
    add("--token-expire-after-calls", type=int, metavar="N", help="a token expires after N DRS calls")
    add("--token-ttl-seconds", type=float, default=config.TOKEN_TTL_SECONDS, help="token lifetime (default 24 h)")
    add("--clock-skew-seconds", type=float, default=0.0, help="server clock offset for X-Sdk-Date checks")
    add("--project-matches", type=int, default=1, metavar="N",
        help="how many projects GET /v3/projects?name=REGION returns (0, 1 or several)")
    return parser


def options_from_arguments(arguments):
    seed_jobs = []
    if arguments.seed_file:
        seed_jobs.extend(jobs.load_seed_file(arguments.seed_file))
    if arguments.seed:
        seed_jobs.extend(jobs.generate_jobs(arguments.seed, random.Random(arguments.random_seed), arguments.initial_status))
    return {
        "random_seed": arguments.random_seed,
        "seed_jobs": seed_jobs,
        "project_matches": arguments.project_matches,
        "faults": arguments.fault,
        "lifecycle": {
            "validate_after_calls": arguments.validate_after_calls,
            "validate_after_seconds": arguments.validate_after_seconds,
            "auto_commit_after_calls": arguments.auto_commit_after_calls,
            "auto_commit_after_seconds": arguments.auto_commit_after_seconds,
            "fail_ids": [item.strip() for item in arguments.fail_ids.split(",") if item.strip()],
            "fail_count": arguments.fail_count,
            "unknown_status_count": arguments.unknown_status_count,
        },
        # Every run-time setting has a flag of the same name.
        "settings": {name: getattr(arguments, name) for name in config.SETTING_TYPES},
    }


def _write_file(path, text):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def _parent_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunningServer:
    """A started emulator serving in a background thread: .state, .emulator, .stop()."""

    def __init__(self, arguments):
        self.emulator = Emulator(options_from_arguments(arguments))
        self.created_cert_dir = None
        try:
            self._start(arguments)
        except Exception:
            if self.created_cert_dir:
                shutil.rmtree(self.created_cert_dir, ignore_errors=True)
            raise

    def _start(self, arguments):
        context = None
        ca_path = None
        if not arguments.http:
            cert_dir = arguments.cert_dir
            if not cert_dir:
                cert_dir = self.created_cert_dir = tempfile.mkdtemp(prefix="drs-emulator-")
            else:
                os.makedirs(cert_dir, exist_ok=True)
            ca_path, certificate_path, key_path = generate_certificates(cert_dir)
            context = tls_context(certificate_path, key_path)
        self.server = EmulatorServer(self.emulator, arguments.port, context, arguments.verbose)
        url = "%s://127.0.0.1:%d" % ("http" if arguments.http else "https", self.server.server_address[1])
        self.state = self.emulator.state(url, ca_path, os.getpid())
        self.server.state = self.state
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        if self.created_cert_dir:
            shutil.rmtree(self.created_cert_dir, ignore_errors=True)
            self.created_cert_dir = None


def start_in_thread(argv):
    """Start the emulator inside this process (argv: the command line flags); returns a RunningServer."""
    return RunningServer(build_parser().parse_args(argv))


def main(argv=None):
    arguments = build_parser().parse_args(argv)
    try:
        running = RunningServer(arguments)
    except (OSError, ValueError) as error:
        sys.stderr.write("drs_emulator: %s\n" % error)
        return 2

    stop = threading.Event()

    def request_stop(_signal_number, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    written = []
    try:
        if arguments.state_file:
            _write_file(arguments.state_file, json.dumps(running.state) + "\n")
            written.append(arguments.state_file)
        if arguments.pid_file:
            _write_file(arguments.pid_file, "%d\n" % os.getpid())
            written.append(arguments.pid_file)
        sys.stdout.write(json.dumps(running.state) + "\n")
        sys.stdout.flush()
        while not stop.wait(1.0):
            if arguments.parent_pid and not _parent_alive(arguments.parent_pid):
                break
    finally:
        running.stop()
        for path in written:
            try:
                os.unlink(path)
            except OSError:
                pass
    return 0
