"""Credentials cleaned before use; every secret scrubbed, whole or escaped, before any text is shortened."""

import html
import json
import re
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.hwcloud.drs.plugins.module_utils._failures import ModuleFailure
from ansible_collections.hwcloud.drs.plugins.module_utils._settings import MASK, Secrets, clean_credential

SECRET = "Tok3n/with+odd chars&'\"\\é-" + "x" * 40


def leaked_prefixes(text, secret, shortest=8):
    """Every beginning of ``secret`` of ``shortest`` characters or more that ``text`` holds."""
    return [secret[:length] for length in range(shortest, len(secret) + 1) if secret[:length] in text]


@pytest.mark.parametrize("value", [" token-1234 ", "token-1234\n", "\ttoken-1234\r\n"])
def test_surrounding_whitespace_is_stripped(value):
    assert clean_credential("auth_token", value) == "token-1234"


@pytest.mark.parametrize("value", ["tok\nen-1234", "tok\x00en", "tok\x1ben", "tok\x7fen"])
def test_a_control_character_inside_fails_naming_the_option_never_the_value(value):
    with pytest.raises(ModuleFailure) as caught:
        clean_credential("HW_AUTH_TOKEN", value)
    assert "HW_AUTH_TOKEN" in caught.value.msg and "control character" in caught.value.msg
    assert "tok" not in caught.value.msg


def test_none_stays_none():
    assert clean_credential("auth_token", None) is None


@pytest.mark.parametrize("render", [
    lambda secret: secret,
    repr,
    json.dumps,
    lambda secret: json.dumps(secret, ensure_ascii=False),
    lambda secret: quote(secret, safe=""),
    lambda secret: re.sub("%[0-9A-F]{2}", lambda match: match.group(0).lower(), quote(secret, safe="")),
    quote_plus,
    html.escape,
], ids=["plain", "repr", "json", "json-unicode", "percent", "percent-lower", "form", "html"])
def test_every_escaped_form_is_scrubbed(render):
    text = "before %s after" % render(SECRET)
    scrubbed = Secrets([SECRET]).scrub(text)
    assert MASK in scrubbed and scrubbed.startswith("before ")
    assert leaked_prefixes(scrubbed, SECRET) == []


def test_a_secret_cut_at_the_end_of_a_text_is_masked():
    secrets = Secrets([SECRET])
    assert secrets.scrub("echo: " + SECRET[:30]) == "echo: " + MASK
    # Seven characters of a secret are ordinary text.
    assert secrets.scrub("echo: " + SECRET[:7]) == "echo: " + SECRET[:7]


@pytest.mark.parametrize("piece", [slice(0, 24), slice(-24, None), slice(20, 44), slice(30, 38)],
                         ids=["prefix", "suffix", "middle", "8 characters"])
def test_any_piece_of_8_characters_is_masked_wherever_it_stands(piece):
    token = "MIIEhw" + "Qk5vd0lzVGhlVGltZUZvckFsbEdvb2RNZW4" * 2
    text = "token %s rejected" % token[piece]
    assert Secrets([token]).scrub(text) == "token %s rejected" % MASK


def test_overlapping_and_adjacent_pieces_make_one_mask():
    secrets = Secrets(["first-secret-value", "second-secret-value"])
    assert secrets.scrub("a first-secret-valuesecond-secret-value b") == "a %s b" % MASK
    assert secrets.scrub("a first-secret-value second-secret-value b") == "a %s %s b" % (MASK, MASK)


def test_tokens_added_later_are_scrubbed_and_short_values_are_not():
    secrets = Secrets(["abc", None])
    secrets.add("token-issued-at-run-time")
    assert secrets.scrub("abc token-issued-at-run-time") == "abc " + MASK
    assert secrets.scrub(None) is None


def test_a_secret_inside_another_is_masked_whole():
    secrets = Secrets(["password", "password-and-more"])
    assert secrets.scrub("x password-and-more y") == "x %s y" % MASK


def test_forms_feed_ansibles_own_masking():
    forms = Secrets(["a b/c"]).forms()
    assert "a b/c" in forms and "a%20b%2Fc" in forms and "a+b%2Fc" in forms


def test_mask_leaves_the_collections_own_words_readable():
    # A password that holds an ordinary word: the hint that names iam_password must stay readable, while
    # text from a server is scrubbed of that piece too.
    secrets = Secrets(["right-password"])
    hint = "check iam_user_name, iam_password and region; right-password was refused"
    assert secrets.mask(hint) == "check iam_user_name, iam_password and region; %s was refused" % MASK
    assert secrets.scrub("The username or password is wrong.") == "The username or %s is wrong." % MASK
