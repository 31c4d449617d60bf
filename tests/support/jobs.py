"""Job factories: lists of batch async jobs with known fields, and what the service answers for them."""

from support.drs_statuses import STATUSES


def make_jobs(count, statuses=STATUSES, domains=("demo-domain", "tenant-blue"),
              users=("demo-user", "dba-li", "migration-bot"), prefix="job"):
    """``count`` jobs: ``job-000`` is the oldest; statuses, domains and users cycle."""
    return [
        {
            "async_job_id": "%s-%03d" % (prefix, index),
            "status": statuses[index % len(statuses)],
            "domain_name": domains[index % len(domains)],
            "user_name": users[index % len(users)],
            "create_time": "2026-11-%02dT%02d:%02d:00Z" % (1 + index // 1440, index // 60 % 24, index % 60),
        }
        for index in range(count)
    ]


def newest_first(jobs):
    """The service's default order (create_time descending, ties by id)."""
    return sorted(jobs, key=lambda job: (job["create_time"], job["async_job_id"]), reverse=True)


def count_statuses(jobs):
    """``status_counts`` as the module reports it: every documented status, zero when absent."""
    counts = dict.fromkeys(STATUSES, 0)
    for job in jobs:
        counts[job["status"]] = counts.get(job["status"], 0) + 1
    return counts
