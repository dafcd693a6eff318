"""Configuration is by environment only, every variable is documented, and the
production settings pass Django's deployment checklist."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DIR = ROOT / "src" / "barometre" / "settings"
READERS = {"env_str", "env_bool", "env_int", "env_list", "getenv", "get"}


def variables_read_by_settings() -> set[str]:
    names = set()
    for path in SETTINGS_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            is_name = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if name in READERS and is_name and first.value.isupper():
                names.add(first.value)
    return names


def test_settings_read_some_variables():
    assert {"DATABASE_URL", "BAROMETRE_SECRET_KEY", "BAROMETRE_DEBUG"} <= (
        variables_read_by_settings()
    )


def test_every_variable_is_documented_with_a_default():
    doc = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|[^|]+\|([^|]+)\|", doc, re.M))
    documented_names = {name for name, _ in documented}
    missing = variables_read_by_settings() - documented_names
    assert not missing, f"Variables non documentées dans docs/configuration.md : {missing}"
    assert all(default.strip() for _, default in documented)


def _check_deploy(tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        "BAROMETRE_SECRET_KEY": "k3y-" + "x9Q!vZ2#mR7$pL4&" * 4,
        "BAROMETRE_ALLOWED_HOSTS": "barometre.example.fr",
        "BAROMETRE_EMAIL_HOST": "smtp.example.fr",
        "BAROMETRE_SITE_URL": "https://barometre.example.fr",
        "BAROMETRE_DATA_DIR": str(tmp_path),
        **variables,
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    behind = {"BAROMETRE_BEHIND_PROXY": "true", "BAROMETRE_PROXY_COUNT": "1"}
    assert _check_deploy(tmp_path, **behind).returncode == 0


def test_check_deploy_warns_behind_a_proxy_counted_as_none(tmp_path):
    # Every client would have the proxy's address: one lockout for all.
    result = _check_deploy(tmp_path, BAROMETRE_BEHIND_PROXY="true")
    assert result.returncode != 0
    assert "(barometre.W001) BAROMETRE_BEHIND_PROXY est activé mais BAROMETRE_PROXY_COUNT" in (
        result.stderr
    )


def _documented_environment(tmp_path) -> dict[str, str]:
    """deploy/barometre.env.example, the production environment docs/deployment.md gives."""
    lines = (ROOT / "deploy" / "barometre.env.example").read_text().splitlines()
    pairs = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    pairs["BAROMETRE_SECRET_KEY"] = "k3y-" + "x9Q!vZ2#mR7$pL4&" * 4
    pairs["BAROMETRE_DATA_DIR"] = str(tmp_path)
    return pairs


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    result = _check_deploy(tmp_path, **_documented_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


DANGEROUS = [
    ({"DATABASE_URL": "sqlite:///x.sqlite3"}, "W002", "la base est un fichier SQLite"),
    (
        {"BAROMETRE_STORAGE_BACKEND": "barometre.core.disk.LocalStorage"},
        "W003",
        "une pièce déposée sur une machine manquerait aux autres",
    ),
    (
        {"BAROMETRE_TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
        "W004",
        "exécutées pendant la requête web",
    ),
    ({"BAROMETRE_EMAIL_HOST": ""}, "W005", "écrits dans le journal au lieu d'être envoyés"),
    ({"BAROMETRE_SITE_URL": "http://localhost:8000"}, "W006", "les QR codes, affiches"),
    ({"BAROMETRE_PUBLIC_MAX_AGE": "600"}, "W007", "jusqu'à 600 s après une publication"),
]


@pytest.mark.parametrize(("change", "check", "says"), DANGEROUS)
def test_check_deploy_warns_on_each_dangerous_combination(tmp_path, change, check, says):
    result = _check_deploy(tmp_path, **(_documented_environment(tmp_path) | change))
    assert result.returncode != 0
    warned = re.findall(r"\(barometre\.(W\d+)\)", result.stderr)
    assert warned == [check], result.stderr
    assert says in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        "BAROMETRE_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "BAROMETRE_SECRET_KEY est obligatoire" in result.stderr


def test_tests_run_on_the_database_named_by_database_url():
    url = os.environ.get("DATABASE_URL", "")
    engine = settings.DATABASES["default"]["ENGINE"]
    if url.startswith("postgres"):
        assert engine == "django.db.backends.postgresql"
    else:
        assert engine == "django.db.backends.sqlite3"


def test_file_storage_is_chosen_by_configuration(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        "BAROMETRE_DEBUG": "true",
        "BAROMETRE_DATA_DIR": str(tmp_path),
        "BAROMETRE_STORAGE_BACKEND": "django.core.files.storage.InMemoryStorage",
        "BAROMETRE_STORAGE_OPTIONS": '{"base_url": "/fichiers/"}',
    }
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.base_url)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["InMemoryStorage", "/fichiers/"], result.stderr
    env["BAROMETRE_STORAGE_OPTIONS"] = "{pas du json"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert "BAROMETRE_STORAGE_OPTIONS n'est pas du JSON valide" in result.stderr


def _database_options(**variables) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        "BAROMETRE_DEBUG": "true",
        **variables,
    }
    code = "from barometre.settings import main; print(main.DATABASES['default'].get('OPTIONS'))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT / "src",
    )
    return result.stdout.strip()


def test_postgresql_prepares_repeated_queries_unless_told_not_to():
    url = "postgres://barometre@db.example.fr:5432/barometre"
    assert _database_options(DATABASE_URL=url) == (
        "{'server_side_binding': True, 'prepare_threshold': 5}"
    )
    assert _database_options(DATABASE_URL=url, BAROMETRE_DB_SERVER_BINDING="false") in (
        "None",
        "{}",
    )
    assert "server_side_binding" not in _database_options(DATABASE_URL="sqlite:////tmp/x.db")


def test_the_live_postgresql_connection_binds_on_the_server(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        assert "server_side_binding" not in settings.DATABASES["default"].get("OPTIONS", {})
        return
    connection.ensure_connection()
    assert type(connection.connection).__name__ == "Connection"
    assert connection.connection.cursor_factory.__name__ == "ServerBindingCursor"
    assert connection.connection.prepare_threshold == 5


def test_the_wsgi_application_loads_its_views_and_freezes_them_out_of_the_collector():
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
    env |= {"DJANGO_SETTINGS_MODULE": "barometre.settings.main", "BAROMETRE_DEBUG": "true"}
    code = (
        "import gc, sys; import barometre.wsgi; "
        "print(gc.get_freeze_count(), 'barometre.results.views' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT / "src",
    )
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000 and views_loaded == "True"


def _run_without_configuration(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=tmp_path, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["-m", "barometre.cli", "demo", "--help"], "usage: barometre demo"),
        (["-m", "barometre.cli", "import-structures", "-h"], "usage: barometre import_structures"),
        ([str(ROOT / "manage.py"), "migrate", "--help"], "usage: barometre migrate"),
    ],
)
def test_help_needs_no_configuration(tmp_path, args, usage):
    result = _run_without_configuration(tmp_path, *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(usage)
    assert result.stderr == ""


def test_a_missing_setting_is_one_french_line_not_a_traceback(tmp_path):
    for args in (["-m", "barometre.cli", "migrate"], [str(ROOT / "manage.py"), "check"]):
        result = _run_without_configuration(tmp_path, *args)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            "barometre : configuration incomplète : BAROMETRE_SECRET_KEY est obligatoire hors "
            "mode debug (BAROMETRE_DEBUG=true)."
        ]
