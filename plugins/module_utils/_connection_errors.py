# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a failed connection says, in one readable line: the reason without the exception's noise.

Private to this collection: the interface may change without notice.
"""

import re

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import one_line, truncate


def balanced(text):
    """``text`` cut before its first parenthesis that is never closed (excerpts of exception texts have them)."""
    depth = 0
    opened_at = []
    for index, character in enumerate(text):
        if character == "(":
            opened_at.append(index)
            depth += 1
        elif character == ")" and depth:
            opened_at.pop()
            depth -= 1
    return text[:opened_at[0]].rstrip() if opened_at else text


def connection_reason(error, scrub):
    """The part of a connection error a user needs (errno, certificate problem), scrubbed, in one line."""
    # Exception texts may quote a URL or a header value: scrubbed before anything is cut.
    text = one_line(scrub(error))
    match = re.search(r"\[Errno [^\]]*\][^'\")]*", text)
    if not match:
        match = re.search(r"(certificate verify failed[^'\")]*|Name or service not known|Connection refused)", text)
    return balanced(match.group(0).strip() if match else truncate(text, 160))
