import pytest

from config import env


def test_booleans_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env.boolean("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(env.EnvError, match="X_FLAG"):
        env.boolean("X_FLAG", False)


def test_integers_check_their_range(monkeypatch):
    monkeypatch.setenv("X_NUM", "5")
    assert env.integer("X_NUM", 1, minimum=1) == 5
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(env.EnvError, match="minimum"):
        env.integer("X_NUM", 1, minimum=1)
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(env.EnvError, match="not an integer"):
        env.integer("X_NUM", 1)


def test_required_value_without_default_stops_start_up(monkeypatch):
    monkeypatch.delenv("X_SECRET", raising=False)
    with pytest.raises(env.EnvError, match="X_SECRET is required"):
        env.string("X_SECRET")


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env.string("X_SECRET") == "s3cret"
    monkeypatch.setenv("X_SECRET", "other")
    with pytest.raises(env.EnvError, match="not both"):
        env.string("X_SECRET")


def test_lists_refuse_empty_items(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example")
    assert env.string_list("X_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_HOSTS", "a.example,,b")
    with pytest.raises(env.EnvError):
        env.string_list("X_HOSTS", [])


def _load_settings(tmp_path, monkeypatch, **environment):
    """Import config/settings.py afresh under a given environment (no .env file)."""
    import importlib.util
    from pathlib import Path

    for key in ("DEBUG", "SECRET_KEY", "PII_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("GRASSROOTS_ENV_FILE", str(tmp_path / "absent.env"))
    monkeypatch.setenv("GRASSROOTS_VAR_DIR", str(tmp_path / "var"))
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    path = Path(__file__).resolve().parents[3] / "config" / "settings.py"
    spec = importlib.util.spec_from_file_location("settings_under_test", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_production_needs_its_own_secrets(tmp_path, monkeypatch):
    with pytest.raises(env.EnvError, match="SECRET_KEY"):
        _load_settings(tmp_path, monkeypatch, DEBUG="0")
    with pytest.raises(env.EnvError, match="development"):
        _load_settings(
            tmp_path,
            monkeypatch,
            DEBUG="0",
            SECRET_KEY="dev-only-insecure-secret-key-do-not-use-in-production",
            PII_KEY="ZGV2LW9ubHktcGlpLWtleS0zMi1ieXRlcy1sb25nISE=",
            ALLOWED_HOSTS="x.example",
        )
    with pytest.raises(env.EnvError, match="ALLOWED_HOSTS"):
        _load_settings(tmp_path, monkeypatch, DEBUG="0", SECRET_KEY="k" * 50, PII_KEY="a" * 44)


def test_database_url_selects_postgresql_and_sqlite_gets_wal_and_immediate(tmp_path, monkeypatch):
    module = _load_settings(
        tmp_path, monkeypatch, DEBUG="1", DATABASE_URL="postgres://u:p@db.example:5432/gr"
    )
    assert module.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert module.DATABASES["default"]["HOST"] == "db.example"
    module = _load_settings(tmp_path, monkeypatch, DEBUG="1")
    options = module.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "synchronous=FULL" in options["init_command"]
    with pytest.raises(env.EnvError, match="DATABASE_URL"):
        _load_settings(tmp_path, monkeypatch, DEBUG="1", DATABASE_URL="mysql://u@h/db")
