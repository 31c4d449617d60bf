# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Settings and secrets: what a run was asked to do, resolved without any network call.

Module options and environment variables become one ConnectionSettings (endpoints, project, exactly one
credential set), refusing bad values naming the option. Every secret the run knows (option and
environment values, tokens obtained while it runs) lives in one Secrets, which scrubs them, whole,
escaped or in pieces of 8 characters, out of any text before it is shortened, and hands them to
ansible-core's masking as they are learnt.

Private to this collection: the interface may change without notice.
"""

import html
import json
import os
import re
import threading

from urllib.parse import quote, quote_plus
from urllib.parse import urlsplit

from ansible_collections.hwcloud.drs.plugins.module_utils._credential_files import (
    KOOCLI_DEFAULT_FILE,
    SDK_DEFAULT_FILE,
    read_koocli_profile,
    read_sdk_credentials_file,
)
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import (
    ModuleFailure,
)


# ----------------------------------------------------------------------------------------------------
# The secrets of one run, and the one function that scrubs them out of any text before it is shown.
#
# Text from a server or from an exception may echo a secret, whole, escaped (repr, JSON, percent-encoding,
# HTML) or in part (a server that quotes the first 24 characters of a token). Ansible's own masking matches
# only whole values: a secret that was escaped, cut short by a message being shortened, or quoted in part
# slips through. So every such text is scrubbed here first, of every piece of 8 characters of every form of
# every secret, and shortened only afterwards.
#
# Every secret is also handed to ansible-core's masking the moment it is learnt: through the public
# ``ansible.module_utils.secrets.register_secrets`` where it exists (ansible-core 2.22 and later), else
# through the module's ``no_log_values`` when the run ends (see DrsModule).


try:
    from ansible.module_utils.secrets import register_secrets
except ImportError:  # ansible-core before 2.22: DrsModule feeds no_log_values instead
    register_secrets = None

MASK = "********"
# Shorter values would mask ordinary words; Ansible's own no_log masking still covers them.
SHORTEST_SCRUBBED = 4
# Any run of this many characters of a secret identifies it, wherever it stands in a text: it is masked.
PIECE = 8
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def clean_credential(name, value):
    """``value`` without surrounding whitespace; a control character inside fails naming ``name``, never the value.

    Keys, tokens and passwords never hold surrounding whitespace, but a YAML ``|`` block or an environment
    variable read from a file adds a newline, which then breaks the HTTP header and is printed escaped.
    """
    if value is None:
        return None
    value = str(value).strip()
    if _CONTROL_CHARACTER.search(value):
        raise ModuleFailure("%s contains a control character (the value is not shown). Hint: give the value on "
                            "one line, without tabs or other control characters" % name)
    return value


def escaped_forms(secret):
    """``secret`` as it may appear in text: as is, repr- and JSON-escaped, percent-encoded, HTML-escaped."""
    forms = set([secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
                 quote(secret, safe=""), quote(secret, safe="~"), quote_plus(secret), html.escape(secret)])
    # Percent-encoding with lower-case hex digits is just as valid.
    forms.update([re.sub(r"%[0-9A-F]{2}", lambda match: match.group(0).lower(), form) for form in list(forms)])
    return forms


class Secrets(object):
    """Every secret known to a run: option and environment values, and tokens obtained while it runs.

    Machine secrets (keys, tokens) are scrubbed out of text from outside in any piece of 8 characters;
    a password, which people make of words, only whole and escaped (``whole_only``): a server's "the
    password is wrong" must stay readable, and masking only the words a password holds would tell which
    they are. Safe to extend from several threads (concurrent pages may renew a token).
    """

    def __init__(self, values=()):
        self._lock = threading.Lock()
        self._values = set()
        self._forms = set()
        self._longest_first = ()
        self._pieces = set()
        # Forms masked only whole: those shorter than a piece, and every form of a password.
        self._whole_forms = ()
        self._registering = False
        self.add(*values)

    def add(self, *values, **options):
        """Learn secrets: from now on they are scrubbed, and ansible-core masks them too.

        ``whole_only=True`` for passwords: masked whole and escaped, never by the piece.
        """
        whole_only = options.get("whole_only", False)
        with self._lock:
            new_forms = set()
            for value in values:
                if value is None:
                    continue
                value = str(value)
                for candidate in (value, value.strip()):
                    if len(candidate) >= SHORTEST_SCRUBBED and candidate not in self._values:
                        self._values.add(candidate)
                        new_forms.update(escaped_forms(candidate))
            new_forms -= self._forms
            if not new_forms:
                return
            self._forms.update(new_forms)
            # Longest first, so that a secret holding another is masked whole.
            self._longest_first = tuple(sorted(self._forms, key=len, reverse=True))
            if not whole_only:
                for form in new_forms:
                    self._pieces.update(form[index:index + PIECE] for index in range(len(form) - PIECE + 1))
            whole = [form for form in new_forms if whole_only or len(form) < PIECE]
            self._whole_forms = tuple(sorted(self._whole_forms + tuple(whole), key=len, reverse=True))
            if self._registering:
                register_secrets(sorted(new_forms))

    def start_registering(self):
        """Hand every secret, from now on, to ansible-core's public masking (2.22 and later; else nothing).

        Called once AnsibleModule is set up: it sends along only the secrets registered after it started
        tracking them, and a secret registered before would never reach the controller.
        """
        with self._lock:
            if register_secrets is None or self._registering:
                return
            self._registering = True
            forms = sorted(self._forms)
        register_secrets(forms)

    def forms(self):
        """Every secret in every escaped form, longest first: what Ansible's own masking should also look for."""
        return self._longest_first

    def mask(self, text):
        """``text`` with every secret, whole and in every escaped form, masked.

        For text this collection composed (messages, warnings) from parts already scrubbed at their
        source: its own words stay readable even when a secret happens to contain one of them (a password
        such as ``right-password`` must not turn the hint "check iam_password" into "check iam_********").
        """
        if text is None:
            return None
        text = str(text)
        for form in self.forms():
            if form in text:
                text = text.replace(form, MASK)
        return text

    def scrub(self, text):
        """``text`` with every secret, whole, escaped or any piece of 8 characters of it, masked.

        For text from outside (an answer, an exception), before it is cut or kept: a server that quotes part
        of a token, or a cut across one, leaves no piece behind. Overlapping and adjacent matches merge into
        one mask, so a mask tells neither where a secret began nor how long it was.
        """
        if text is None:
            return None
        text = str(text)
        # Under the lock: a renewed token may be added from another thread while a page is scrubbed.
        with self._lock:
            pieces = self._pieces
            spans = [(index, index + PIECE) for index in range(len(text) - PIECE + 1)
                     if text[index:index + PIECE] in pieces]
            for form in self._whole_forms:
                start = text.find(form)
                while start >= 0:
                    spans.append((start, start + len(form)))
                    start = text.find(form, start + 1)
        if not spans:
            return text
        spans.sort()
        parts, shown_from = [], 0
        run_start, run_end = spans[0]
        for start, end in spans[1:] + [(len(text) + 1, len(text) + 1)]:
            if start > run_end:
                parts.append(text[shown_from:run_start] + MASK)
                shown_from, run_start, run_end = run_end, start, end
            else:
                run_end = max(run_end, end)
        parts.append(text[shown_from:])
        return "".join(parts)


