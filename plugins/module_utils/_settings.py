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
import re
import threading

from urllib.parse import quote, quote_plus
from urllib.parse import urlsplit

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
    """The one credential set a run uses, and where it came from."""

    def __init__(self, kind, values, source):
        self.kind = kind
        self.values = values
        self.source = source

    def __repr__(self):  # never show values
        return "Credentials(kind=%r, source=%r)" % (self.kind, self.source)


class ConnectionSettings(object):
    """Everything needed to reach the service, resolved before any network call."""

    def __init__(self, region, project_id, endpoint, iam_endpoint, credentials, environment_secrets):
        self.region = region
        self.project_id = project_id
        self.endpoint = endpoint
        self.iam_endpoint = iam_endpoint
        self.credentials = credentials
        self.environment_secrets = environment_secrets


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


def _pick_credentials(params, environ):
    task_values, environment_values = _credential_values(params, environ)
    for level, values in (("task options", task_values), ("environment", environment_values)):
        present = [credential_set for credential_set in CREDENTIAL_SETS
                   if any(option in values for option in _selecting_options(credential_set, level))]
        if len(present) > 1:
            raise ModuleFailure(
                "More than one credential set is given in the %s: %s. Give exactly one: auth_token; or access_key "
                "and secret_key (with security_token for temporary keys); or iam_user_name, iam_password and "
                "iam_domain_name" % (level, " and ".join(
                    _describe([o for o in s.options if o in values], level) for s in present)))
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
            return Credentials(credential_set.kind, chosen, level), secrets
    raise ModuleFailure(
        "No credentials given. Set auth_token; or access_key and secret_key; or iam_user_name, iam_password and "
        "iam_domain_name (or their environment variables, for example HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK)")


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
    region = settings["region"]
    endpoint = params.get("endpoint") or None
    iam_endpoint = settings["iam_endpoint"]
    if not endpoint:
        if not region:
            raise ModuleFailure("region is required when endpoint is not set (also read from HW_REGION_NAME)")
        endpoint = "https://drs.%s.%s" % (region, default_domain(region))
    needs_iam = credentials.kind == "password" or not settings["project_id"]
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
                              credentials, environment_secrets)
