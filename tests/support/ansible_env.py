"""An ansible run that sees this collection and nothing of the developer's own setup.

One place builds the isolation that the integration tests, the benchmarks and the demo need: no
ansible.cfg, ANSIBLE_* variable, Huawei Cloud credential or proxy of the calling shell leaks in, and
ansible's own state (home, temp directories) lives in a directory the caller owns.
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# Variables a developer's shell may carry that would change what a run does.
CREDENTIAL_ENVIRONMENT = (
    "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_IAM_ENDPOINT", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_PROJECT_ID",
    "HW_REGION_NAME", "HW_AUTH_TOKEN", "HW_USER_NAME", "HW_USER_PASSWORD", "HW_DOMAIN_NAME", "HW_AUTH_URL",
    # Where the collection finds credentials when none is given (and the agency it assumes).
    "HUAWEICLOUD_SDK_CREDENTIALS_FILE", "HW_SHARED_CONFIG_FILE", "HW_PROFILE", "HWCLOUD_DRS_ECS_METADATA",
    "HWCLOUD_DRS_ECS_METADATA_URL", "HW_ASSUME_ROLE_AGENCY_NAME", "HW_ASSUME_ROLE_DOMAIN_NAME",
    "HW_ASSUME_ROLE_DURATION",
)
# A proxy on the developer's machine must never see the emulator's traffic.
PROXY_ENVIRONMENT = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


def collections_path(workdir):
    """ANSIBLE_COLLECTIONS_PATH as ``make`` exports it, or ``workdir``/collections with a link to this checkout."""
    configured = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if configured:
        return configured
    root = Path(workdir) / "collections"
    link = root / "ansible_collections" / "hwcloud" / "drs"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(REPO_ROOT, target_is_directory=True)
    return str(root)


def isolated_environment(workdir, collections=None, inventory=None):
    """``os.environ`` without the caller's ansible, credential and proxy settings, plus a private ansible home.

    ``workdir`` receives ``ansible.cfg`` (empty), ``user_home/`` (HOME, empty) and ``ansible_home/``; ``collections`` defaults to
    :func:`collections_path`; ``inventory`` (a path) becomes ANSIBLE_INVENTORY when given.
    """
    workdir = Path(workdir)
    # An empty HOME: no run reads the developer's ~/.huaweicloud/credentials or ~/.hcloud/config.json.
    user_home = workdir / "user_home"
    user_home.mkdir(parents=True, exist_ok=True)
    home = workdir / "ansible_home"
    for sub in ("local_tmp", "remote_tmp"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    config = workdir / "ansible.cfg"
    config.write_text("[defaults]\n")  # an empty config: never pick up ./ansible.cfg or ~/.ansible.cfg
    environment = {
        key: value for key, value in os.environ.items()
        if not key.startswith("ANSIBLE_") and key not in CREDENTIAL_ENVIRONMENT and key not in PROXY_ENVIRONMENT
    }
    environment.update({
        "HOME": str(user_home),
        "ANSIBLE_CONFIG": str(config),
        "ANSIBLE_COLLECTIONS_PATH": str(collections or collections_path(workdir)),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "False",
        "ANSIBLE_HOME": str(home),
        "ANSIBLE_LOCAL_TEMP": str(home / "local_tmp"),
        "ANSIBLE_REMOTE_TEMP": str(home / "remote_tmp"),
        # Absolute: async_status would look in ~/.ansible_async of the user, not of the HOME above.
        "ANSIBLE_ASYNC_DIR": str(home / "async"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_PIPELINING": "1",
        "ANSIBLE_GATHERING": "explicit",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        # On, as for users: the smoke set fails on any deprecation a release prints (tests/integration/conftest.py).
        "ANSIBLE_DEPRECATION_WARNINGS": "1",
        "ANSIBLE_SYSTEM_WARNINGS": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    if inventory is not None:
        environment["ANSIBLE_INVENTORY"] = str(inventory)
    return environment
