"""Deployment settings: environment variables over an optional TOML file.

`DONDOC_CONFIG` names the file; every key may be overridden by `DONDOC_<KEY>` in the
environment (e.g. `DONDOC_RULESET=dak-lak`). An unknown key or a value of the wrong type is
refused with its name (SettingsError).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Settings:
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'dondoc.sqlite3'}"
    ruleset: str = "dak-lak"
    processes_dir: str = str(REPO_ROOT / "processes")
    attachments_dir: str = str(REPO_ROOT / "var" / "attachments")
    secret_key: str = ""
    # Keys `secret_key` had before a rotation, comma-separated: sessions they signed stay valid until
    # they expire (Flask's SECRET_KEY_FALLBACKS); remove them session_lifetime_minutes after the rotation.
    secret_key_fallbacks: str = ""
    base_url: str = "http://127.0.0.1:5000"
    demo: bool = False
    testing: bool = False
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_sender: str = "dondoc@localhost"
    smtp_starttls: bool = False
    scheduler_interval_seconds: int = 60
    # PostgreSQL: threads of a scheduler process advancing due workflows. A step is CPU-bound
    # Python: with the database on the same machine, more threads only contend for the
    # interpreter (bench/timers: 10,000 due timers in 50-53 s with 1, 58-68 s with 4, on 2 cores)
    scheduler_workers: int = 1
    mail_digest_hour: int = 7  # Vietnam time; the daily digest goes out from this hour
    # Mail delivery (engine/notifications/mail.py): a claimed mail is another scheduler's
    # to send after this long on the monotonic clock; a tick stops taking mails after
    # mail_run_seconds; more immediate mails than mail_catchup_threshold waiting for one
    # person at once go out as one catch-up mail listing them (0: never).
    mail_lease_seconds: int = 300
    mail_run_seconds: int = 50
    mail_catchup_threshold: int = 10
    idempotency_key_days: int = 7  # answers to Idempotency-Key calls are replayed for this long
    # Testing only (refused unless `testing`): the clock other processes read, an ISO
    # datetime or "file:<path>" holding one (see engine/scheduler/testing_clock.py).
    testing_clock: str = ""
    session_lifetime_minutes: int = 60
    # Entries of an assignment's history (and progress updates in the API) shown at a time.
    history_page_size: int = 50
    # Budget of the scripts, expressions and instruction templates of one engine step
    # (engine/sandbox/budget.py), and the most instances a multi-instance task may create.
    script_cpu_seconds: float = 2.0
    script_memory_mb: int = 256
    script_max_instances: int = 300
    # Workflows a worker process keeps from one step of an instance to its next (engine/runtime/kept.py):
    # the most it keeps, least recently stepped dropped first; 0 keeps none (every step loads its state).
    workflow_cache_size: int = 256
    # The session cookie is sent over HTTPS only (Secure); unset: on, except in demo and testing.
    secure_cookies: bool | None = None
    # Failed sign-ins from one address for one username (engine/org/signin.py): this many are
    # free, then each further try blocks the pair twice as long (2, 4, 8… s), at most this long.
    login_free_failures: int = 3
    login_max_delay_seconds: int = 900
    # Reverse proxies in front of the web server whose X-Forwarded-For is believed: the client
    # address (for the throttle) is the one the outermost of them saw. 0: the peer's address.
    trusted_proxies: int = 0
    # /public/results (no sign-in): off unless the deployment publishes its results on a portal
    # (Đắk Lắk Đ.2 k.1, Gia Lai Đ.8 k.1). It shows the issued reports the ruleset publishes
    # ([reports] publish); with `public_figures` also live per-unit aggregates of a period.
    public_results: bool = False
    public_figures: bool = False
    # The parent body heading the office's reports (cơ quan chủ quản, "UBND tỉnh Đắk Lắk");
    # empty: the root unit's name.
    organisation_name: str = ""
    # edXML (docs/import.md): where status messages for the senders of edXML documents are POSTed
    # (the provincial integration platform; unset: queued, not sent), how long one try may take,
    # and how long a scheduler's claim on a message lasts (a killed one's runs out); the folder
    # the document-management software drops messages in (unset: none) and who imports them.
    edxml_status_endpoint: str = ""
    edxml_status_timeout_seconds: float = 10.0
    edxml_status_lease_seconds: int = 120
    edxml_inbox_dir: str = ""
    edxml_inbox_user: str = ""
    # Where attachments' bytes live (engine/directives/attachments.py): "directory" (attachments_dir,
    # one host) or "database" (a table of chunks, reached by every host that shares the database).
    attachment_store: str = "directory"
    # Operations (docs/operations.md): log lines as "text" or "json" (one object per line); who may
    # read /metrics (a bearer token, and/or peer addresses or networks, comma-separated; neither:
    # nobody); the prometheus_client multiprocess folder shared by the server's workers and
    # schedulers on one host (unset: `dondoc serve` makes a fresh one per start).
    log_format: str = "text"
    metrics_token: str = ""
    metrics_addresses: str = ""
    metrics_dir: str = ""
    sync: dict = field(default_factory=dict)  # the [sync] table: the upper level to pull from (docs/api.md)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, **overrides) -> Settings:
        values: dict = {}
        path = path or os.environ.get("DONDOC_CONFIG")
        known = {f.name: f for f in fields(cls)}
        if path:
            with open(path, "rb") as fh:
                values.update(tomllib.load(fh))
            # a misspelt key (`secret-key`) would leave its setting at the default without a word
            unknown = sorted(set(values) - set(known))
            if unknown:
                raise SettingsError(f"{path}: unknown setting(s) {', '.join(unknown)} (the settings are listed in "
                                    "docs/configuration.md).")
            for name, value in values.items():
                _check(f"{path}: {name}", value, str(known[name].type))
        for name, spec in known.items():
            env = os.environ.get(f"DONDOC_{name.upper()}")
            if env is not None:
                values[name] = _coerce(f"DONDOC_{name.upper()}", env, str(spec.type))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def cookies_secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return not (self.demo or self.testing)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


class SettingsError(ValueError):
    """A setting the deployment gave that cannot be read; the message names it."""


_BOOLS = {"1": True, "true": True, "yes": True, "on": True,
          "": False, "0": False, "false": False, "no": False, "off": False}
# each type of setting: the Python types its TOML value may have, and how a refusal names it
_KINDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "int": (int, "a whole number"), "float": ((int, float), "a number"), "bool": (bool, "true or false"),
    "bool | None": (bool, "true or false"), "str": (str, "a text"), "dict": (dict, "a table")}


def _coerce(source: str, raw: str, type_name: str) -> object:
    """An environment variable's text as its setting's type."""
    if type_name == "dict":
        raise SettingsError(f"{source}: a table ([sync]) is given in the settings file, not the environment.")
    try:
        if type_name in ("bool", "bool | None"):
            return _BOOLS[raw.strip().lower()]
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
    except (KeyError, ValueError):
        raise SettingsError(f"{source}: {raw!r} is not {_KINDS[type_name][1]}.") from None
    return raw


def _check(source: str, value: object, type_name: str) -> None:
    """A TOML value must already have its setting's type (`port = "25"` is refused, not kept as text)."""
    kind, said = _KINDS[type_name]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise SettingsError(f"{source}: {value!r} is not {said}.")
