"""Module options that reach a running emulator, from the state line it printed.

The integration tests, the benchmarks and the demo all point the module at the emulator the same way.
"""

CREDENTIAL_STYLES = ("aksk", "temporary", "token", "password")


def credentials(state, style):
    """The credential options of one style: ``aksk``, ``temporary`` (AK/SK + security token), ``token``,
    ``password`` (IAM user), or ``none``."""
    if style == "aksk":
        return {"access_key": state["access_key"], "secret_key": state["secret_key"]}
    if style == "temporary":
        return {"access_key": state["temporary_access_key"], "secret_key": state["temporary_secret_key"],
                "security_token": state["security_token"]}
    if style == "token":
        return {"auth_token": state["auth_token"]}
    if style == "password":
        return {"iam_user_name": state["iam_user_name"], "iam_password": state["iam_password"],
                "iam_domain_name": state["iam_domain_name"]}
    if style == "none":
        return {}
    raise ValueError("unknown credential style %r" % style)


def connection(state, style="aksk", project_id=True):
    """Region, endpoints, CA and one credential style; ``project_id=False`` leaves the project to the
    module (token scope or IAM lookup by region)."""
    options = {"region": state["region"], "endpoint": state["url"], "iam_endpoint": state["url"],
               "ca_path": state["ca_path"]}
    if project_id:
        options["project_id"] = state["project_id"]
    options.update(credentials(state, style))
    return options
