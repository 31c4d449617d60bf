# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secrets of one run, and the one function that scrubs them out of any text before it is shown.

Text from a server or from an exception may echo a secret, whole, escaped (repr, JSON, percent-encoding,
HTML) or in part (a server that quotes the first 24 characters of a token). Ansible's own masking matches
only whole values: a secret that was escaped, cut short by a message being shortened, or quoted in part
slips through. So every such text is scrubbed here first, of every piece of 8 characters of every form of
every secret, and shortened only afterwards.

Every secret is also handed to ansible-core's masking the moment it is learnt: through the public
``ansible.module_utils.secrets.register_secrets`` where it exists (ansible-core 2.22 and later), else
through the module's ``no_log_values`` when the run ends (see DrsModule).
Private to this collection: the interface may change without notice.
"""

import html
import json
import re
import threading

from urllib.parse import quote, quote_plus

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure

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

    Safe to extend from several threads (concurrent pages may renew a token).
    """

    def __init__(self, values=()):
        self._lock = threading.Lock()
        self._values = set()
        self._forms = set()
        self._pieces = frozenset()
        self._short_forms = ()
        self.add(*values)

    def add(self, *values):
        """Learn secrets: from now on they are scrubbed, and ansible-core masks them too."""
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
            pieces = set(self._pieces)
            for form in new_forms:
                pieces.update(form[index:index + PIECE] for index in range(len(form) - PIECE + 1))
            self._pieces = frozenset(pieces)
            # A form shorter than a piece is masked whole, longest first.
            self._short_forms = tuple(sorted((form for form in self._forms if len(form) < PIECE), key=len,
                                             reverse=True))
            if register_secrets is not None:
                register_secrets(sorted(new_forms))

    def forms(self):
        """Every secret in every escaped form: what Ansible's own masking should also look for."""
        return tuple(sorted(self._forms, key=len, reverse=True))

    def scrub(self, text):
        """``text`` with every secret, whole, escaped or any piece of 8 characters of it, masked.

        Overlapping and adjacent matches merge into one mask, so a mask tells neither where a secret
        began nor how long it was.
        """
        if text is None:
            return None
        text = str(text)
        pieces, short_forms = self._pieces, self._short_forms
        spans = [(index, index + PIECE) for index in range(len(text) - PIECE + 1)
                 if text[index:index + PIECE] in pieces]
        for form in short_forms:
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
