"""Fault rules (``--fault JSON``, repeatable; README.md lists their keys), applied before authentication."""

import threading

ROUTES = {
    "drs": ("drs_list", "drs_commit", "drs_detail", "drs_jobs", "drs_job"),
    "list": ("drs_list",),
    "commit": ("drs_commit",),
    "detail": ("drs_detail",),
    "jobs": ("drs_jobs",),
    "job": ("drs_job",),
    "token": ("iam_token",),
    "projects": ("iam_projects",),
    "assume_role": ("iam_assume_role",),
    "metadata": ("metadata_token", "metadata_keys"),
}
ACTIONS = ("status", "drop", "truncate", "redirect")
RULE_KEYS = {"route", "count", "latency", "error_code", "error_msg", "retry_after", "html"} | set(ACTIONS)
DEFAULT_REDIRECT = "http://127.0.0.2:1"
DEFAULT_ERRORS = {
    429: ("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit, limit:100, time:1 minute"),
    500: ("DRS.M00004", "Service abnormal."),
    502: ("APIGW.0202", "The backend is unavailable."),
    503: ("APIGW.0203", "The service is unavailable."),
    504: ("APIGW.0201", "Backend timeout."),
    404: ("APIGW.0101", "The API does not exist or has not been published in the environment."),
}


def validate_rule(rule):
    if not isinstance(rule, dict) or set(rule) - RULE_KEYS:
        raise ValueError("a fault rule is a JSON object with keys among %s" % ", ".join(sorted(RULE_KEYS)))
    if rule.get("route", "drs") not in ROUTES:
        raise ValueError("route must be one of %s" % ", ".join(sorted(ROUTES)))
    if not any(rule.get(key) for key in ("latency",) + ACTIONS):
        raise ValueError("a fault rule needs latency, status, drop, truncate or redirect")
    if rule.get("status") is not None and not 300 <= int(rule["status"]) <= 599:
        raise ValueError("status must be an HTTP error status")
    return dict(rule)


class FaultRules:
    def __init__(self, rules):
        self._lock = threading.Lock()
        self._rules = []  # [rule, times applied]
        self.replace(rules)

    def replace(self, rules):
        """Apply ``rules`` from now on instead of the rules so far (all checked first: a bad one changes nothing)."""
        if not isinstance(rules, list):
            raise ValueError("rules must be a list of fault rules")
        checked = [[validate_rule(rule), 0] for rule in rules]
        with self._lock:
            self._rules = checked
        return len(checked)

    def decide(self, route):
        """(seconds to wait, the rule that answers or None) for one request on ``route`` (drs_list, ...):
        rules are checked in order, the first answering rule wins, latencies add up."""
        latency, answering = 0.0, None
        with self._lock:
            for entry in list(self._rules):
                rule = entry[0]
                answers = any(rule.get(key) for key in ACTIONS)
                if route not in ROUTES[rule.get("route", "drs")] or (answers and answering is not None):
                    continue
                entry[1] += 1
                latency += float(rule.get("latency") or 0)
                answering = rule if answers else answering
                if rule.get("count") is not None and entry[1] >= int(rule["count"]):
                    self._rules.remove(entry)
        return latency, answering


def error_for(rule):
    """(status, error_code, error_msg) of a status fault."""
    status = int(rule["status"])
    code, message = DEFAULT_ERRORS.get(status, ("DRS.10000001", "Failed."))
    return status, rule.get("error_code") or code, rule.get("error_msg") or message


def html_page(status, reason):
    return ("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n" % (status, reason, status, reason)).encode("ascii")
