"""The release artifact: the tarball ``ansible-galaxy collection build`` makes, installed the way a user
installs it, documents and runs itself, and gives an execution environment what the module needs.

Everything runs from a tarball built from this work tree and installed into a temporary collections
path that is the only one ansible sees, so nothing here can pass by reading the repository instead.
"""

import json
import shutil
import tarfile
from pathlib import Path

import pytest
import yaml

from support.ansible_env import REPO_ROOT
from support.ansible_runner import GROUP, MODULE, Ansible
from support.module_options import connection

# The version being released is the one galaxy.yml declares.
VERSION = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())["version"]
TARBALL = "hwcloud-drs-%s.tar.gz" % VERSION
ROLE = "hwcloud.drs.commit_gate"
VERSION_MISMATCH = "does not support Ansible version"

# Shipped to users: what the collection needs to run, be documented and be trusted.
SHIPPED = (
    "MANIFEST.json", "FILES.json", "README.md", "COPYING", "requirements.txt",
    "meta/runtime.yml", "meta/execution-environment.yml",
    "changelogs/changelog.yaml", "CHANGELOG.rst",
    "plugins/modules/drs_batch_async_job_info.py", "plugins/doc_fragments/connection.py",
    "roles/commit_gate/meta/argument_specs.yml", "roles/commit_gate/tasks/main.yml",
    "docs/docsite/links.yml", "docs/docsite/extra-docs.yml", "extensions/awx/credential_type_huaweicloud_drs.yml",
)
# Never shipped: tests, the emulator, benchmarks and developer tooling.
NOT_SHIPPED_PREFIXES = (
    ".venv", ".git", ".ci", "tests/", "tools/", "benchmarks/", "changelogs/fragments/",
    "CONTRIBUTING.md", "Makefile", "requirements-dev.txt", ".ansible-lint", ".yamllint",
)


