# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential files other Huawei Cloud tools already keep: read, checked, never echoed.

The official SDK's credentials file (INI, section ``[basic]``) and KooCLI's ``config.json`` profiles, as the
SDK and the Terraform provider read them. Pure: reads a file, sends nothing. A file that others may read gets a
warning (as ssh warns); a broken one fails naming the file and the key, never a value.

Private to this collection: the interface may change without notice.
"""

import configparser
import json
import os
import re
import stat

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure

# Larger than any credentials file: anything bigger is not one, and is not read whole.
_FILE_CAP_BYTES = 1024 * 1024
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
# KooCLI stores the keys encrypted unless told not to (the default since KooCLI 5.2.7); plain keys are letters,
# digits and a few signs. Which form its encryption takes is not documented: anything else is taken as encrypted.
_PLAIN_ACCESS_KEY = re.compile(r"^[A-Za-z0-9]{8,128}$")
KOOCLI_DECRYPT_COMMAND = "hcloud configure set --cli-auth-encrypt=false"


class FoundCredentials(object):
    """What a file gave: the values (``access_key``, ``secret_key``, optional ``security_token``), the hints it
    holds for the connection (``project_id``, ``iam_endpoint``, ``region``), an agency to assume, and warnings."""

    def __init__(self, values, hints=None, agency=None, warnings=()):
        self.values = values
        self.hints = dict((key, value) for key, value in (hints or {}).items() if value)
        self.agency = agency
        self.warnings = list(warnings)

    def secrets(self):
        return [self.values[key] for key in ("secret_key", "security_token") if self.values.get(key)]

    def __repr__(self):  # never show values
        return "FoundCredentials(keys=%r)" % sorted(self.values)


def permission_warning(path, shown):
    """The ssh-style warning for a file that others may read or write, else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return ("Permissions %s for %s are too open: it holds keys that others on this machine may read. "
                "Hint: chmod 600 %s" % (oct(stat.S_IMODE(mode)).replace("0o", "0"), shown, shown))
    return None


def _read_text(path, shown, what):
    if not os.path.isfile(path):
        raise ModuleFailure("The %s %s does not exist or is not a file" % (what, shown))
    try:
        with open(path, "rb") as handle:
            content = handle.read(_FILE_CAP_BYTES + 1)
    except (IOError, OSError) as error:
        raise ModuleFailure("The %s %s cannot be read (%s)" % (what, shown, error.strerror or type(error).__name__))
    if len(content) > _FILE_CAP_BYTES:
        raise ModuleFailure("The %s %s is larger than %d bytes: it is not a credentials file" % (
            what, shown, _FILE_CAP_BYTES))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ModuleFailure("The %s %s is not UTF-8 text" % (what, shown))


def _checked(value, where):
    """``value`` stripped; a control character fails naming ``where`` (the file and the key), never the value."""
    value = "" if value is None else str(value).strip()
    if _CONTROL_CHARACTER.search(value):
        raise ModuleFailure("%s contains a control character (the value is not shown)" % where)
    return value


# ----------------------------------------------------------------------------------------------------
# The official SDK's credentials file: HUAWEICLOUD_SDK_CREDENTIALS_FILE, else ~/.huaweicloud/credentials.

SDK_FILE_VARIABLE = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
SDK_DEFAULT_FILE = os.path.join("~", ".huaweicloud", "credentials")
SDK_SECTION = "basic"


def read_sdk_credentials_file(path, shown):
    """The ``[basic]`` section of the SDK's credentials file at ``path`` (``shown``: how messages name it)."""
    text = _read_text(path, shown, "credentials file")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=shown)
    except configparser.Error as error:
        # The parser's message quotes the offending line, which may hold a key: only its line number is shown.
        line = getattr(error, "lineno", None)
        raise ModuleFailure("The credentials file %s is not valid INI%s. Hint: it needs a [basic] section with "
                            "ak = ... and sk = ..." % (shown, " (line %s)" % line if line else ""))
    if not parser.has_section(SDK_SECTION):
        raise ModuleFailure("The credentials file %s has no [%s] section. Hint: put ak = ... and sk = ... under "
                            "[%s]" % (shown, SDK_SECTION, SDK_SECTION))
    section = dict((key.lower(), value) for key, value in parser.items(SDK_SECTION))
    where = "The credentials file %s [%s]" % (shown, SDK_SECTION)
    values = dict((key, _checked(section.get(key), "%s key %s" % (where, key)))
                  for key in ("ak", "sk", "security_token", "project_id", "iam_endpoint"))
    missing = [key for key in ("ak", "sk") if not values[key]]
    if missing:
        raise ModuleFailure("%s has no %s. Hint: give both ak and sk (security_token too for temporary keys)" % (
            where, " and no ".join(missing)))
    found = {"access_key": values["ak"], "secret_key": values["sk"]}
    if values["security_token"]:
        found["security_token"] = values["security_token"]
    warning = permission_warning(path, shown)
    return FoundCredentials(found, hints={"project_id": values["project_id"], "iam_endpoint": values["iam_endpoint"]},
                            warnings=[warning] if warning else [])


