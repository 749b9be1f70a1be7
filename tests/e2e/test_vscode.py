"""A real VS Code: code-server with the built .vsix installed, driven by Playwright in Debian's
chromium. scripts/install-code-server.sh installs code-server once into a cache; the .vsix is
built by scripts/test.sh before pytest runs. Screenshots land in test-artifacts/vscode/."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
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


def test_vscode_shows_diagnostics_and_applies_fixes(tmp_path: Path) -> None:
    vsix = _vsix()
    install = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install-code-server.sh")],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]
    code_server = (
        Path(install.stdout.strip().splitlines()[-1]) / "node_modules" / ".bin" / "code-server"
    )

    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "serial.py").write_text(SERIAL)
    (workspace / "args.py").write_text(ARGS)
    (workspace / "on_save.py").write_text(ON_SAVE)
    extensions, user_data = tmp_path / "extensions", tmp_path / "user-data"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(
        json.dumps(
            {
                "security.workspace.trust.enabled": False,
                "workbench.startupEditor": "none",
                "workbench.tips.enabled": False,
                "extensions.ignoreRecommendations": True,
                "update.mode": "none",
                "telemetry.telemetryLevel": "off",
                "git.enabled": False,
                "files.autoSave": "off",
                "parlint.interpreter": [sys.executable],
                "[python]": {"editor.codeActionsOnSave": {"source.fixAll.parlint": "explicit"}},
            }
        )
    )
    common = ["--extensions-dir", str(extensions), "--user-data-dir", str(user_data)]
    installed = subprocess.run(
        [str(code_server), *common, "--install-extension", str(vsix)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr

    port = _free_port()
    log = (tmp_path / "code-server.log").open("w")
    server = subprocess.Popen(
        [str(code_server), "--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
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
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driven = subprocess.run(
            ["node", "e2e/drive.mjs", f"http://127.0.0.1:{port}/?folder={workspace}",
             str(workspace), str(ARTIFACTS)],
            cwd=EXTENSION, capture_output=True, text=True, timeout=600,
            env=dict(os.environ),
        )  # fmt: skip
        assert driven.returncode == 0, (
            driven.stdout + driven.stderr + (tmp_path / "code-server.log").read_text()[-3000:]
        )
        assert "E2E OK" in driven.stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    assert "threads.append(t)" in (workspace / "serial.py").read_text()
    assert 'args=("a",)' in (workspace / "args.py").read_text()
    assert 'args=("saved",)' in (workspace / "on_save.py").read_text()