# ----------------------------------------------------------------------------------------------------
# Task options and environment variables -> connection settings: endpoints, project and one credential set.
#
# Pure: reads only what it is given, sends nothing.


# Names users already have from the official SDK and the Terraform provider, first one wins.
ENVIRONMENT_VARIABLES = {
    "region": ("HW_REGION_NAME",),
    "project_id": ("HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"),
    "iam_endpoint": ("HUAWEICLOUD_SDK_IAM_ENDPOINT",),
    "auth_token": ("HW_AUTH_TOKEN",),
    "access_key": ("HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY"),
    "secret_key": ("HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY"),
    "security_token": ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN"),
    "iam_user_name": ("HW_USER_NAME",),
    "iam_password": ("HW_USER_PASSWORD",),
    "iam_domain_name": ("HW_DOMAIN_NAME",),
    # Where credentials are found when no set is given (version 1.3.0).
    "credentials_file": ("HUAWEICLOUD_SDK_CREDENTIALS_FILE",),
    "koocli_config_file": ("HW_SHARED_CONFIG_FILE",),
    "koocli_profile": ("HW_PROFILE",),
    "ecs_metadata": ("HWCLOUD_DRS_ECS_METADATA",),
    "ecs_metadata_url": ("HWCLOUD_DRS_ECS_METADATA_URL",),
    "assume_agency_name": ("HW_ASSUME_ROLE_AGENCY_NAME",),
    "assume_agency_domain_name": ("HW_ASSUME_ROLE_DOMAIN_NAME",),
    "assume_agency_duration": ("HW_ASSUME_ROLE_DURATION",),
}
SECRET_OPTIONS = ("secret_key", "security_token", "auth_token", "iam_password")
# Secrets people make of words: masked whole and escaped, never by the piece (see Secrets).
PASSWORD_OPTIONS = ("iam_password",)
CREDENTIAL_OPTIONS = ("auth_token", "access_key", "secret_key", "security_token", "iam_user_name", "iam_password",
                      "iam_domain_name")


