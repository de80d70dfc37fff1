"""The deployment files (docker-compose.yml, .env.example, Dockerfile) and how the settings
behave in production: refusing to start without secrets and passing `check --deploy`.

No Docker engine runs here, so the container files are checked as configuration.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
SETTINGS_FILE = REPO_ROOT / "config" / "settings.py"

KITH_SERVICES = ("web", "worker", "beat")


def settings_env_variables() -> set[str]:
    """The names config/settings.py reads through env_str/env_bool/env_int/env_list."""
    names = set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]*)"', SETTINGS_FILE.read_text()))
    assert names, "found no env_*() calls in config/settings.py: has the helper changed?"
    return names


def env_example_variables() -> set[str]:
    """Names .env.example sets or documents (commented-out `# NAME=...` lines count)."""
    return set(re.findall(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def env_example_values() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            values[match.group(1)] = match.group(2).strip()
    return values


def strings_in(node) -> list[str]:
    """Every string value in a parsed YAML document."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for value in node.values() for text in strings_in(value)]
    if isinstance(node, list):
        return [text for item in node for text in strings_in(item)]
    return []


def compose_variable_references(compose: dict) -> list[tuple[str, str]]:
    """(name, operator) for each ${NAME...} or $NAME that Compose interpolates.

    `$$` is Compose's escape for a literal `$` (left for the container's shell)."""
    references = []
    pattern = re.compile(
        r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
    )
    for text in strings_in(compose):
        for match in pattern.finditer(text.replace("$$", "")):
            references.append((match.group(1) or match.group(3), match.group(2) or ""))
    return references


def command_text(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def mounts(service: dict) -> dict[str, str]:
    """Container path -> source for a service's short-syntax volumes."""
    result = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        result[target] = source
    return result


def clean_environment(**overrides: str) -> dict[str, str]:
    """This process's environment (PATH and friends) without anything Kith's settings or
    Django read: the test settings and browser tests put some of those in os.environ."""
    kith_names = settings_env_variables() | {"DATABASE_URL"}
    dropped = kith_names | {f"{name}_FILE" for name in kith_names}
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in dropped and not name.startswith("DJANGO_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return env


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


# docker-compose.yml


def test_compose_defines_database_broker_web_worker_and_beat(services):
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    assert services["postgres"]["image"].startswith("postgres:17")
    assert services["redis"]["image"].startswith("redis:7")


def test_web_worker_and_beat_run_the_same_image_built_from_this_repository(services):
    for name in KITH_SERVICES:
        assert services[name]["build"] == services["web"]["build"], name
        assert services[name].get("image") == services["web"].get("image"), name


def test_web_migrates_collects_static_then_serves_with_gunicorn(services):
    command = command_text(services["web"])
    migrate = command.index("manage.py migrate --noinput")
    collectstatic = command.index("manage.py collectstatic --noinput")
    gunicorn = command.index("gunicorn config.wsgi:application")
    assert migrate < collectstatic < gunicorn
    assert "--bind 0.0.0.0:8000" in command
    assert any(str(port).endswith("8000") for port in services["web"]["ports"])


def test_worker_runs_a_celery_worker_for_the_config_app(services):
    assert "celery -A config worker" in command_text(services["worker"])


def test_beat_runs_celery_beat_for_the_config_app(services):
    assert "celery -A config beat" in command_text(services["beat"])


def test_database_broker_and_web_have_health_checks(services):
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])
    web_check = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in web_check
    assert "curl" not in web_check, "the slim image has no curl"


def test_kith_services_wait_for_a_healthy_database_and_broker(services):
    for name in KITH_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


def test_web_and_worker_get_the_database_and_broker_urls(services):
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://kith:"), name
        assert environment["DATABASE_URL"].endswith("@postgres:5432/kith"), name
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0", name


def test_default_allowed_hosts_let_the_health_check_in(services):
    allowed_hosts = services["web"]["environment"]["ALLOWED_HOSTS"]
    default = re.fullmatch(r"\$\{ALLOWED_HOSTS:-([^}]*)\}", allowed_hosts).group(1)
    assert {"localhost", "127.0.0.1"} <= set(default.split(","))


