# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Calls to the DRS endpoint of one project with one credential set, and how that client is built.

Private to this collection: the interface may change without notice.
"""

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ApiError, ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._iam import PasswordLogin, lookup_project_id
from ansible_collections.hwcloud.drs.plugins.module_utils._responses import parse_json
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import check_path_segment
from ansible_collections.hwcloud.drs.plugins.module_utils._signer import AccessKeySigner

# What the API gateway and DRS answer when a token has expired (a token lives 24 hours).
TOKEN_EXPIRED_CODES = frozenset(("APIGW.0307", "DRS.M00100"))


class DrsClient(object):
    """Sends authenticated requests to DRS through a transport, renewing a password login's token once.

    Exactly one of ``auth_token``, ``signer`` (access keys) and ``password_login`` is given.
    """

    def __init__(self, transport, endpoint, project_id, auth_token=None, signer=None, password_login=None):
        self.transport = transport
        self.endpoint = endpoint
        self.project_id = project_id
        self.auth_token = auth_token
        self.signer = signer
        self.password_login = password_login

    def scrub(self, text):
        """``text`` without any secret of the run: for text read from an answer, before it is cut or kept."""
        return self.transport.scrub(text)

    def get_json(self, path, query=None, headers=None, action=None):
        """GET ``path`` on the DRS endpoint and return the parsed JSON body."""
        return self._request_json("GET", path, query, headers, action, retry=True)

    def post_json(self, path, headers=None, action=None):
        """POST ``path`` (no body) once and return the parsed JSON body.

        Never retried here: a POST that failed on the way may still have landed, so its caller reads the
        state before sending it again. (A rejected expired token did not land: the login is renewed once.)
        """
        return self._request_json("POST", path, None, headers, action, retry=False)

    def _request_json(self, method, path, query, headers, action, retry):
        headers = dict(headers or {})
        if self.signer is not None:
            headers["X-Project-Id"] = self.project_id
        token = self.password_login.current_token() if self.password_login else self.auth_token
        try:
            response = self._send(method, path, query, headers, token, action, retry)
        except ApiError as error:
            # A token the module obtained is renewed once; a token the user gave is not ours to renew.
            if self.password_login is None or error.error_code not in TOKEN_EXPIRED_CODES:
                raise
            response = self._send(method, path, query, headers, self.password_login.renew(token), action, retry)
        return parse_json(response, action, self.transport.scrub)

    def _send(self, method, path, query, headers, token, action, retry):
        if token is not None:
            headers = dict(headers, **{"X-Auth-Token": token})
        sign = self.signer.sign if self.signer is not None else None
        return self.transport.send(method, self.endpoint, path, query=query, headers=headers, sign=sign,
                                   action=action, retry=retry)


def connect(settings, transport, clock):
    """Build the client for ``settings`` (ConnectionSettings): a login or a project lookup when needed.

    ``clock`` (a wall clock) dates the access key signatures.
    """
    client = _connect(settings, transport, clock)
    if client.project_id != settings.project_id:
        # IAM named the project: it goes into every request path, like a project_id option.
        check_path_segment("The project id IAM returned,", str(client.project_id))
    return client


def _connect(settings, transport, clock):
    values = settings.credentials.values
    kind = settings.credentials.kind
    project_id = settings.project_id
    if kind == "password":
        login = PasswordLogin(transport, settings.iam_endpoint, values["iam_user_name"], values["iam_password"],
                              values["iam_domain_name"], project_name=settings.region, project_id=project_id)
        if not project_id:
            # The token's scope names the project: log in now rather than at the first DRS call.
            login.current_token()
            project_id = login.project_id
            if not project_id:
                raise ModuleFailure("The IAM token names no project. Hint: set project_id")
        return DrsClient(transport, settings.endpoint, project_id, password_login=login)
    if kind == "access_keys":
        signer = AccessKeySigner(values["access_key"], values["secret_key"], values.get("security_token"),
                                 clock=clock)
        if not project_id:
            project_id = lookup_project_id(transport, settings.iam_endpoint, settings.region, sign=signer.sign)
        return DrsClient(transport, settings.endpoint, project_id, signer=signer)
    token = values["auth_token"]
    if not project_id:
        project_id = lookup_project_id(transport, settings.iam_endpoint, settings.region,
                                       headers={"X-Auth-Token": token})
    return DrsClient(transport, settings.endpoint, project_id, auth_token=token)