# Huawei Cloud region ids: cn-north-4, ap-southeast-1, eu-west-101, la-south-2, my-kualalumpur-1.
REGION_ID = re.compile(r"^[a-z]{2,}(-[a-z0-9]+){1,4}$")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")


class CredentialSet(object):
    """One way to authenticate: its options, those it cannot do without, and what selects it."""

    def __init__(self, kind, options, required, selected_by_environment):
        self.kind = kind
        self.options = options
        self.required = required
        # The options whose environment variables, when set, mean "this set was given". HW_DOMAIN_NAME alone
        # is common beside Terraform access keys and must not count as a second set.
        self.selected_by_environment = selected_by_environment


CREDENTIAL_SETS = (
    CredentialSet("token", ("auth_token",), ("auth_token",), ("auth_token",)),
    CredentialSet("access_keys", ("access_key", "secret_key", "security_token"), ("access_key", "secret_key"),
                  ("access_key", "secret_key", "security_token")),
    CredentialSet("password", ("iam_user_name", "iam_password", "iam_domain_name"),
                  ("iam_user_name", "iam_password", "iam_domain_name"), ("iam_user_name", "iam_password")),
)


class Credentials(object):
    """The one credential source a run uses: its kind (a key of _auth.CREDENTIAL_KINDS), its values, the level it
    was found at, and how the result's ``credential_source`` names it (never a value)."""

    def __init__(self, kind, values, source, description=None, found=None):
        self.kind = kind
        self.values = values
        self.source = source
        self.description = description or source
        # What a credentials file or KooCLI profile also gave (FoundCredentials): hints, an agency, warnings.
        self.found = found

    @property
    def warnings(self):
        return self.found.warnings if self.found is not None else []

    def __repr__(self):  # never show values
        return "Credentials(kind=%r, source=%r)" % (self.kind, self.source)


class AgencyToAssume(object):
    """An agency to assume on top of the credentials: its name, the account (domain) owning it, a duration."""

    def __init__(self, agency_name, domain_name, duration_seconds, source):
        self.agency_name = agency_name
        self.domain_name = domain_name
        self.duration_seconds = duration_seconds
        self.source = source


class ConnectionSettings(object):
    """Everything needed to reach the service, resolved before any network call."""

    def __init__(self, region, project_id, endpoint, iam_endpoint, credentials, environment_secrets, agency=None,
                 metadata_url=None):
        self.region = region
        self.project_id = project_id
        self.endpoint = endpoint
        self.iam_endpoint = iam_endpoint
        self.credentials = credentials
        self.environment_secrets = environment_secrets
        self.agency = agency
        self.metadata_url = metadata_url

    def learnt_secrets(self):
        """Every secret the settings read: from the environment and from a credentials file or profile."""
        found = self.credentials.found
        return list(self.environment_secrets) + (found.secrets() if found is not None else [])


