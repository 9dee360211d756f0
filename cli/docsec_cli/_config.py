"""Configuration for the CLI: flags, then environment variables, then a config file.

The config file is TOML. It is read from ``--config FILE``, else ``$DOCSEC_CONFIG``,
else ``$XDG_CONFIG_HOME/docsec/config.toml`` (``~/.config/docsec/config.toml``) when
that exists. Unknown keys are errors, so a typo never silently changes what a
verifier trusts. Click's own precedence does the rest: a flag beats its environment
variable, which beats the file, which beats the built-in default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from docsec import inputs
from docsec.errors import InputError
from docsec_cli._errors import CLIUsageError
from docsec_cli._i18n import tr

#: Largest config file read (a real one is a few hundred bytes).
_MAX_CONFIG_BYTES = 1024 * 1024

#: Config-file key -> (command, option parameter name, environment variable, type).
SETTINGS: dict[str, tuple[str, str, str, type]] = {
    "trust": ("verify", "trust_dir", "DOCSEC_TRUST", str),
    "require_crl": ("verify", "require_crl", "DOCSEC_REQUIRE_CRL", bool),
    "accept_scanned_pdf": (
        "verify",
        "accept_scanned_pdf",
        "DOCSEC_ACCEPT_SCANNED_PDF",
        bool,
    ),
    "jobs": ("verify", "jobs", "DOCSEC_JOBS", int),
    "policy": ("verify", "policy_name", "DOCSEC_POLICY", str),
    "cdp_keys": ("verify", "cdp_key_paths", "DOCSEC_CDP_KEY", list),
    "watermark_keys": ("verify", "watermark_key_paths", "DOCSEC_WATERMARK_KEY", list),
    "copy_profile": ("verify", "copy_profile_path", "DOCSEC_COPY_PROFILE", str),
    "exit_on": ("verify", "exit_on", "DOCSEC_EXIT_ON", str),
}
#: Settings that name files: relative paths are relative to the config file.
_PATHS = frozenset({"trust", "cdp_keys", "watermark_keys", "copy_profile"})


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """A config file's settings and where they came from."""

    path: Path | None
    values: dict[str, object]

    def default_map(self) -> dict[str, dict[str, object]]:
        """Return Click's ``default_map`` for these settings."""
        out: dict[str, dict[str, object]] = {}
        for key, value in self.values.items():
            command, param, _env, _type = SETTINGS[key]
            if key in _PATHS and self.path is not None:
                # Relative paths in a config file are relative to that file.
                base = self.path.parent
                if isinstance(value, list):
                    value = [str((base / str(v)).resolve()) for v in value]
                else:
                    value = str((base / str(value)).resolve())
            out.setdefault(command, {})[param] = value
        return out


def config_path(explicit: Path | None) -> Path | None:
    """Return the config file to read, or ``None``."""
    if explicit is not None:
        return explicit
    env = os.environ.get("DOCSEC_CONFIG")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    default = Path(base) / "docsec" / "config.toml"
    return default if default.is_file() else None


def load_config(explicit: Path | None) -> LoadedConfig:
    """Read and check the config file (an explicit or $DOCSEC_CONFIG one must exist)."""
    path = config_path(explicit)
    if path is None:
        return LoadedConfig(None, {})
    try:
        data = inputs.read_regular_file(
            path, max_bytes=_MAX_CONFIG_BYTES, allow_empty=True
        )
        raw = tomllib.loads(data.decode("utf-8"))
    except InputError as exc:
        raise CLIUsageError(
            tr("cannot use the config file: {error}").format(error=exc)
        ) from exc
    except UnicodeDecodeError as exc:
        raise CLIUsageError(
            tr(
                "config file {path} is not UTF-8 text (byte {byte}); save it as "
                "UTF-8 TOML"
            ).format(path=path, byte=exc.start)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CLIUsageError(
            tr("config file {path} is not valid TOML: {error}").format(
                path=path, error=exc
            )
        ) from exc
    unknown = sorted(set(raw) - set(SETTINGS))
    if unknown:
        raise CLIUsageError(
            tr("unknown key(s) {unknown} in {path}; known keys: {known}").format(
                unknown=unknown, path=path, known=sorted(SETTINGS)
            )
        )
    for key, value in raw.items():
        want = SETTINGS[key][3]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise CLIUsageError(
                tr("{path}: {key} must be a {type}").format(
                    path=path, key=key, type=want.__name__
                )
            )
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise CLIUsageError(
                tr("{path}: {key} must be a list of file paths").format(
                    path=path, key=key
                )
            )
    return LoadedConfig(path, dict(raw))


def effective(config: LoadedConfig) -> list[tuple[str, object, str]]:
    """Return ``(key, value, source)`` for every setting, as now in force."""
    rows: list[tuple[str, object, str]] = []
    for key, (_cmd, _param, env, _type) in SETTINGS.items():
        if os.environ.get(env):
            rows.append((key, os.environ[env], f"environment ${env}"))
        elif key in config.values:
            value = config.default_map()[SETTINGS[key][0]][SETTINGS[key][1]]
            rows.append((key, value, f"config file {config.path}"))
        else:
            rows.append((key, None, "not set"))
    return rows
