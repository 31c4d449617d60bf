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

from drs_emulator import config, jobs, metadata
from drs_emulator.certs import generate_certificates
from drs_emulator.emulator import Emulator
from drs_emulator.faults import validate_rule
from drs_emulator.server import EmulatorServer, tls_context


def _fault_rule(text):
    try:
        return validate_rule(json.loads(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError("invalid --fault %r: %s" % (text, error))


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m drs_emulator",
        description="Offline DRS v5 + IAM emulator on 127.0.0.1 over HTTPS: prints its state as a JSON line, serves "
                    "until SIGTERM or SIGINT. See tests/drs_emulator/README.md.")
    add = parser.add_argument
    add("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    add("--cert-dir", help="where to write ca.pem and the server certificate (default: a temporary directory)")
    add("--state-file", help="also write the state JSON line here (removed at exit)")
    add("--parent-pid", type=int, help="exit when this process is gone")
    add("--seed", type=int, default=0, metavar="N", help="generate N realistic jobs")
    add("--seed-file", help="JSON list of jobs (or {\"jobs\": [...]}); fields as the API plus \"fail\": true")
    add("--initial-status", default=jobs.VALIDATING, help="status of generated jobs (default %(default)s)")
    add("--random-seed", type=int, default=config.DEFAULT_RANDOM_SEED, help="makes generated jobs repeatable")
    add("--validate-after-calls", type=int, metavar="N", help="validation finishes once N list calls were answered")
    add("--validate-after-seconds", type=float, metavar="S", help="validation finishes S seconds after start")
    add("--fail-ids", type=lambda text: [item.strip() for item in text.split(",") if item.strip()], default=[],
        help="comma-separated job ids whose validation fails")
    add("--unknown-status-count", type=int, default=0, metavar="N", help="N jobs start in %s" % jobs.UNKNOWN_STATUS)
    add("--auto-commit-after-calls", type=int, metavar="N", help="validated jobs commit once N list calls were answered")
    add("--auto-commit-after-seconds", type=float, metavar="S", help="validated jobs commit S seconds after start")
    add("--commit-after-calls", type=int, metavar="N", help="a commit is accepted, and lands once N more list calls "
                                                            "were answered (default: at once)")
    add("--replication", type=json.loads, metavar="JSON",
        help="schedule and faults of the DRS jobs committed batches create (README, \"DRS jobs\")")
    add("--page-cap", type=int, default=config.DEFAULT_PAGE_CAP, help="largest limit accepted (default %(default)s)")
    add("--empty-result-422", action="store_true", help="answer 422 DRS.M00002 instead of 200 when nothing matches")
    add("--latency", type=float, default=0.0, metavar="S", help="delay every API answer by S seconds")
    add("--fault", type=_fault_rule, action="append", default=[], metavar="JSON", help="a fault rule (README); repeatable")
    add("--token-expire-after-calls", type=int, metavar="N", help="a token expires after N DRS calls")
    add("--token-ttl-seconds", type=float, default=config.TOKEN_TTL_SECONDS, help="token lifetime (default 24 h)")
    add("--clock-skew-seconds", type=float, default=0.0, help="server clock offset for X-Sdk-Date checks and tokens")
    add("--project-matches", type=int, default=1, metavar="N", help="projects GET /v3/projects?name=REGION returns")
    add("--metadata", action="store_true", help="also serve the ECS metadata service over plain HTTP on another port "
                                                "of 127.0.0.1 (metadata_url in the state line)")
    add("--metadata-mode", choices=metadata.MODES, default="agency", help="how the metadata service answers")
    add("--metadata-key-ttl-seconds", type=float, default=config.METADATA_KEY_TTL_SECONDS,
        help="lifetime of the metadata service's keys (default 6 h)")
    add("--assumed-key-ttl-seconds", type=float, help="lifetime of assume_role keys (default: the duration asked)")
    return parser


class RunningServer:
    """A started emulator serving from a background thread: ``.state``, ``.emulator``, ``.stop()``."""

    def __init__(self, arguments):
        self.created_cert_dir = None if arguments.cert_dir else tempfile.mkdtemp(prefix="drs-emulator-")
        cert_dir = arguments.cert_dir or self.created_cert_dir
        try:
            os.makedirs(cert_dir, exist_ok=True)
            seed = jobs.load_seed_file(arguments.seed_file) if arguments.seed_file else []
            seed += jobs.generate_jobs(arguments.seed, random.Random(arguments.random_seed), arguments.initial_status)
            self.emulator = Emulator(arguments, seed)
            ca_path, certificate_path, key_path = generate_certificates(cert_dir)
            self.server = EmulatorServer(self.emulator, arguments.port, tls_context(certificate_path, key_path))
            # The metadata service speaks plain HTTP, as on an ECS; the same state answers there.
            self.metadata_server = EmulatorServer(self.emulator, 0) if arguments.metadata else None
        except Exception:
            self.stop()
            raise
        self.state = self.emulator.state("https://127.0.0.1:%d" % self.server.server_address[1], ca_path)
        for server in (self.server, self.metadata_server):
            if server is not None:
                threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        if self.metadata_server is not None:
            self.state["metadata_url"] = "http://127.0.0.1:%d" % self.metadata_server.server_address[1]

    def stop(self):
        for server in (getattr(self, "server", None), getattr(self, "metadata_server", None)):
            if server is not None:
                server.shutdown()
                server.server_close()
        if self.created_cert_dir:
            shutil.rmtree(self.created_cert_dir, ignore_errors=True)


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
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda _signal, _frame: stop.set())
    line = json.dumps(running.state) + "\n"
    try:
        if arguments.state_file:
            # Written whole, then renamed: a reader polling for the file never sees half a line.
            with open(arguments.state_file + ".tmp", "w", encoding="utf-8") as handle:
                handle.write(line)
            os.replace(arguments.state_file + ".tmp", arguments.state_file)
        print(line, end="", flush=True)
        while not stop.wait(1.0):
            try:
                os.kill(arguments.parent_pid or os.getpid(), 0)
            except OSError:  # the parent is gone
                break
    finally:
        running.stop()
        if arguments.state_file and os.path.exists(arguments.state_file):
            os.unlink(arguments.state_file)
    return 0