def _given(value):
    return value is not None and value != ""


def _from_environment(option, environ):
    for name in ENVIRONMENT_VARIABLES.get(option, ()):
        if environ.get(name):
            return environ[name], name
    return None, None


def default_domain(region):
    return "myhuaweicloud.eu" if region == "eu-west-101" else "myhuaweicloud.com"


def _describe(options, level):
    if level == "task options":
        return "/".join(options)
    return "/".join("/".join(ENVIRONMENT_VARIABLES[option]) for option in options)


def _selecting_options(credential_set, level):
    return credential_set.options if level == "task options" else credential_set.selected_by_environment


def _credential_values(params, environ):
    """Credential values given as task options and in the environment, each stripped and checked."""
    task_values = {}
    environment_values = {}
    for option in CREDENTIAL_OPTIONS:
        value = clean_credential(option, params.get(option))
        if _given(value):
            task_values[option] = value
        value, name = _from_environment(option, environ)
        value = clean_credential(name, value)
        if _given(value):
            environment_values[option] = value
    return task_values, environment_values


# Sources picked by naming them rather than by their values (version 1.3.0), at the same two levels as the
# credential sets: (kind, task options that pick it, environment variables that pick it).
KOOCLI_SELECTORS = ("koocli_profile", "koocli_config_file")
_TRUE_WORDS = ("1", "true", "yes", "on")
_FALSE_WORDS = ("", "0", "false", "no", "off")
SDK_FILE_VARIABLE = ENVIRONMENT_VARIABLES["credentials_file"][0]
METADATA_VARIABLE = ENVIRONMENT_VARIABLES["ecs_metadata"][0]
DEFAULT_METADATA_URL = "http://169.254.169.254"
# IAM's bounds of duration_seconds for temporary keys (15 minutes to 24 hours).
AGENCY_DURATION_RANGE = (900, 86400)


def _environment_switch(name, environ):
    value = (environ.get(name) or "").strip().lower()
    if value in _TRUE_WORDS:
        return True
    if value in _FALSE_WORDS:
        return False
    raise ModuleFailure("%s must be true or false, got %r" % (name, value[:20]))


def expand_home(path, environ):
    """``path`` with a leading ``~`` replaced by the HOME of ``environ`` (the run's environment)."""
    if path.startswith("~") and environ.get("HOME"):
        return environ["HOME"] + path[1:]
    return os.path.expanduser(path)


def _selected_sources(params, environ, level):
    """``[(what selected it, kind)]``: the sources picked by name at ``level``."""
    selected = []
    if level == "task options":
        koocli = [option for option in KOOCLI_SELECTORS if _given(params.get(option))]
        if koocli:
            selected.append(("/".join(koocli), "koocli_profile"))
        if params.get("ecs_metadata") is True:
            selected.append(("ecs_metadata", "ecs_metadata"))
        return selected
    koocli = [ENVIRONMENT_VARIABLES[option][0] for option in KOOCLI_SELECTORS
              if environ.get(ENVIRONMENT_VARIABLES[option][0])]
    if koocli:
        selected.append(("/".join(koocli), "koocli_profile"))
    # ecs_metadata: false in the task switches the environment's opt-in off.
    if params.get("ecs_metadata") is None and _environment_switch(METADATA_VARIABLE, environ):
        selected.append((METADATA_VARIABLE, "ecs_metadata"))
    return selected


def _koocli_credentials(params, environ, level):
    config_file = params.get("koocli_config_file") or environ.get("HW_SHARED_CONFIG_FILE") or KOOCLI_DEFAULT_FILE
    profile_name = params.get("koocli_profile") or environ.get("HW_PROFILE") or None
    found, name, mode = read_koocli_profile(expand_home(config_file, environ), config_file, profile_name)
    return Credentials("koocli_profile", found.values, level, "KooCLI profile %s (%s) in %s" % (name, mode, config_file),
                       found=found)


