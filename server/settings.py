"""The editor's settings for parlint, and how they combine with `pyproject.toml`.

`configurationPreference` works as in ruff's server: `editorFirst` (editor settings override
the configuration file), `filesystemFirst` (a configuration file, when there is one, wins),
`editorOnly` (configuration files are ignored).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from parlint.config import ConfigError, ConfigResolver, Overrides, Settings

log = logging.getLogger("parlint.server")

PREFERENCES = ("editorFirst", "filesystemFirst", "editorOnly")
LINT_ON = ("type", "save")
NOTIFICATIONS = ("off", "onError", "onWarning", "always")
SEVERITIES = ("error", "warning", "information", "hint")
# Longer than any editor's idea of "as you type": a larger value is a mistake (10**12 would
# mean the file is never linted).
MAX_DEBOUNCE_MS = 10_000
_CODE = re.compile(r"^[A-Z]+[0-9]+$")


@dataclass(frozen=True)
class EditorSettings:
    enable: bool = True
    select: Optional[tuple[str, ...]] = None
    extend_select: Optional[tuple[str, ...]] = None
    ignore: Optional[tuple[str, ...]] = None
    unsafe_fixes: bool = False
    lint_on: str = "type"
    configuration_preference: str = "editorFirst"
    debounce_ms: int = 100
    # Which messages are also shown as notifications (every one is logged).
    show_notifications: str = "onWarning"
    # code -> "error" | "warning" | "information" | "hint"
    severity: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_client(cls, raw: Any, problems: Optional[list[str]] = None) -> EditorSettings:
        """Read the client's settings object (camelCase keys), keeping defaults for bad values."""
        problems = problems if problems is not None else []
        if not isinstance(raw, dict):
            return cls()
        if isinstance(raw.get("parlint"), dict):
            raw = raw["parlint"]
        values: dict[str, Any] = {}

        def codes(key: str) -> Optional[tuple[str, ...]]:
            value = raw.get(key)
            if value is None:
                return None
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return tuple(value) if value else None
            problems.append(f"setting parlint.{key} must be a list of rule codes")
            return None

        values["select"] = codes("select")
        values["extend_select"] = codes("extendSelect")
        values["ignore"] = codes("ignore")
        for key, attr in (("enable", "enable"), ("unsafeFixes", "unsafe_fixes")):
            if key in raw:
                if isinstance(raw[key], bool):
                    values[attr] = raw[key]
                else:
                    problems.append(f"setting parlint.{key} must be true or false")
        if "lintOn" in raw:
            if raw["lintOn"] in LINT_ON:
                values["lint_on"] = raw["lintOn"]
            else:
                problems.append(f"setting parlint.lintOn must be one of {', '.join(LINT_ON)}")
        if "configurationPreference" in raw:
            if raw["configurationPreference"] in PREFERENCES:
                values["configuration_preference"] = raw["configurationPreference"]
            else:
                allowed = ", ".join(PREFERENCES)
                problems.append(f"setting parlint.configurationPreference must be one of {allowed}")
        if "showNotifications" in raw:
            if raw["showNotifications"] in NOTIFICATIONS:
                values["show_notifications"] = raw["showNotifications"]
            else:
                allowed = ", ".join(NOTIFICATIONS)
                problems.append(f"setting parlint.showNotifications must be one of {allowed}")
        if "debounce" in raw:
            debounce = raw["debounce"]
            if type(debounce) is int and 0 <= debounce <= MAX_DEBOUNCE_MS:
                values["debounce_ms"] = debounce
            else:
                problems.append(
                    f"setting parlint.debounce must be a whole number of milliseconds from 0 to "
                    f"{MAX_DEBOUNCE_MS}, not {debounce!r}; using {cls.debounce_ms}"
                )
        if "severity" in raw:
            values["severity"] = _severities(raw["severity"], problems)
        return cls(**{k: v for k, v in values.items() if v is not None})

    def notifies(self, level: str) -> bool:
        """Whether a message of `level` (`error`, `warning`, `info`) is shown to the user."""
        needed = {"error": 1, "warning": 2, "info": 3}[level]
        return NOTIFICATIONS.index(self.show_notifications) >= needed

    @property
    def overrides(self) -> Overrides:
        return Overrides(select=self.select, extend_select=self.extend_select, ignore=self.ignore)


class SettingsStore:
    """Resolves the checker settings for a document: editor settings + configuration files."""

    def __init__(self) -> None:
        self.global_settings = EditorSettings()
        # workspace folder path -> its editor settings
        self.folders: dict[str, EditorSettings] = {}
        self._resolvers: dict[tuple[str, str], ConfigResolver] = {}
        self.errors: list[str] = []

    def folder_of(self, path: Optional[Path]) -> Optional[str]:
        if path is None:
            return None
        best: Optional[str] = None
        for folder in self.folders:
            if (path == Path(folder) or Path(folder) in path.parents) and (
                best is None or len(folder) > len(best)
            ):
                best = folder
        return best

    def editor_settings(self, path: Optional[Path]) -> EditorSettings:
        folder = self.folder_of(path)
        return self.folders.get(folder, self.global_settings) if folder else self.global_settings

    def invalidate(self) -> None:
        """Configuration files changed: read them again."""
        self._resolvers.clear()

    def checker_settings(self, path: Optional[Path]) -> Settings:
        editor = self.editor_settings(path)
        folder = self.folder_of(path) or (str(path.parent) if path else str(Path.cwd()))
        if editor.configuration_preference == "editorOnly":
            return self._apply(editor.overrides, Settings(root=folder))
        try:
            resolver = self._resolver(folder, editor)
            file_settings = resolver.settings_for(path) if path else resolver.default_settings
        except ConfigError as exc:
            message = f"{exc}; using the default settings"
            if message not in self.errors:
                self.errors.append(message)
            return self._apply(editor.overrides, Settings(root=folder))
        if editor.configuration_preference == "filesystemFirst" and file_settings.path:
            return file_settings
        return self._apply(editor.overrides, file_settings)

    def _resolver(self, folder: str, editor: EditorSettings) -> ConfigResolver:
        key = (folder, editor.configuration_preference)
        if key not in self._resolvers:
            self._resolvers[key] = ConfigResolver(Overrides(), cwd=Path(folder))
        return self._resolvers[key]

    def _apply(self, overrides: Overrides, settings: Settings) -> Settings:
        try:
            return overrides.apply(settings)
        except ConfigError as exc:
            message = f"editor settings: {exc}"
            if message not in self.errors:
                self.errors.append(message)
            return settings


def _severities(value: Any, problems: list[str]) -> dict[str, str]:
    """`parlint.severity`: rule code -> one of SEVERITIES; bad entries are reported, dropped."""
    if not isinstance(value, dict):
        problems.append(
            f"setting parlint.severity must map rule codes to one of {', '.join(SEVERITIES)}"
        )
        return {}
    result: dict[str, str] = {}
    for code, level in value.items():
        if not (isinstance(code, str) and _CODE.match(code)):
            problems.append(f"setting parlint.severity: {code!r} is not a rule code")
        elif level not in SEVERITIES:
            problems.append(
                f"setting parlint.severity.{code} must be one of {', '.join(SEVERITIES)}, "
                f"not {level!r}; using the rule's own severity"
            )
        else:
            result[code] = level
    return result
