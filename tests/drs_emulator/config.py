"""Fixed defaults (CONTRIBUTING.md: tests rely on them) and the settings a test may change at run time."""

import threading

REGION = "cn-north-4"
PROJECT_ID = "9f0c7d1e2b3a4c5d6e7f8091a2b3c4d5"
DOMAIN_NAME = "demo-domain"
DOMAIN_ID = "0d1e2f3a4b5c4d6e8f9a0b1c2d3e4f50"
USER_NAME = "demo-user"
USER_ID = "1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d"
PASSWORD = "demo-password-1"
ACCESS_KEY = "EMULATORACCESSKEY001"
SECRET_KEY = "emulator-secret-key-000000000000000000000000"
TEMPORARY_ACCESS_KEY = "EMULATORTEMPORARYAK01"
TEMPORARY_SECRET_KEY = "emulator-temporary-secret-key-00000000000000"
DEFAULT_PAGE_CAP = 1000
# No default limit is documented; sibling DRS v5 list calls answer 10 records when limit is omitted.
DEFAULT_LIMIT = 10
TOKEN_TTL_SECONDS = 24 * 3600
DEFAULT_RANDOM_SEED = 20240130

# Keys of Settings a control call may change, with the type each takes.
SETTING_TYPES = {
    "latency": float,
    "page_cap": int,
    "default_limit": int,
    "empty_result_422": bool,
    "token_expire_after_calls": int,
    "token_ttl_seconds": float,
    "clock_skew_seconds": float,
}


class Settings:
    """Run-time knobs; read without a lock (single attribute reads), written under one."""

    def __init__(self, **values):
        self.lock = threading.Lock()
        self.latency = 0.0
        self.page_cap = DEFAULT_PAGE_CAP
        self.default_limit = DEFAULT_LIMIT
        self.empty_result_422 = False
        self.token_expire_after_calls = None
        self.token_ttl_seconds = TOKEN_TTL_SECONDS
        self.clock_skew_seconds = 0.0
        self.update(values)

    def update(self, values):
        unknown = set(values) - set(SETTING_TYPES)
        if unknown:
            raise ValueError("unknown settings: %s" % ", ".join(sorted(unknown)))
        with self.lock:
            for name, value in values.items():
                setattr(self, name, None if value is None else SETTING_TYPES[name](value))

    def as_dict(self):
        return {name: getattr(self, name) for name in SETTING_TYPES}
