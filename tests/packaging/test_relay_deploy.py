"""The relay's deployment files: the container image, the systemd unit, the Caddyfile.

No container engine runs here, so the Dockerfile is checked for what matters (a pinned base,
a non-root user, a health check, a data volume, no secret inside); the unit is checked by
``systemd-analyze`` where it exists, and the relay is started exactly as the unit starts it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx
import pytest

from relay.cli import build_parser
from tests.packaging.deploy_files import RELAY, ROOT, dockerfile, unit, unit_environment

SECRET_WORDS = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL", re.I)
QT_ONLY = {"PySide6-Essentials", "PySide6-Addons", "qasync"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0]


def test_the_image_installs_the_projects_dependencies_without_qt() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = (RELAY / "requirements.txt").read_text().splitlines()
    listed = [line for line in lines if line and not line.startswith("#")]
    assert listed == [dep for dep in project if _name(dep) not in QT_ONLY]


def test_the_dockerfile_pins_its_base_runs_unprivileged_and_checks_health() -> None:
    steps = dockerfile()
    args = dict(arg.split("=", 1) for kind, arg in steps if kind == "ARG" and "=" in arg)
    base = args["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-[a-z]+", base), base  # no floating tag
    stages = [i for i, (kind, _) in enumerate(steps) if kind == "FROM"]
    assert all(steps[i][1].startswith("${PYTHON_IMAGE}") for i in stages)
    final = steps[stages[-1] :]
    users = [arg for kind, arg in final if kind == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert [arg for kind, arg in final if kind == "VOLUME"] == ['["/data"]']
    env = " ".join(arg for kind, arg in final if kind == "ENV")
    assert "STOREDESK_RELAY_HOME=/data" in env

    health = next(arg for kind, arg in final if kind == "HEALTHCHECK")
    command = json.loads(health.split("CMD", 1)[1])
    probe = re.search(r"http://127\.0\.0\.1:(\d+)/healthz", " ".join(command))
    assert probe is not None
    entry = json.loads(next(arg for kind, arg in final if kind == "ENTRYPOINT"))
    cmd = json.loads(next(arg for kind, arg in final if kind == "CMD"))
    assert entry == ["storedesk-relay"]
    served = build_parser().parse_args(cmd)  # the relay's own parser accepts the command
    assert served.command == "serve" and served.host == "0.0.0.0"
    assert str(served.port) == probe.group(1)
    assert ("EXPOSE", str(served.port)) in final


def test_the_image_holds_no_secret_and_copies_only_what_exists() -> None:
    for kind, arg in dockerfile():
        if kind in ("ENV", "ARG", "LABEL"):
            names = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", arg) or [arg.split("=")[0]]
            assert not [n for n in names if SECRET_WORDS.search(n)], arg
        if kind == "COPY" and "--from" not in arg:
            for source in arg.split()[:-1]:
                assert (ROOT / source).exists(), source
    ignored = (RELAY / "Dockerfile.dockerignore").read_text().split()
    assert {".git", ".venv", "build", "tests"} <= set(ignored)


def test_the_unit_is_hardened() -> None:
    service = unit()["Service"]
    one = {key: values[-1] for key, values in service.items()}
    assert one.get("DynamicUser") == "yes" or one.get("User") not in (None, "root")
    assert one["StateDirectory"] == "storedesk-relay" and one["StateDirectoryMode"] == "0700"
    expected = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "RestrictSUIDSGID": "yes",
        "CapabilityBoundingSet": "",
        "UMask": "0077",
    }
    assert {key: one.get(key) for key in expected} == expected
    env = unit_environment(service, Path("/var/lib"))
    assert env["STOREDESK_RELAY_HOME"] == "/var/lib/storedesk-relay"  # its StateDirectory
    assert not [key for key in env if SECRET_WORDS.search(key)]  # secrets: EnvironmentFile
    assert one["EnvironmentFile"].startswith("-/etc/")
    serve = shlex.split(one["ExecStart"])
    args = build_parser().parse_args(serve[1:])
    assert args.command == "serve" and args.host == "127.0.0.1"  # only Caddy reaches it
    assert build_parser().parse_args(shlex.split(one["ExecStartPre"])[1:]).command == "migrate"


def _unit_here(tmp_path: Path) -> Path:
    """The unit with its program path pointing at this checkout's relay."""
    text = (RELAY / "storedesk-relay.service").read_text()
    here = text.replace("/opt/storedesk-relay/bin/storedesk-relay", _relay_program())
    path = tmp_path / "storedesk-relay.service"
    path.write_text(here)
    return path


