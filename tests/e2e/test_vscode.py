"""A real VS Code: code-server with the built .vsix installed, driven by Playwright in Debian's
chromium. scripts/install-code-server.sh installs code-server once into a cache; the .vsix is
built by scripts/test.sh before pytest runs. Screenshots land in test-artifacts/vscode/."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "vscode-extension"
ARTIFACTS = ROOT / "test-artifacts" / "vscode"

SERIAL = """import threading


def main(urls):
    for url in urls:
        t = threading.Thread(target=print, args=(url,))
        t.start()
        t.join()
"""
ARGS = """import threading

a = threading.Thread(target=print, args=("a"))
b = threading.Thread(target=print, args=("b"))
for t in (a, b):
    t.start()
for t in (a, b):
    t.join()
"""
NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Threads in a notebook"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["import threading"],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": [
                't = threading.Thread(target=print, args=("cell"))\n',
                "t.start()\n",
                "t.join()",
            ],
        },
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}
ON_SAVE = (
    'import threading\n\nt = threading.Thread(target=print, args=("saved"))\nt.start()\nt.join()\n'
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _vsix() -> Path:
    version = json.loads((EXTENSION / "package.json").read_text())["version"]
    vsix = EXTENSION / f"parlint-{version}.vsix"
    assert vsix.exists(), f"{vsix} is missing: scripts/test.sh builds it (npm run package)"
    return vsix


@contextlib.contextmanager
def code_server(tmp_path: Path, settings: dict[str, object]) -> Iterator[tuple[str, Path]]:
    """A code-server with the built .vsix and `settings`, on a workspace of three files and a
    notebook."""
    vsix = _vsix()
    install = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install-code-server.sh")],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]
    binary = Path(install.stdout.strip().splitlines()[-1]) / "node_modules" / ".bin" / "code-server"
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "serial.py").write_text(SERIAL)
    (workspace / "args.py").write_text(ARGS)
    (workspace / "on_save.py").write_text(ON_SAVE)
    (workspace / "demo.ipynb").write_text(json.dumps(NOTEBOOK, indent=1))
    (workspace / "closed.py").write_text(ON_SAVE.replace("saved", "closed"))
    extensions, user_data = tmp_path / "extensions", tmp_path / "user-data"
    (user_data / "User").mkdir(parents=True)
    quiet = {
        "security.workspace.trust.enabled": False,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "extensions.ignoreRecommendations": True,
        "update.mode": "none",
        "telemetry.telemetryLevel": "off",
        "git.enabled": False,
        "files.autoSave": "off",
    }
    (user_data / "User" / "settings.json").write_text(json.dumps({**quiet, **settings}))
    common = ["--extensions-dir", str(extensions), "--user-data-dir", str(user_data)]
    installed = subprocess.run(
        [str(binary), *common, "--install-extension", str(vsix)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    port = _free_port()
    log_path = tmp_path / "code-server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(binary), "--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
             "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
             *common, str(workspace)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except OSError:
                    assert time.monotonic() < deadline, "code-server did not start"
                    time.sleep(0.5)
            yield f"http://127.0.0.1:{port}/?folder={workspace}", workspace
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


def _node(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", *args], cwd=EXTENSION, capture_output=True, text=True, timeout=600
    )


def test_vscode_shows_diagnostics_and_applies_fixes(tmp_path: Path) -> None:
    settings = {
        "parlint.interpreter": [sys.executable],
        "[python]": {"editor.codeActionsOnSave": {"source.fixAll.parlint": "explicit"}},
    }
    with code_server(tmp_path, settings) as (url, workspace):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driven = _node("e2e/drive.mjs", url, str(workspace), str(ARTIFACTS))
        assert driven.returncode == 0, driven.stdout + driven.stderr
        assert "E2E OK" in driven.stdout
    assert "threads.append(t)" in (workspace / "serial.py").read_text()
    assert 'args=("a",)' in (workspace / "args.py").read_text()
    assert 'args=("saved",)' in (workspace / "on_save.py").read_text()


DEBIAN_PYTHON = (
    "/usr/bin/python3"  # Debian's own Python: no parlint, no way to import this checkout
)


def test_the_bundled_parlint_works_with_nothing_installed(tmp_path: Path) -> None:
    assert Path(DEBIAN_PYTHON).exists(), f"the test needs a Python without parlint: {DEBIAN_PYTHON}"
    probe = subprocess.run([DEBIAN_PYTHON, "-c", "import parlint"], capture_output=True)
    assert probe.returncode != 0, "parlint must not be importable there"
    with code_server(tmp_path, {"parlint.interpreter": [DEBIAN_PYTHON]}) as (url, _workspace):
        driven = _node("e2e/bundled.mjs", url, str(ARTIFACTS))
    assert driven.returncode == 0, driven.stdout + driven.stderr
    outcome = json.loads(driven.stdout.strip().splitlines()[-1])
    assert not any("not installed" in toast for toast in outcome["toasts"]), outcome
    assert outcome["unknown"] == 0  # every setting the server reads is declared


def test_from_environment_explains_what_is_missing_once(tmp_path: Path) -> None:
    settings = {"parlint.interpreter": [DEBIAN_PYTHON], "parlint.importStrategy": "fromEnvironment"}
    with code_server(tmp_path, settings) as (url, _workspace):
        driven = _node("e2e/missing.mjs", url, str(ARTIFACTS))
    assert driven.returncode == 0, driven.stdout + driven.stderr
    outcome = json.loads(driven.stdout.strip().splitlines()[-1])
    assert outcome["count"] == 1, "one notification, no restart loop"
    assert f"not installed for the interpreter {DEBIAN_PYTHON}" in outcome["text"]
    assert outcome["hasButton"]


def test_the_vsix_holds_its_images_and_what_the_extensions_page_shows() -> None:
    with zipfile.ZipFile(_vsix()) as vsix:
        names = set(vsix.namelist())
        manifest = json.loads(vsix.read("extension/package.json"))
        readme = vsix.read("extension/readme.md").decode()
    # The README's image is packaged and referenced relatively (vsce would otherwise point
    # it at a repository URL that does not hold it).
    assert "](images/quickfix.png)" in readme
    assert {"extension/images/quickfix.png", "extension/images/icon.png"} <= names
    assert manifest["icon"] == "images/icon.png" and manifest["galleryBanner"]["color"]
    assert manifest["homepage"] and manifest["bugs"]["url"]
    assert manifest["capabilities"]["untrustedWorkspaces"]["supported"] == "limited"
    assert manifest["capabilities"]["virtualWorkspaces"]["supported"] is False
    assert not any("**" in event for event in manifest["activationEvents"])
    assert "workspaceContains:*.ipynb" in manifest["activationEvents"]
    # parlint and its libraries, and libcst built for each supported CPython.
    assert "extension/bundled/libs/parlint/server/app.py" in names
    for minor in (10, 11, 12, 13):
        assert any(
            n.startswith(f"extension/bundled/native/cp3{minor}/libcst/native.") for n in names
        )
