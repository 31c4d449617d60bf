# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secrets of one run, and the one function that scrubs them out of any text before it is shown.

Text from a server or from an exception may echo a secret, whole or escaped (repr, JSON, percent-encoding,
HTML). Ansible's no_log masking matches only the exact value, and only in the final output: a secret that
was escaped, or cut short by a message being shortened, slips through. So every such text is scrubbed here
first, and shortened only afterwards.
Private to this collection: the interface may change without notice.
"""

import html
import json
import re
import threading

from urllib.parse import quote, quote_plus

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure

MASK = "********"
# Shorter values would mask ordinary words; Ansible's own no_log masking still covers them.
SHORTEST_SCRUBBED = 4
# A text that ends with this much of a secret (a server or a proxy cut it) is masked too.
SHORTEST_PREFIX = 8
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

    Safe to extend from several threads (concurrent pages may renew a token).
    """

    def __init__(self, values=()):
        self._lock = threading.Lock()
        self._values = set()
        self._forms = ()
        self.add(*values)

    def add(self, *values):
        with self._lock:
            for value in values:
                if value is None:
                    continue
                value = str(value)
                for candidate in (value, value.strip()):
                    if len(candidate) >= SHORTEST_SCRUBBED:
                        self._values.add(candidate)
            forms = set()
            for value in self._values:
                forms.update(escaped_forms(value))
            # Longest first, so that a secret containing another one is masked whole.
            self._forms = tuple(sorted(forms, key=len, reverse=True))

    def forms(self):
        """Every secret in every escaped form: what Ansible's own masking should also look for."""
        return self._forms

    def scrub(self, text):
        """``text`` with every secret, whole or escaped, and a secret's beginning at its end, masked."""
        if text is None:
            return None
        text = str(text)
        forms = self._forms
        for form in forms:
            if form in text:
                text = text.replace(form, MASK)
        for form in forms:
            for length in range(len(form) - 1, SHORTEST_PREFIX - 1, -1):
                if text.endswith(form[:length]):
                    text = text[:-length] + MASK
                    break
        return text
