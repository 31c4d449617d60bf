# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs hwcloud.drs.drs_job_info with progress lines while it waits (plugin_utils/_wait_progress.py)."""

from ansible_collections.hwcloud.drs.plugins.plugin_utils._wait_progress import ActionModule  # noqa: F401  pylint: disable=unused-import