class Release:
    """The built tarball, installed with plain ``ansible-galaxy collection install`` into a collections path
    that is the only one its runner (``ansible``) sees."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.tarball = workdir / "dist" / TARBALL
        self.collections = workdir / "collections"
        self.installed = self.collections / "ansible_collections" / "hwcloud" / "drs"
        self.ansible = Ansible(workdir / "run", collections=self.collections)
        self.install_output = None

    def run(self, *command, **kwargs):
        """A tool of this virtualenv that must succeed; its finished run."""
        finished = self.ansible.tool(*command, **kwargs)
        assert finished.returncode == 0, finished
        return finished


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    built = Release(tmp_path_factory.mktemp("release"))
    built.run("ansible-galaxy", "collection", "build", "--output-path", built.tarball.parent, REPO_ROOT)
    # As the README says: no --offline, no -p; the path comes from ANSIBLE_COLLECTIONS_PATH. A tarball
    # without dependencies installs without asking any Galaxy server.
    built.install_output = built.run("ansible-galaxy", "collection", "install", built.tarball).output
    return built


@pytest.mark.smoke
def test_plain_install_works_without_a_version_warning(release):
    assert (release.installed / "MANIFEST.json").is_file()
    assert VERSION_MISMATCH not in release.install_output, release.install_output


def test_tarball_ships_the_collection_and_nothing_else(release):
    with tarfile.open(release.tarball) as archive:
        names = set(archive.getnames())
    missing = [name for name in SHIPPED if name not in names]
    assert not missing, "missing from %s: %s" % (TARBALL, missing)
    unwanted = sorted(name for name in names if name.startswith(NOT_SHIPPED_PREFIXES) or "__pycache__" in name)
    assert not unwanted, "should not ship: %s" % unwanted
    manifest = json.loads((release.installed / "MANIFEST.json").read_text())["collection_info"]
    assert (manifest["namespace"], manifest["name"], manifest["version"]) == ("hwcloud", "drs", VERSION)
    assert manifest["license"] == ["GPL-3.0-or-later"]


def test_ansible_doc_renders_the_module_from_the_installed_collection(release):
    documented = json.loads(release.run("ansible-doc", "--json", MODULE).stdout)[MODULE]
    assert Path(documented["doc"]["filename"]).resolve().is_relative_to(release.installed.resolve())
    options = documented["doc"]["options"]
    for option in ("async_job_id", "status", "offset", "limit", "page_size", "wait_for_status", "wait_timeout",
                   "region", "project_id", "access_key", "secret_key", "auth_token", "iam_user_name",
                   "validate_certs", "ca_path", "max_retries"):
        assert option in options, option
    for key in ("jobs", "total_count", "status_counts"):
        assert key in documented["return"], key
    text = release.run("ansible-doc", MODULE).stdout
    assert "drs_batch_async_job_info" in text and "wait_for_status" in text


def test_ansible_doc_renders_the_role_from_the_installed_collection(release):
    text = release.run("ansible-doc", "-t", "role", ROLE).stdout
    assert "commit_gate_async_job_ids" in text and "commit_gate_timeout" in text


def test_execution_environment_context_installs_requests(release):
    """``ansible-builder create`` with the tarball as a galaxy dependency gives a context whose build
    installs ``requests``: the galaxy stage installs the collection from the context and the builder
    stage's introspection (the context's own script) collects the collection's Python requirements."""
    workdir = release.workdir / "ee"
    workdir.mkdir()
    (workdir / TARBALL).write_bytes(release.tarball.read_bytes())
    (workdir / "execution-environment.yml").write_text(json.dumps({
        "version": 3,
        "dependencies": {
            "ansible_core": {"package_pip": "ansible-core>=2.16"},
            "ansible_runner": {"package_pip": "ansible-runner"},
            "galaxy": {"collections": [{"name": "collections/" + TARBALL, "type": "file"}]},
        },
        "additional_build_files": [{"src": TARBALL, "dest": "collections"}],
    }))
    # ansible-builder is a development tool (.venv/dev, on PATH under make), not in every release's virtualenv.
    builder = shutil.which("ansible-builder")
    assert builder, "ansible-builder is not on PATH: run the integration tests through make"
    finished = release.ansible.run([builder, "create", "--file", "execution-environment.yml", "--context", "context"],
                                   cwd=workdir)
    assert finished.returncode == 0, finished
    build = workdir / "context" / "_build"
    containerfile = next((workdir / "context").glob("[CD]*file")).read_text()
    assert "ansible-galaxy collection install" in containerfile and "introspect" in containerfile
    assert (build / "collections" / TARBALL).is_file()

    # What the galaxy and builder stages run, run here against the context's files (--force: the
    # collection is already installed on ANSIBLE_COLLECTIONS_PATH, which ansible-galaxy would accept).
    image_collections = workdir / "image_collections"
    release.run("ansible-galaxy", "collection", "install", "--offline", "--force", "-r", "requirements.yml",
                "--collections-path", str(image_collections), cwd=build)
    requirements = workdir / "requirements.txt"
    release.run("python", str(build / "scripts" / "introspect.py"), "introspect", str(image_collections),
                "--write-pip=%s" % requirements, "--write-bindep=%s" % (workdir / "bindep.txt"))
    lines = [line.split("#")[0].strip() for line in requirements.read_text().splitlines()]
    assert any(line.startswith("requests") for line in lines), requirements.read_text()


# ------------------------------------------------------------------ the installed collection runs

def failed_tasks(run):
    """Name and message of each failed task, the part of a failed run's output worth reading."""
    try:
        failures = [(name, result.get("msg")) for name, result in run.task_results() if result.get("failed")]
    except AssertionError:
        return repr(run)
    return "rc=%s, failed tasks: %r" % (run.returncode, failures)


@pytest.mark.smoke
def test_installed_module_lists_jobs_from_the_emulator(release, start_emulator):
    emulator = start_emulator(seed=25)
    run = release.ansible.adhoc(dict(connection(emulator.state), page_size=10))
    assert run.returncode == 0, run
    assert VERSION_MISMATCH not in run.output, run.output
    result = run.module_result()
    assert result["changed"] is False
    assert result["total_count"] == 25
    assert len({job["async_job_id"] for job in result["jobs"]}) == 25


def test_installed_role_gates_a_committed_batch(release, start_emulator):
    job_ids = ["5f0d2c1e-0000-4000-8000-00000000000%d" % number for number in range(3)]
    emulator = start_emulator(seed_jobs=[{"async_job_id": job_id, "status": "COMMIT_SUCCESS"} for job_id in job_ids])
    play = {
        "name": "gate from the installed collection",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {GROUP: connection(emulator.state)},
        "roles": [{"role": ROLE, "vars": {
            "commit_gate_async_job_ids": job_ids, "commit_gate_timeout": 60, "commit_gate_wait_sleep": 1}}],
    }
    run = release.ansible.playbook([play])
    assert run.returncode == 0, failed_tasks(run)
    assert emulator.state["secret_key"] not in run.output
