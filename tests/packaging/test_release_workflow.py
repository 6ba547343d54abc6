"""The release workflow and the Windows installer script, checked without their runners:
the workflow's structure as GitHub Actions reads it, every shell step's syntax, the files it
uses, and the Inno Setup script's sections and paths."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from tests.packaging.deploy_files import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
ISS = ROOT / "packaging" / "windows" / "storedesk.iss"
CONTEXTS = {"github", "matrix", "runner", "secrets", "env", "steps", "needs", "inputs", "vars"}
RUNNER_OS = {"Linux", "Windows", "macOS"}


def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(loaded, dict)
    return loaded


def steps() -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow()["jobs"].items() for step in job["steps"]]


def test_a_version_tag_builds_on_linux_windows_and_macos() -> None:
    flow = workflow()
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["tags"] == ["v*"]
    assert flow["permissions"] == {"contents": "read"}  # jobs ask for more only where needed
    desktop = flow["jobs"]["desktop"]
    systems = [entry["os"] for entry in desktop["strategy"]["matrix"]["include"]]
    assert sorted(re.sub(r"-.*", "", os) for os in systems) == ["macos", "ubuntu", "windows"]
    assert desktop["runs-on"] == "${{ matrix.os }}"
    runs = " ".join(str(step.get("run", "")) for step in desktop["steps"])
    assert "python packaging/build.py" in runs  # the one spec, built and smoke-tested
    assert "storedesk.iss" in runs and "hdiutil create" in runs
    assert set(flow["jobs"]["release"]["needs"]) == {"desktop", "relay-image"}


def test_every_step_is_well_formed_and_every_action_pinned() -> None:
    jobs = workflow()["jobs"]
    for job in jobs.values():
        assert "runs-on" in job and job["steps"]
        assert set(job.get("needs", [])) <= set(jobs)
    for job_name, step in steps():
        assert ("uses" in step) != ("run" in step), (job_name, step)
        if "uses" in step:
            action, _, ref = step["uses"].partition("@")
            assert re.fullmatch(r"[\w-]+/[\w-]+", action), step["uses"]
            assert re.fullmatch(r"v\d+|[0-9a-f]{40}", ref), step["uses"]  # no @main
        condition = step.get("if", "")
        for name in re.findall(r"runner\.os == '(\w+)'", condition):
            assert name in RUNNER_OS, condition
        assert step.get("shell", "bash") in ("bash", "pwsh", "sh")


def test_expressions_name_known_contexts_and_matrix_keys() -> None:
    text = WORKFLOW.read_text()
    desktop = workflow()["jobs"]["desktop"]
    keys = {key for entry in desktop["strategy"]["matrix"]["include"] for key in entry}
    expressions = re.findall(r"\$\{\{(.*?)\}\}", text)
    assert expressions
    for expression in expressions:
        for context, field in re.findall(r"\b([a-z]+)\.([\w-]+)", expression):
            assert context in CONTEXTS, expression
            if context == "matrix":
                assert field in keys, expression


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_every_bash_step_is_valid_bash() -> None:
    for job_name, step in steps():
        if "run" in step and step.get("shell", "bash") == "bash":
            done = subprocess.run(["bash", "-n"], input=step["run"], capture_output=True, text=True)
            assert done.returncode == 0, (job_name, step.get("name"), done.stderr)


def test_the_files_the_workflow_uses_exist() -> None:
    text = WORKFLOW.read_text()
    for path in re.findall(r"packaging[/\\][\w/\\.-]+\.(?:py|iss|spec)|packaging/relay/\w+", text):
        assert (ROOT / path.replace("\\", "/")).is_file(), path


def test_the_inno_setup_script_installs_the_bundle_under_its_version() -> None:
    text = ISS.read_text()
    sections = re.findall(r"^\[(\w+)\]", text, re.M)
    assert sections == ["Setup", "Languages", "Tasks", "Files", "Icons", "Run"]
    setup = dict(
        line.split("=", 1)
        for line in text.split("[Setup]")[1].split("\n[")[0].splitlines()
        if "=" in line and not line.startswith(";")
    )
    assert setup["AppVersion"] == "{#AppVersion}" and "{#AppVersion}" in setup["OutputBaseFilename"]
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["PrivilegesRequired"] == "lowest"  # installs without an administrator
    here = ISS.parent
    icon = (here / setup["SetupIconFile"].replace("\\", "/")).resolve()
    assert icon == ROOT / "build" / "icons" / "storedesk.ico"  # written by packaging/build.py
    source = re.search(r'#define SourceDir "([^"]+)"', text)
    assert source is not None
    bundle = (here / source.group(1).replace("\\", "/")).resolve()
    assert bundle == ROOT / "build" / "dist" / "storedesk"  # where packaging/build.py puts it
    assert 'Source: "{#SourceDir}\\*"' in text and "recursesubdirs" in text
    assert 'Filename: "{app}\\storedesk.exe"' in text
    spec = (ROOT / "packaging" / "storedesk.spec").read_text()
    assert 'name="storedesk"' in spec and '"storedesk-relay"' in spec


def test_the_package_and_the_programs_share_one_version() -> None:
    """The tag check, the installers and `--version` read core.__version__; pip reads
    pyproject.toml: the two must agree."""
    import tomllib

    from core import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == __version__
