"""The list call's path and answer: project_id quoted as one path segment, totals that are not counts."""

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._drs_api import batch_jobs_path, count_or_none
from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure


@pytest.mark.parametrize("project_id,path", [
    ("0123abcd", "/v5/0123abcd/batch-async-jobs"),
    ("a b", "/v5/a%20b/batch-async-jobs"),
    ("a/b", "/v5/a%2Fb/batch-async-jobs"),
    ("a?b#c", "/v5/a%3Fb%23c/batch-async-jobs"),
    ("%2e%2e", "/v5/%252e%252e/batch-async-jobs"),
    ("~x-y_z.1", "/v5/~x-y_z.1/batch-async-jobs"),
])
def test_project_id_is_quoted_as_one_path_segment(project_id, path):
    assert batch_jobs_path(project_id) == path


def test_segments_after_the_collection_are_quoted_too():
    assert batch_jobs_path("p", "job/1", "commit") == "/v5/p/batch-async-jobs/job%2F1/commit"


@pytest.mark.parametrize("segment", ["", ".", ".."])
def test_dot_segments_are_refused_since_they_would_be_normalised_away(segment):
    with pytest.raises(ModuleFailure) as caught:
        batch_jobs_path(segment)
    assert "another path" in caught.value.msg
    with pytest.raises(ModuleFailure):
        batch_jobs_path("p", segment)


@pytest.mark.parametrize("value,count", [
    (0, 0), (12, 12), ("12", 12), (12.0, 12), (10 ** 30, 10 ** 30),
    (float("inf"), None), (float("nan"), None), (-1, None), (1.5, None), ("many", None), ([], None), (None, None),
    (True, None),
])
def test_a_total_is_a_count_or_none(value, count):
    assert count_or_none(value) == count
