"""Fault injection rules, set at start (``--fault JSON``) or through the control endpoint.

A rule is a dict:

- ``route``: which requests it applies to: ``drs`` (default: every DRS call), ``list``, ``commit``,
  ``iam`` (both IAM calls), ``token``, ``projects`` or ``any``.
- when: ``count`` (apply to the next N matching requests, then the rule is spent; default unlimited),
  ``skip`` (let the first K matching requests through first), ``fraction`` (apply to this share, 0..1).
- what (one or more): ``latency`` (seconds, then answer normally unless another action is set),
  ``status`` (an HTTP status; ``error_code``/``error_msg`` override the default body, ``retry_after``
  adds that header, ``html: true`` answers an HTML error page instead of JSON), ``drop: true`` (close
  the connection without an answer), ``truncate: true`` (200 headers, half a body, then close),
  ``redirect`` (302 to that URL, or to http://127.0.0.2:1 when true).
"""

import random
import threading

ROUTE_GROUPS = {
    "any": None,
    "drs": ("drs_list", "drs_commit"),
    "list": ("drs_list",),
    "commit": ("drs_commit",),
    "iam": ("iam_token", "iam_projects"),
    "token": ("iam_token",),
    "projects": ("iam_projects",),
}
DEFAULT_REDIRECT = "http://127.0.0.2:1"
DEFAULT_ERRORS = {
    429: ("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit, limit:100, time:1 minute"),
    500: ("DRS.M00004", "Service abnormal."),
    502: ("APIGW.0202", "The backend is unavailable."),
    503: ("APIGW.0203", "The service is unavailable."),
    504: ("APIGW.0201", "Backend timeout."),
    422: ("DRS.M00004", "Service abnormal."),
}
RULE_KEYS = {"route", "count", "skip", "fraction", "latency", "status", "error_code", "error_msg", "retry_after",
             "html", "drop", "truncate", "redirect", "name"}


def validate_rule(rule):
    if not isinstance(rule, dict):
        raise ValueError("a fault rule must be a JSON object")
    unknown = set(rule) - RULE_KEYS
    if unknown:
        raise ValueError("unknown fault rule keys: %s" % ", ".join(sorted(unknown)))
    if rule.get("route", "drs") not in ROUTE_GROUPS:
        raise ValueError("route must be one of %s" % ", ".join(sorted(ROUTE_GROUPS)))
    if not any(rule.get(key) for key in ("latency", "status", "drop", "truncate", "redirect")):
        raise ValueError("a fault rule needs latency, status, drop, truncate or redirect")
    if rule.get("status") is not None and not 300 <= int(rule["status"]) <= 599:
        raise ValueError("status must be an HTTP error status")
    fraction = rule.get("fraction")
    if fraction is not None and not 0 <= float(fraction) <= 1:
        raise ValueError("fraction must be between 0 and 1")
    return dict(rule)


class Decision:
    """What to do with one request: sleep first, then maybe answer with a fault."""

    def __init__(self):
        self.latency = 0.0
        self.rule = None


class FaultRules:
    def __init__(self, random_seed=0):
        self._lock = threading.Lock()
        self._rng = random.Random(random_seed)
        self._rules = []
        self.applied = 0

    def add(self, rules, replace=False):
        checked = [validate_rule(rule) for rule in rules]
        with self._lock:
            if replace:
                self._rules = []
            for rule in checked:
                self._rules.append({"rule": rule, "seen": 0, "applied": 0})
        return len(checked)

    def clear(self):
        with self._lock:
            self._rules = []

    def describe(self):
        with self._lock:
            return [dict(entry["rule"], seen=entry["seen"], applied=entry["applied"]) for entry in self._rules]

    def decide(self, route):
        """Pick the faults for one request on route (drs_list, iam_token, ...)."""
        decision = Decision()
        with self._lock:
            spent = []
            for entry in self._rules:
                rule = entry["rule"]
                routes = ROUTE_GROUPS[rule.get("route", "drs")]
                if routes is not None and route not in routes:
                    continue
                entry["seen"] += 1
                if entry["seen"] <= int(rule.get("skip") or 0):
                    continue
                fraction = rule.get("fraction")
                if fraction is not None and self._rng.random() >= float(fraction):
                    continue
                terminal = bool(rule.get("status") or rule.get("drop") or rule.get("truncate") or rule.get("redirect"))
                if terminal and decision.rule is not None:
                    continue
                entry["applied"] += 1
                self.applied += 1
                decision.latency += float(rule.get("latency") or 0)
                if terminal:
                    decision.rule = rule
                count = rule.get("count")
                if count is not None and entry["applied"] >= int(count):
                    spent.append(entry)
            for entry in spent:
                self._rules.remove(entry)
        return decision


def error_for(rule):
    """(status, error_code, error_msg) of a status fault."""
    status = int(rule["status"])
    code, message = DEFAULT_ERRORS.get(status, ("APIGW.0101" if status == 404 else "DRS.10000001", "Failed."))
    return status, rule.get("error_code") or code, rule.get("error_msg") or message


def html_page(status, reason):
    return (
        "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n" % (status, reason, status, reason)
    ).encode("ascii")
