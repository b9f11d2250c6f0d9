"""Settings: defaults < instance/config.py < WORKSHOP_* variables < overrides, and their types."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop import config
from workshop.config import DEFAULTS, FLOAT_KEYS, INTEGER_KEYS, allowed_origins, load


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Remove every WORKSHOP_<setting> variable the machine running the tests may have."""
    for key in DEFAULTS:
        monkeypatch.delenv(f"WORKSHOP_{key}", raising=False)
    return monkeypatch


def write_instance_config(data_dir: Path, text: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "config.py").write_text(text)


def test_defaults_apply_when_nothing_is_set(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    got = load({"DATA_DIR": str(tmp_path)})
    for key, value in DEFAULTS.items():
        if key not in ("DATA_DIR", "DATABASE_URL", "SECRET_KEY"):
            assert got[key] == value, key
    assert got["PORT"] == 5000 and got["SERVER_MODE"] == "eventlet"
    assert got["RETENTION_DAYS"] is None and got["MESSAGE_QUEUE"] is None
    # Nothing set: the database is a SQLite file and the secret key a file, both in DATA_DIR.
    assert got["DATABASE_URL"] == f"sqlite:///{tmp_path / 'workshop.sqlite3'}"
    assert got["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()


def test_the_defaults_are_not_changed_by_loading(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = dict(DEFAULTS)
    load({"DATA_DIR": str(tmp_path), "PORT": 1, "HOST": "127.0.0.1"})
    assert before == DEFAULTS


def test_each_layer_overrides_the_one_before(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_instance_config(tmp_path, "PORT = 6001\nHOST = '10.0.0.1'\nRATE_BURST = 30\n")
    clean_env.setenv("WORKSHOP_DATA_DIR", str(tmp_path))
    clean_env.setenv("WORKSHOP_HOST", "10.0.0.2")
    clean_env.setenv("WORKSHOP_RATE_BURST", "40")
    got = load({"RATE_BURST": 50})
    assert got["PORT"] == 6001  # instance/config.py over the default
    assert got["HOST"] == "10.0.0.2"  # the environment over instance/config.py
    assert got["RATE_BURST"] == 50  # overrides over the environment
    assert got["SERVER_MODE"] == "eventlet"  # untouched by any layer


def test_instance_config_is_read_from_the_data_dir_the_overrides_name(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    elsewhere, chosen = tmp_path / "env", tmp_path / "chosen"
    write_instance_config(elsewhere, "PORT = 1111\n")
    write_instance_config(chosen, "PORT = 2222\n")
    clean_env.setenv("WORKSHOP_DATA_DIR", str(elsewhere))
    assert load({"DATA_DIR": str(chosen)})["PORT"] == 2222
    assert load()["PORT"] == 1111


def test_instance_config_sets_only_known_settings_and_keeps_its_types(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_instance_config(
        tmp_path,
        "import math\nRETENTION_DAYS = 30\nBROADCAST_INTERVAL = 0.25\n"
        "CORS_ALLOWED_ORIGINS = ['https://a.org']\nNOT_A_SETTING = 1\nhelper = 'x'\n",
    )
    got = load({"DATA_DIR": str(tmp_path)})
    assert got["RETENTION_DAYS"] == 30
    assert got["BROADCAST_INTERVAL"] == 0.25
    assert got["CORS_ALLOWED_ORIGINS"] == ["https://a.org"]
    assert "NOT_A_SETTING" not in got and "helper" not in got and "math" not in got
    assert set(got) == set(DEFAULTS)


def test_no_instance_config_is_fine(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert load({"DATA_DIR": str(tmp_path / "fresh")})["PORT"] == 5000
    assert (tmp_path / "fresh").is_dir()  # made on first run


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("PORT", "8080", 8080),
        ("RETENTION_DAYS", "30", 30),
        ("MAX_CONTENT_LENGTH", "1024", 1024),
        ("BROADCAST_INTERVAL", "0", 0.0),
        ("RATE_PER_SECOND", "2.5", 2.5),
        ("RATE_FACILITATOR_PER_SECOND", "40", 40.0),
        ("HOST", "127.0.0.1", "127.0.0.1"),
        ("MESSAGE_QUEUE", "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("CORS_ALLOWED_ORIGINS", "*", "*"),
    ],
)
def test_environment_text_becomes_the_settings_type(
    clean_env: pytest.MonkeyPatch, tmp_path: Path, key: str, text: str, value: object
) -> None:
    clean_env.setenv(f"WORKSHOP_{key}", text)
    got = load({"DATA_DIR": str(tmp_path)})[key]
    assert got == value and type(got) is type(value)


def test_every_numeric_default_has_its_conversion() -> None:
    # A number added to DEFAULTS but not to a key set would arrive from the environment as text.
    for key, value in DEFAULTS.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            assert key in INTEGER_KEYS, key
        if isinstance(value, float):
            assert key in FLOAT_KEYS, key
    assert set(DEFAULTS) >= INTEGER_KEYS | FLOAT_KEYS
    assert not INTEGER_KEYS & FLOAT_KEYS


quick = settings(database=None, deadline=None, max_examples=100)


@quick
@given(st.sampled_from(sorted(INTEGER_KEYS)), st.integers(min_value=0, max_value=2**40))
def test_any_whole_number_written_in_the_environment_arrives_as_that_int(
    key: str, number: int
) -> None:
    converted = config._convert(key, str(number))
    assert converted == number and type(converted) is int


@quick
@given(st.sampled_from(sorted(FLOAT_KEYS)), st.floats(min_value=0, max_value=1e6))
def test_any_decimal_written_in_the_environment_arrives_as_that_float(
    key: str, number: float
) -> None:
    converted = config._convert(key, repr(number))
    assert converted == number and type(converted) is float


def test_an_empty_text_variable_clears_what_instance_config_set(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_instance_config(tmp_path, "MESSAGE_QUEUE = 'redis://x'\nPUBLIC_URL = 'https://a'\n")
    clean_env.setenv("WORKSHOP_MESSAGE_QUEUE", "")
    got = load({"DATA_DIR": str(tmp_path)})
    assert got["MESSAGE_QUEUE"] is None
    assert got["PUBLIC_URL"] == "https://a"


def test_the_database_and_secret_given_are_kept(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("WORKSHOP_SECRET_KEY", "from-the-environment")
    got = load({"DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://db/w"})
    assert got["DATABASE_URL"] == "postgresql://db/w"
    assert got["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()  # no file made when a key is given


def test_the_secret_key_is_made_once_and_readable_by_its_owner_only(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = load({"DATA_DIR": str(tmp_path)})["SECRET_KEY"]
    second = load({"DATA_DIR": str(tmp_path)})["SECRET_KEY"]
    assert first == second and len(first) == 64 and int(first, 16) >= 0
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert load({"DATA_DIR": str(tmp_path / "other")})["SECRET_KEY"] != first


@pytest.mark.parametrize(
    ("setting", "origins"),
    [
        (None, None),
        ("*", "*"),
        (["https://a.org"], ["https://a.org"]),
        ("https://a.org", ["https://a.org"]),
        (" https://a.org , https://b.org,,", ["https://a.org", "https://b.org"]),
        ("", []),
    ],
)
def test_allowed_origins(setting: str | list[str] | None, origins: object) -> None:
    assert allowed_origins(setting) == origins


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text"), [("PORT", "abc"), ("RATE_PER_SECOND", "fast"), ("RETENTION_DAYS", "30d")]
)
def test_a_malformed_number_is_refused_with_a_sentence_naming_the_variable(
    clean_env: pytest.MonkeyPatch, tmp_path: Path, key: str, text: str
) -> None:
    clean_env.setenv(f"WORKSHOP_{key}", text)
    with pytest.raises(ValueError, match=f"WORKSHOP_{key}") as caught:
        load({"DATA_DIR": str(tmp_path)})
    assert "number" in str(caught.value)


def test_a_malformed_number_is_refused_before_anything_is_written(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("WORKSHOP_PORT", "abc")
    with pytest.raises(ValueError):
        load({"DATA_DIR": str(tmp_path / "never")})
    assert not (tmp_path / "never").exists()


def test_a_negative_retention_is_refused(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("WORKSHOP_RETENTION_DAYS", "-1")
    with pytest.raises(ValueError, match="WORKSHOP_RETENTION_DAYS"):
        load({"DATA_DIR": str(tmp_path)})