def _sdk_file_credentials(environ):
    """The SDK's credentials file, or None when there is none at the default place."""
    given = environ.get(SDK_FILE_VARIABLE)
    path = given or SDK_DEFAULT_FILE
    if not given and not os.path.exists(expand_home(path, environ)):
        return None
    found = read_sdk_credentials_file(expand_home(path, environ), path)
    return Credentials("credentials_file", found.values, "credentials file",
                       "credentials file %s [basic]" % path, found=found)


def _nothing_found(environ):
    given = environ.get(SDK_FILE_VARIABLE)
    return ModuleFailure(
        "No credentials given or found. Looked at: the task options (auth_token; access_key and secret_key; "
        "iam_user_name, iam_password and iam_domain_name; koocli_profile or koocli_config_file; ecs_metadata), the "
        "environment (HW_AUTH_TOKEN; HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or HW_ACCESS_KEY and HW_SECRET_KEY; "
        "HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME; HW_PROFILE or HW_SHARED_CONFIG_FILE; %s) and the "
        "credentials file %s (%s). ECS metadata is asked only when ecs_metadata or %s is true" % (
            METADATA_VARIABLE, given or SDK_DEFAULT_FILE, "named by %s" % SDK_FILE_VARIABLE if given else "not found",
            METADATA_VARIABLE))


def _pick_credentials(params, environ):
    """The one credential source of the run: task options, then the environment, then the SDK's file."""
    task_values, environment_values = _credential_values(params, environ)
    for level, values in (("task options", task_values), ("environment", environment_values)):
        present = [credential_set for credential_set in CREDENTIAL_SETS
                   if any(option in values for option in _selecting_options(credential_set, level))]
        selected = _selected_sources(params, environ, level)
        if len(present) + len(selected) > 1:
            raise ModuleFailure(
                "More than one credential set is given in the %s: %s. Give exactly one: auth_token; or access_key "
                "and secret_key (with security_token for temporary keys); or iam_user_name, iam_password and "
                "iam_domain_name; or a KooCLI profile; or ecs_metadata" % (level, " and ".join(
                    [_describe([o for o in s.options if o in values], level) for s in present]
                    + [label for label, _kind in selected])))
        if selected:
            if selected[0][1] == "koocli_profile":
                return _koocli_credentials(params, environ, level), []
            return Credentials("ecs_metadata", {}, level, "ECS metadata (agency)"), []
        if present:
            credential_set = present[0]
            missing = [option for option in credential_set.required if option not in values]
            if missing:
                given = [option for option in credential_set.options if option in values]
                elsewhere = ""
                if level == "task options" and all(option in environment_values for option in missing):
                    # The rest of the set is in the environment: say why it was not taken.
                    elsewhere = ("; %s in the environment %s not used, since a credential set is taken whole from "
                                 "the task options or whole from the environment" % (
                                     " and ".join(_from_environment(option, environ)[1] for option in missing),
                                     "is" if len(missing) == 1 else "are"))
                raise ModuleFailure(
                    "Incomplete credentials in the %s: %s %s set but %s %s not%s. Hint: give all of %s" % (
                        level, _describe(given, level), "is" if len(given) == 1 else "are",
                        _describe(missing, level), "is" if len(missing) == 1 else "are", elsewhere,
                        ", ".join(credential_set.required)))
            chosen = dict((option, values[option]) for option in credential_set.options if option in values)
            secrets = []
            if level == "environment":
                secrets = [chosen[option] for option in SECRET_OPTIONS if option in chosen]
                names = [_from_environment(option, environ)[1] for option in credential_set.options if option in chosen]
                description = "environment (%s)" % ", ".join(names)
            else:
                description = "task options (%s)" % ", ".join(sorted(chosen))
            return Credentials(credential_set.kind, chosen, level, description), secrets
    from_file = _sdk_file_credentials(environ)
    if from_file is not None:
        return from_file, []
    raise _nothing_found(environ)


def _duration(value, name):
    if value is None or value == "":
        return None
    try:
        seconds = int(str(value).strip())
    except ValueError:
        raise ModuleFailure("%s must be a whole number of seconds, got %r" % (name, str(value)[:20]))
    low, high = AGENCY_DURATION_RANGE
    if not low <= seconds <= high:
        raise ModuleFailure("%s must be between %d and %d seconds (IAM's bounds), got %d" % (name, low, high, seconds))
    return seconds