# ----------------------------------------------------------------------------------------------------
# KooCLI (hcloud) profiles: HW_SHARED_CONFIG_FILE, else ~/.hcloud/config.json; HW_PROFILE, else the current one.

KOOCLI_FILE_VARIABLE = "HW_SHARED_CONFIG_FILE"
KOOCLI_PROFILE_VARIABLE = "HW_PROFILE"
KOOCLI_DEFAULT_FILE = os.path.join("~", ".hcloud", "config.json")
KOOCLI_MODES = ("AKSK", "SSO")


def _field(mapping, *names):
    for name in names:
        if isinstance(mapping, dict) and mapping.get(name) not in (None, ""):
            return mapping[name]
    return None


def read_koocli_profile(path, shown, profile_name=None):
    """The profile ``profile_name`` (else the file's current one) of KooCLI's config at ``path``."""
    text = _read_text(path, shown, "KooCLI configuration")
    try:
        config = json.loads(text)
    except ValueError as error:
        raise ModuleFailure("The KooCLI configuration %s is not valid JSON (line %s)" % (
            shown, getattr(error, "lineno", "?")))
    profiles = config.get("profiles") if isinstance(config, dict) else None
    if not isinstance(profiles, list):
        raise ModuleFailure("The KooCLI configuration %s has no profiles list. Hint: run hcloud configure init" % shown)
    wanted = profile_name or config.get("current") or "default"
    named = [profile for profile in profiles if isinstance(profile, dict) and profile.get("name") == wanted]
    if not named:
        names = [str(profile.get("name")) for profile in profiles if isinstance(profile, dict)]
        raise ModuleFailure("The KooCLI configuration %s has no profile named %s (it has: %s)" % (
            shown, wanted, ", ".join(names[:20]) or "none"))
    profile = named[0]
    where = "The KooCLI configuration %s, profile %s," % (shown, wanted)
    mode = str(profile.get("mode") or "AKSK")
    if mode not in KOOCLI_MODES:
        raise ModuleFailure("%s is in mode %s: only %s profiles hold keys the collection can use" % (
            where, mode, " and ".join(KOOCLI_MODES)))
    if mode == "SSO":
        holder = _field(profile.get("ssoAuth"), "stsToken") or {}
        names = ("accessKeyId", "secretAccessKey", "securityToken")
        missing_hint = "run hcloud configure sso to log in again"
        prefix = "ssoAuth.stsToken."
    else:
        holder = profile
        names = ("accessKeyId", "secretAccessKey", "securityToken")
        missing_hint = "run hcloud configure set --cli-access-key=... --cli-secret-key=..."
        prefix = ""
    access_key = _checked(_field(holder, names[0], "access"), "%s key %s%s" % (where, prefix, names[0]))
    secret_key = _checked(_field(holder, names[1], "secret"), "%s key %s%s" % (where, prefix, names[1]))
    token = _checked(_field(holder, names[2], "securitytoken"), "%s key %s%s" % (where, prefix, names[2]))
    missing = [prefix + name for name, value in zip(names, (access_key, secret_key)) if not value]
    if missing:
        raise ModuleFailure("%s has no %s. Hint: %s" % (where, " and no ".join(missing), missing_hint))
    if not _PLAIN_ACCESS_KEY.match(access_key):
        raise ModuleFailure("%s holds its keys encrypted, which only KooCLI can read. Hint: run %s, then set the "
                            "keys again, or use another credential source" % (where, KOOCLI_DECRYPT_COMMAND))
    values = {"access_key": access_key, "secret_key": secret_key}
    if token:
        values["security_token"] = token
    agency = None
    if profile.get("agencyName"):
        agency = {"agency_name": _checked(profile["agencyName"], "%s key agencyName" % where),
                  "domain_name": _checked(profile.get("agencyDomainName") or profile.get("domainName") or "",
                                          "%s key agencyDomainName" % where) or None}
    warning = permission_warning(path, shown)
    hints = {"project_id": _field(profile, "projectId"), "region": _field(profile, "region")}
    return FoundCredentials(values, hints=hints, agency=agency, warnings=[warning] if warning else []), wanted, mode
