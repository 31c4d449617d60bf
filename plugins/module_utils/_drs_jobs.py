# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DRS batch async job vocabulary: statuses and which status satisfies which.

The single source for the modules' choices, the role's checks, the tests and the emulator. Standard
library only, so that the emulator can load this file on its own.
Private to this collection: the interface may change without notice.
"""

VALIDATING = "ASYNC_JOB_VALIDATING"
VALIDATE_FAILED = "ASYNC_JOB_VALIDATE_FAILED"
VALIDATED = "AUTO_PARAM_VALIDATE_SUCCESS"
COMMITTED = "COMMIT_SUCCESS"

# In lifecycle order: validating, then failed or validated, then committed.
STATUSES = (VALIDATING, VALIDATE_FAILED, VALIDATED, COMMITTED)

# The statuses a wait may aim for, and what reaches each: a committed job has also passed validation.
SATISFIES = {VALIDATED: frozenset((VALIDATED, COMMITTED)), COMMITTED: frozenset((COMMITTED,))}
WAITABLE_STATUSES = (VALIDATED, COMMITTED)
