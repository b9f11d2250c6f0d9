"""Join codes, facilitator tokens and device ids: their shape, hashing and comparison."""

from __future__ import annotations

import hashlib
import hmac
import re
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.domain.tokens import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CODE_PATTERN,
    DEVICE_ID_PATTERN,
    hash_token,
    new_code,
    new_device_id,
    new_token,
    normalise_code,
    token_matches,
)

quick = settings(database=None, deadline=None, max_examples=200)
codes = st.text(alphabet=CODE_ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)


# -- join codes ---------------------------------------------------------------------------


def test_the_alphabet_has_no_characters_people_misread_off_a_wall() -> None:
    assert not set("01OI") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET) == 32
    assert CODE_ALPHABET.upper() == CODE_ALPHABET


def test_new_codes_are_six_characters_of_the_alphabet_and_vary() -> None:
    made = [new_code() for _ in range(200)]
    for code in made:
        assert len(code) == CODE_LENGTH == 6
        assert set(code) <= set(CODE_ALPHABET)
        assert CODE_PATTERN.match(code)
    # 32**6 is about a billion codes: 200 draws that collide a lot are not random.
    assert len(set(made)) >= 198
    # Every character position uses more than one symbol.
    assert all(len({code[i] for code in made}) > 1 for i in range(CODE_LENGTH))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("k7p2qx", "K7P2QX"),
        ("K7P-2QX", "K7P2QX"),
        (" k7p 2qx\t", "K7P2QX"),
        ("k-7-p-2-q-x\n", "K7P2QX"),
    ],
)
def test_a_code_is_stored_upper_case_without_spaces_or_dashes(typed: str, stored: str) -> None:
    assert normalise_code(typed) == stored


def test_normalising_does_not_make_a_wrong_code_right() -> None:
    # Letters people misread are not silently mapped onto the alphabet.
    assert not CODE_PATTERN.match(normalise_code("K0P2QX"))
    assert not CODE_PATTERN.match(normalise_code("K7P2Q"))
    assert not CODE_PATTERN.match(normalise_code("K7P2QXA"))
    assert not CODE_PATTERN.match(normalise_code("K7P.2QX"))


@quick
@given(codes, st.lists(st.sampled_from([" ", "-", "\t"]), max_size=6), st.randoms())
def test_any_way_of_typing_a_code_normalises_to_it(
    code: str, separators: list[str], rng: Random
) -> None:
    typed = list(code.lower())
    for sep in separators:
        typed.insert(rng.randrange(len(typed) + 1), sep)
    assert normalise_code("".join(typed)) == code
    assert normalise_code(code) == code  # idempotent on what is stored


@pytest.mark.parametrize("bad", ["", "K7P2Q", "K7P2QXX", "k7p2qx", "K7P2QO", "K7P2Q1", "K7P2Q\n"])
def test_the_code_pattern_refuses_anything_but_six_alphabet_characters(bad: str) -> None:
    # "K7P2Q\n" is five characters and a newline: `$` must not let a newline pass as a sixth.
    assert CODE_PATTERN.match(bad) is None


# -- facilitator tokens -------------------------------------------------------------------


def test_tokens_are_url_safe_carry_256_bits_and_differ() -> None:
    made = {new_token() for _ in range(100)}
    assert len(made) == 100
    for token in made:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 bytes, base64url, no padding


def test_a_token_is_stored_as_its_sha256_never_as_itself() -> None:
    token = new_token()
    stored = hash_token(token)
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert token not in stored
    assert hash_token(token) == stored  # the same token always finds its workshop


def test_a_token_matches_its_own_hash_only() -> None:
    token, other = new_token(), new_token()
    stored = hash_token(token)
    assert token_matches(token, stored)
    assert not token_matches(other, stored)
    assert not token_matches("", stored)
    assert not token_matches(token[:-1], stored)
    assert not token_matches(token + "x", stored)
    assert not token_matches(token.upper(), stored)
    # Presenting the stored hash (leaked from a database dump) is not the token.
    assert not token_matches(stored, stored)


@quick
@given(st.text(max_size=80), st.text(max_size=80))
def test_matching_is_equality_of_tokens(presented: str, real: str) -> None:
    assert token_matches(presented, hash_token(real)) is (presented == real)


def test_the_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Timing is not asserted (the suite measures no speed): the comparison must be
    hmac.compare_digest, whose running time does not depend on where strings differ."""
    calls: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr("workshop.domain.tokens.hmac.compare_digest", spy)
    token = new_token()
    assert token_matches(token, hash_token(token))
    assert calls == [(hash_token(token), hash_token(token))]


# -- device ids ---------------------------------------------------------------------------


def test_a_device_id_the_server_makes_passes_its_own_check() -> None:
    made = {new_device_id() for _ in range(100)}
    assert len(made) == 100
    for device in made:
        assert DEVICE_ID_PATTERN.match(device)
        assert len(device) == 22  # 16 random bytes, base64url


@pytest.mark.parametrize("good", ["a" * 16, "A" * 64, "abcDEF0123456789_-", "-" * 16])
def test_device_ids_of_16_to_64_url_safe_characters_pass(good: str) -> None:
    assert DEVICE_ID_PATTERN.match(good)


@pytest.mark.parametrize(
    "bad",
    ["", "a" * 15, "a" * 65, "abcdefghijklmno.", "abcdefghijklmno ", "abcdefghijklmnoé", "a/" * 8],
)
def test_device_ids_of_other_lengths_or_characters_fail(bad: str) -> None:
    assert DEVICE_ID_PATTERN.match(bad) is None


def test_a_device_id_with_a_trailing_newline_fails() -> None:
    assert DEVICE_ID_PATTERN.match("a" * 16 + "\n") is None