def _pick_agency(params, environ, credentials):
    """The agency to assume on top of ``credentials``: from the task options, else the environment, else the
    KooCLI profile; None when none is named."""
    options = ("assume_agency_name", "assume_agency_domain_name", "assume_agency_duration")
    for level in ("task options", "environment"):
        if level == "task options":
            names = options
            values = [params.get(option) for option in options]
        else:
            names = [ENVIRONMENT_VARIABLES[option][0] for option in options]
            values = [environ.get(name) for name in names]
        values = [clean_credential(name, value) if value is not None else None for name, value in zip(names, values)]
        agency_name, domain_name, duration = values
        if not _given(agency_name):
            stray = [name for name, value in zip(names[1:], values[1:]) if _given(value)]
            if stray:
                raise ModuleFailure("%s %s set but %s is not. Hint: name the agency to assume, or leave %s out" % (
                    " and ".join(stray), "is" if len(stray) == 1 else "are", names[0], " and ".join(stray)))
            continue
        domain_name = domain_name or credentials.values.get("iam_domain_name")
        if not _given(domain_name):
            raise ModuleFailure("%s is set but %s is not: give the account (domain) name that owns the agency" % (
                names[0], names[1]))
        check_path_segment(names[0], agency_name)
        return AgencyToAssume(agency_name, domain_name, _duration(duration, names[2]), level)
    found = credentials.found
    if found is not None and found.agency:
        if not found.agency.get("domain_name"):
            raise ModuleFailure("%s names agency %s but no agencyDomainName: give the account (domain) name that "
                                "owns the agency" % (credentials.description, found.agency["agency_name"]))
        return AgencyToAssume(found.agency["agency_name"], found.agency["domain_name"], None, credentials.description)
    return None


def check_metadata_url(url):
    """Refuse an ecs_metadata_url that is not an http(s) URL with a host (plain http is what ECS serves)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # pylint: disable=pointless-statement  # raises ValueError when out of range
    except ValueError as error:
        raise ModuleFailure("ecs_metadata_url is not a valid URL (%s). Hint: give http://host[:port]" % error)
    if parts.scheme not in ("http", "https") or not host or "@" in parts.netloc or parts.query or parts.fragment:
        raise ModuleFailure("ecs_metadata_url must be an http:// or https:// URL with a host and no query, got %r. "
                            "Hint: leave it out for %s" % (url.split("?", 1)[0][:200], DEFAULT_METADATA_URL))
    return url.rstrip("/")


def check_region(region, endpoints_given=False):
    """Refuse a region that is not shaped like a Huawei Cloud region id: it becomes part of host names, and it
    names the project (IAM's project lookup, a login's scope) even when both endpoints are given."""
    if region is not None and not (len(region) <= 64 and REGION_ID.match(region)):
        hint = ("the region also names the project at IAM: give the region id of the project (the endpoints "
                "are already set)" if endpoints_given else "to reach another host, set endpoint and iam_endpoint")
        raise ModuleFailure("region %r is not a Huawei Cloud region id: it must be lower-case letters and digits "
                            "joined by hyphens, for example cn-north-4 or ap-southeast-1. Hint: %s" % (
                                region[:64], hint))


def check_path_segment(name, value, scrub=None):
    """Refuse a value that would not stay one segment of a URL path (``..`` would be normalised away).

    ``scrub`` (Secrets.scrub) for a value from a server, quoted only after it was scrubbed.
    """
    if value in ("", ".", "..") or "/" in value or "\\" in value or _CONTROL_OR_SPACE.search(value):
        shown = scrub(value) if scrub else value
        raise ModuleFailure("%s %r is not a valid id: it must be one path segment, without /, \\, spaces or "
                            "control characters, and not . or .." % (name, shown[:64]))


# The API version each endpoint's paths start with: an endpoint that already ends with it would double it.
API_PREFIXES = {"endpoint": "/v5", "iam_endpoint": "/v3"}


def check_endpoint(name, url, allow_insecure_http=False):
    """Refuse an endpoint that is not an http(s) URL with a host, or plain http:// unless allowed."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # pylint: disable=pointless-statement  # raises ValueError when out of range
    except ValueError as error:
        raise ModuleFailure("%s is not a valid URL (%s). Hint: give https://host[:port][/path]" % (name, error))
    if parts.scheme not in ("https", "http"):
        raise ModuleFailure("%s must be an https:// URL, got %r" % (name, url.split("?", 1)[0][:200]))
    if "@" in parts.netloc:
        raise ModuleFailure("%s must not carry credentials in the URL" % name)
    if not host:
        raise ModuleFailure("%s has no host name. Hint: give https://host[:port][/path]" % name)
    if parts.query or parts.fragment:
        raise ModuleFailure("%s must not have a query string or a fragment" % name)
    api = API_PREFIXES.get(name)
    if api and parts.path.rstrip("/").lower().endswith(api):
        raise ModuleFailure("%s ends with %s: the module adds %s/... to it. Hint: give %s without %s, for example "
                            "%s://%s" % (name, api, api, name, api, parts.scheme, parts.netloc))
    if parts.scheme == "http" and not allow_insecure_http:
        raise ModuleFailure("%s is a plain http:// URL: the password, tokens and signed requests would travel "
                            "unencrypted. Hint: use https://, or set allow_insecure_http to true for a test "
                            "server" % name)