def test_postgres_data_and_media_live_on_named_volumes(compose, services):
    declared = set(compose["volumes"])
    postgres_source = mounts(services["postgres"])["/var/lib/postgresql/data"]
    assert postgres_source in declared
    media_root = services["web"]["environment"]["MEDIA_ROOT"]
    for name in ("web", "worker"):
        assert mounts(services[name])[media_root] == "media", name
    assert "media" in declared


def test_every_service_restarts_unless_stopped(services):
    for name, service in services.items():
        assert service.get("restart") == "unless-stopped", name


def test_secrets_are_required_from_env_file_not_defaulted(compose, services):
    operators = dict(compose_variable_references(compose))
    assert operators["SECRET_KEY"] == ":?"
    assert operators["POSTGRES_PASSWORD"] == ":?"
    for name in KITH_SERVICES:
        assert services[name]["env_file"] == ".env", name


def test_compose_variables_are_documented_in_env_example_or_defaulted(compose):
    references = compose_variable_references(compose)
    assert references, "docker-compose.yml interpolates nothing: is the parser broken?"
    documented = env_example_variables()
    undocumented = {
        name
        for name, operator in references
        if operator not in {"-", ":-"} and name not in documented
    }
    assert not undocumented


# .env.example


def test_env_example_mentions_every_variable_settings_read():
    missing = settings_env_variables() - env_example_variables()
    assert not missing


def test_env_example_ships_no_usable_secret_and_debug_off():
    values = env_example_values()
    assert values["SECRET_KEY"] == ""
    assert values["POSTGRES_PASSWORD"] == ""
    assert values["DEBUG"] == "0"


# Dockerfile


def test_image_installs_runtime_dependencies_only_and_runs_gunicorn_as_non_root():
    dockerfile = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.13-slim\b", dockerfile, re.MULTILINE)
    assert re.search(r"pip install \.(\s|$)", dockerfile)
    assert "[dev]" not in dockerfile
    assert "DJANGO_SETTINGS_MODULE=config.settings" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    user = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)[-1]
    assert user.split(":")[0] not in {"root", "0"}
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.MULTILINE)
    cmd = re.findall(r"^CMD .*$", dockerfile, re.MULTILINE)[-1]
    assert "gunicorn config.wsgi:application --bind 0.0.0.0:8000" in cmd


def test_build_context_leaves_out_local_environments_and_secrets():
    ignored = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()}
    assert {".venv", "var", ".git", "__pycache__", "staticfiles", ".env"} <= ignored


# Production start-up


def test_start_up_without_secret_key_stops_with_a_clear_message():
    result = run_python(
        "-c", "import django; django.setup()", env=clean_environment(DEBUG="0", ALLOWED_HOSTS="x")
    )
    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "SECRET_KEY" in error


def test_start_up_without_allowed_hosts_stops_with_a_clear_message():
    result = run_python(
        "-c",
        "import django; django.setup()",
        env=clean_environment(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50)),
    )
    assert result.returncode != 0
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "ALLOWED_HOSTS" in error


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    env = clean_environment(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="kith.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'kith.sqlite3'}",
    )
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# Celery


def test_celery_app_runs_tasks_eagerly_when_no_broker_is_configured():
    from config import celery_app

    assert celery_app.main == "kith"
    assert celery_app.conf.task_always_eager == (not settings.CELERY_BROKER_URL)
    assert celery_app.conf.task_eager_propagates is True


def test_celery_app_queues_tasks_on_the_configured_broker():
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings_test", CELERY_BROKER_URL="redis://redis:6379/0"
    )
    code = (
        "import django; django.setup(); from config import celery_app; "
        "print(celery_app.conf.broker_url, celery_app.conf.task_always_eager)"
    )
    result = run_python("-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://redis:6379/0", "False"]


def test_nothing_in_the_repository_reads_files_beside_it():
    """A person who clones Kith has only the repository: tests, scripts and defaults read nothing
    from a folder next to it (test data lives in tests/fixtures/)."""
    outside = re.compile(r"\.\./" + "shared|" + r"\.parent\s*/\s*[\"']" + "shared")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    readers = [
        name
        for name in tracked
        if (REPO_ROOT / name).suffix in {".py", ".toml", ".cfg", ".ini", ".sh", ".yml", ""}
        and (REPO_ROOT / name).is_file()
        and outside.search((REPO_ROOT / name).read_text(errors="ignore"))
    ]
    assert readers == []
