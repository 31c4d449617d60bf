"""The secret scanner: no credential of the emulator, no wrong secret a test passed, no runtime token.

The emulator's credentials are fixed and readable ("emulator-secret-key-000..."): any 8 characters of them
(``emulator``, ``00000000``) also occur in harmless output, so this scan looks for the whole secret and long
pieces of it. The hostile tests use random secrets and scan for every piece of 8 characters, escaped forms
included (support/hostile_checks.py).
"""

import re

# Secrets a user may pass by mistake must stay hidden too.
WRONG_SECRET_KEY = "wrong-secret-key-b1e2c3d4e5f60718293a4b5c"
WRONG_PASSWORD = "wrong-password-Zq8!x#2"
WRONG_TOKEN = "MIIwrongtoken-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
# Tokens IAM hands out at run time: "MII" + base64, as real ones (and the emulator's).
RUNTIME_TOKEN = re.compile(r"MII[A-Za-z0-9+/=]{16,}")
SECRET_STATE_KEYS = ("secret_key", "temporary_secret_key", "security_token", "auth_token", "iam_password")


def secret_fragments(secret):
    """The secret and, for long ones, pieces of it: a truncated secret is a leak too."""
    pieces = {secret}
    if len(secret) >= 32:
        pieces.update({secret[:16], secret[len(secret) // 2:len(secret) // 2 + 16], secret[-16:]})
    return pieces


def temporary_secrets(emulator):
    """The secrets the emulator's metadata service and assume_role handed out (keys, tokens), and its metadata
    session tokens."""
    issued = emulator.control("GET", "temporary-keys")
    return [key[name] for key in issued["keys"] for name in ("secret", "securitytoken")] + issued["metadata_tokens"]


def assert_no_secret(texts, emulator):
    """No secret of ``emulator`` (nor a wrong one from the tests, nor any runtime token, nor any temporary key it
    handed out) in ``texts``."""
    secrets = [emulator.state[key] for key in SECRET_STATE_KEYS] + [WRONG_SECRET_KEY, WRONG_PASSWORD, WRONG_TOKEN]
    secrets += temporary_secrets(emulator)
    for text in texts:
        for secret in secrets:
            for piece in secret_fragments(secret):
                assert piece not in text, "a secret (%s...) appears in the output" % secret[:4]
        leaked = RUNTIME_TOKEN.findall(text)
        assert not leaked, "a token appears in the output: %s..." % leaked[0][:8]
