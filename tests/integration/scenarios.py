"""Many independent module runs in one ansible-playbook run, each against the emulator it names.

ansible's start-up dominates a short case, and most fault cases spend their time in backoff pauses: so
each case is an inventory host (all local) whose ``case_args`` are the module's options, and one task
runs the module on every host, in parallel forks. A test per case still reports each behaviour on its own.
"""

import json
import sys
import uuid

from support.ansible_runner import MODULE
from support.module_options import connection


class Scenarios:
    """``add()`` every case, ``run()`` once, then ``result(name)`` and ``stats(name)`` (the case's emulator
    statistics right after the run; cases sharing an emulator share its statistics)."""

    def __init__(self, ansible, start_emulator, forks=10):
        self.ansible = ansible
        self.start_emulator = start_emulator
        self.forks = forks
        self.cases = {}
        self.run_result = None
        self.statistics = {}

    def add(self, name, emulator_options=None, style="aksk", emulator=None, environment=None, **options):
        """A case: module ``options`` on top of ``style``'s connection to ``emulator`` (or a new one started
        with ``emulator_options``); an option set to None is left out. ``environment``: the module's
        environment variables (the task's ``environment:``). Returns the case's emulator."""
        emulator = emulator or self.start_emulator(**(emulator_options or {}))
        arguments = dict(connection(emulator.state, style), **options)
        arguments = {key: value for key, value in arguments.items() if value is not None}
        host = "case%03d" % len(self.cases)
        self.cases[name] = (emulator, arguments, host, environment or {})
        return emulator

    def run(self, extra=(), env=None, **kwargs):
        inventory = self.ansible.workdir / ("scenarios_%s.json" % uuid.uuid4().hex)
        hosts = {host: {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                        "case_name": name, "case_args": arguments, "case_environment": environment}
                 for name, (_emulator, arguments, host, environment) in self.cases.items()}
        inventory.write_text(json.dumps({"all": {"hosts": hosts}}))
        options = sorted({key for _emulator, arguments, _host, _environment in self.cases.values()
                          for key in arguments})
        play = {"name": "scenarios", "hosts": "all", "gather_facts": False, "tasks": [{
            "name": "case",
            MODULE: {option: "{{ case_args[%r] | default(omit) }}" % option for option in options},
            "environment": "{{ case_environment }}",
            "register": "result",
            "ignore_errors": True,
        }]}
        environment = {"ANSIBLE_FORKS": str(self.forks), "ANSIBLE_INVENTORY_ENABLED": "yaml"}
        environment.update(env or {})
        self.run_result = self.ansible.playbook([play], extra=["-i", str(inventory)] + list(extra),
                                                env=environment, **kwargs)
        for name, (emulator, _arguments, _host, _environment) in self.cases.items():
            self.statistics[name] = emulator.stats()
        return self.run_result

    def result(self, name):
        return self.run_result.task("case", host=self.cases[name][2])

    def stats(self, name):
        return self.statistics[name]