def resolve_settings(params, environ):
    """Resolve options and environment into ConnectionSettings, or raise ModuleFailure naming the option."""
    settings = {}
    for option in ("region", "project_id", "iam_endpoint"):
        value = params.get(option)
        if not _given(value):
            value, dummy = _from_environment(option, environ)
        settings[option] = value or None
    check_region(settings["region"], endpoints_given=bool(params.get("endpoint") and settings["iam_endpoint"]))
    if settings["project_id"] is not None:
        check_path_segment("project_id", settings["project_id"])
    credentials, environment_secrets = _pick_credentials(params, environ)
    # A credentials file or a KooCLI profile may name the project, IAM and the region; options and the
    # environment still come first.
    hints = credentials.found.hints if credentials.found is not None else {}
    agency = _pick_agency(params, environ, credentials)
    for option in ("region", "project_id", "iam_endpoint"):
        # The file's project belongs to the account of its keys, not to an agency's: that one is looked up.
        if option == "project_id" and agency is not None:
            continue
        if not settings[option] and hints.get(option):
            settings[option] = str(hints[option]).strip()
            if option == "region":
                check_region(settings["region"])
            elif option == "project_id":
                check_path_segment("project_id (from %s)" % credentials.description, settings["project_id"])
    metadata_url = None
    if credentials.kind == "ecs_metadata":
        metadata_url = params.get("ecs_metadata_url") or environ.get(ENVIRONMENT_VARIABLES["ecs_metadata_url"][0]) \
            or DEFAULT_METADATA_URL
        metadata_url = check_metadata_url(metadata_url)
    region = settings["region"]
    endpoint = params.get("endpoint") or None
    iam_endpoint = settings["iam_endpoint"]
    if not endpoint:
        if not region:
            raise ModuleFailure("region is required when endpoint is not set (also read from HW_REGION_NAME)")
        endpoint = "https://drs.%s.%s" % (region, default_domain(region))
    needs_iam = credentials.kind == "password" or not settings["project_id"] or agency is not None
    if needs_iam and not iam_endpoint:
        if not region:
            raise ModuleFailure("region is required to reach IAM when iam_endpoint is not set")
        iam_endpoint = "https://iam.%s.%s" % (region, default_domain(region))
    if not settings["project_id"] and not region:
        raise ModuleFailure("region or project_id is required: the project is looked up by region name")
    for name, url in (("endpoint", endpoint), ("iam_endpoint", iam_endpoint)):
        if url:
            check_endpoint(name, url, params.get("allow_insecure_http", False))
    return ConnectionSettings(region, settings["project_id"], endpoint.rstrip("/"), iam_endpoint and iam_endpoint.rstrip("/"),
                              credentials, environment_secrets, agency=agency, metadata_url=metadata_url)