def _relay_program() -> str:
    return str(Path(sys.executable).with_name("storedesk-relay"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not here")
def test_systemd_accepts_the_unit_and_rates_it_well_protected(tmp_path: Path) -> None:
    path = _unit_here(tmp_path)
    verify = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True)
    assert verify.returncode == 0, verify.stderr.decode()
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(path)],
        capture_output=True,
        text=True,
    )
    level = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", security.stdout)
    assert level is not None, security.stdout[-400:] + security.stderr
    assert float(level.group(1)) <= 2.0, security.stdout  # systemd calls up to 2.0 "OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# the container image has no Qt: the relay must run with PySide6 and qasync unimportable
WITHOUT_QT = (
    "import sys; sys.modules.update({'PySide6': None, 'qasync': None}); "
    "from relay.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _as_the_unit_runs(line: str, port: int) -> list[str]:
    program, *args = shlex.split(line)
    assert Path(program).name == "storedesk-relay"
    if "--port" in args:
        args[args.index("--port") + 1] = str(port)
    return [sys.executable, "-c", WITHOUT_QT, *args]


def test_the_relay_serves_and_stops_as_the_unit_runs_it(tmp_path: Path) -> None:
    service = unit()["Service"]
    state = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOREDESK")}
    env.update(unit_environment(service, state))
    (state / service["StateDirectory"][-1]).mkdir(parents=True, mode=0o700)
    port = _free_port()
    pre = subprocess.run(
        _as_the_unit_runs(service["ExecStartPre"][-1], port),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pre.returncode == 0, pre.stderr
    command = _as_the_unit_runs(service["ExecStart"][-1], port)
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as relay:
        try:
            base = f"http://127.0.0.1:{port}"
            health = _wait_for(f"{base}/healthz", relay)
            assert health == {"status": "ok"}
            assert httpx.get(f"{base}/readyz").json()["status"] == "ready"
            forwarded = {"X-Forwarded-For": "203.0.113.9"}  # what Caddy adds
            assert httpx.get(f"{base}/healthz", headers=forwarded).status_code == 200
            relay.send_signal(signal.SIGTERM)
            code = relay.wait(timeout=float(service["TimeoutStopSec"][-1]))
        finally:
            if relay.poll() is None:
                relay.kill()
        log = relay.stderr.read() if relay.stderr else ""
    assert code == 0, log
    assert "Relay stopped" in log
    home = Path(env["STOREDESK_RELAY_HOME"])
    assert (home / "relay.sqlite").is_file()
    key = home / "relay.key"
    assert key.is_file() and key.stat().st_mode & 0o077 == 0


def _wait_for(url: str, process: subprocess.Popen[str]) -> object:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the relay stopped at start"
        try:
            return httpx.get(url, timeout=2).json()
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def test_caddy_proxies_to_where_the_unit_listens() -> None:
    text = (RELAY / "Caddyfile").read_text()
    serve = build_parser().parse_args(shlex.split(unit()["Service"]["ExecStart"][-1])[1:])
    assert f"reverse_proxy {serve.host}:{serve.port} {{" in text
    assert "flush_interval -1" in text  # live streams are not buffered
    assert "respond @metrics 404" in text


@pytest.mark.skipif(shutil.which("caddy") is None, reason="Caddy is not installed here")
def test_caddy_reads_the_caddyfile(tmp_path: Path) -> None:
    done = subprocess.run(
        ["caddy", "adapt", "--adapter", "caddyfile", "--config", str(RELAY / "Caddyfile")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    config = json.loads(done.stdout)
    server = next(iter(config["apps"]["http"]["servers"].values()))
    assert server["listen"] == [":443"]
    routes = json.dumps(server["routes"])
    assert '"dial": "127.0.0.1:8080"' in routes and '"flush_interval": -1' in routes
    assert "relay.example.com" in routes
