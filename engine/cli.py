"""`dondoc` commands that need only the engine. `webui.cli` adds `serve` and is the entry point.

Every command reports bad input as one line on stderr and exits non-zero.
"""
from __future__ import annotations

import functools
import sys
from datetime import datetime
from pathlib import Path

import click

from engine.clitools import ENGINE_FACTORY, clear_errors, engine_of
from engine.config import Settings
from engine.core import Engine
from engine.features import modules_named
from engine.text import clean_text


def _engine_from_settings(config: str | None) -> Engine:
    from engine.scheduler.testing_clock import configured_clock

    settings = Settings.load(config)
    return Engine(settings, clock=configured_clock(settings))


@click.group()
@click.option("--config", type=click.Path(dir_okay=False), help="TOML settings file (else $DONDOC_CONFIG).")
@click.pass_context
def cli(ctx: click.Context, config: str | None) -> None:
    """dondoc — theo dõi, đôn đốc, kiểm tra việc thực hiện nhiệm vụ."""
    ctx.meta[ENGINE_FACTORY] = functools.partial(_engine_from_settings, config)


for _commands in modules_named("commands"):  # each feature's `dondoc` sub-command
    cli.add_command(_commands.group)


# ---------------------------------------------------------------- database
@cli.group()
def db() -> None:
    """Create or upgrade the database."""


@db.command("upgrade")
@click.pass_context
@clear_errors
def db_upgrade(ctx: click.Context) -> None:
    """Create the database, or bring it to the newest schema."""
    from engine.db.migrate import upgrade
    from engine.working_days import sync_days_off

    engine = engine_of(ctx)
    upgrade(engine.settings.database_url)
    with engine.db.engine.begin() as conn:  # this release's corrections and `holidays` package
        changed = sync_days_off(conn)
    click.echo(f"database ready: {engine.db.engine.url.render_as_string(hide_password=True)}")
    if changed:
        click.echo(f"calendar: {changed} days off updated")


# ---------------------------------------------------------------- rulesets
@cli.group()
def ruleset() -> None:
    """Check and load rulesets (processes/<ruleset>/)."""


@ruleset.command("load")
@click.option("--ruleset", "name", help="Ruleset id (default: the configured one).")
@click.pass_context
@clear_errors
def ruleset_load(ctx: click.Context, name: str | None) -> None:
    """Check a ruleset and store it as a new published version if it changed."""
    engine = engine_of(ctx)
    from engine.reports.service import ensure_schedule

    with engine.db.session() as session:
        bundle = engine.load_ruleset(session, name)
        click.echo(f"ruleset {bundle.ruleset} version {bundle.number} ({bundle.content_hash[:12]}) published")
    if bundle.ruleset == engine.ruleset and ensure_schedule(engine) is not None:
        click.echo("periodic-report calendar running")


@ruleset.command("check")
@click.argument("name")
@click.pass_context
@clear_errors
def ruleset_check(ctx: click.Context, name: str) -> None:
    """Check a ruleset without storing anything. Warnings (e.g. a process marked
    isExecutable="false", which is not run) are printed whether or not it passes."""
    from engine.rulesets.errors import RulesetError
    from engine.rulesets.loader import compile_bundle, read_ruleset

    try:
        compiled = compile_bundle(read_ruleset(engine_of(ctx).settings.processes_dir, name))
    except RulesetError as exc:
        _echo_warnings(exc.warnings)
        raise
    _echo_warnings(compiled.warnings)
    click.echo(f"ruleset {name}: {len(compiled.specs)} processes, {len(compiled.forms)} forms, no problems"
               + (f", {len(compiled.warnings)} warning(s)" if compiled.warnings else ""))


@ruleset.command("test")
@click.argument("name")
@click.pass_context
@clear_errors
def ruleset_test(ctx: click.Context, name: str) -> None:
    """Run the ruleset's scenario files (processes/<ruleset>/scenarios/*.toml) as on disk, each
    in a scratch database; exits 1 when one fails. Results are in Vietnamese, as in the modeler."""
    from engine.rulesets.loader import read_ruleset
    from engine.scenarios.runner import run_bundle

    results = run_bundle(read_ruleset(engine_of(ctx).settings.processes_dir, name))
    for result in results:
        click.echo(result.message)
    failed = sum(not r.ok for r in results)
    click.echo(f"ruleset {name}: {len(results) - failed} passed, {failed} failed")
    if failed:
        ctx.exit(1)


def _echo_warnings(warnings) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


# ---------------------------------------------------------------- organisation and people
@cli.group("org")
def org_group() -> None:
    """The organisation tree."""


@org_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
@clear_errors
def org_import(ctx: click.Context, path: str) -> None:
    """Import units (and users) from a TOML or JSON file; see docs/configuration.md."""
    from engine.org.importer import import_tree

    engine = engine_of(ctx)
    with engine.db.session() as session:
        units, users = import_tree(session, Path(path))
    click.echo(f"imported {units} units and {users} users")


@org_group.command("seed")
@click.option("--province", "province", required=True, help="2025 statistics code of the province (e.g. 66).")
@click.pass_context
@clear_errors
def org_seed(ctx: click.Context, province: str) -> None:
    """Create a post-2025 province, its departments and communes, and its pre-2025 units with their
    successors (engine/org/seed.py). Run again, it adds only what is missing."""
    from engine.org.seed import seed_province

    with engine_of(ctx).db.session() as session:
        result = seed_province(session, province)
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(result.counts.items()))
    click.echo(f"{result.province}: {result.created} units created, {result.adopted} adopted from the old tree, "
               f"{result.existing} already there ({kinds}); {result.moved} units in force below a closed one moved "
               "below its successor")
    click.echo(f"Tracking office: {result.tracking_office or 'none'}.")
    if result.beside:
        click.echo(f"Also in this deployment: {', '.join(result.beside)}. Each province is a tree of its own, tracked "
                   "by the office above; with two provinces, registers and texts name the seeded units with their "
                   "province (\"Sở Tài chính tỉnh …\"), not \"Sở Tài chính\" alone.")


@org_group.command("retire")
@click.argument("unit")
@click.option("--on", "on", required=True, type=click.DateTime(formats=["%d/%m/%Y"]),
              help="First day the unit no longer exists (dd/mm/yyyy).")
@click.option("--successor", help="Code of the unit that takes over its work.")
@click.pass_context
@clear_errors
def org_retire(ctx: click.Context, unit: str, on: datetime, successor: str | None) -> None:
    """Close UNIT from a day, with the unit that succeeds it (a seeded department merged away, say);
    its tasks keep naming it and reports count them under the successor."""
    from engine.org import service as org

    with engine_of(ctx).db.session() as session:
        closed = org.retire_unit(session, unit, on.date(), successor_code=successor)
        click.echo(f"{closed.code}: closed from {on:%d/%m/%Y}" + (f", succeeded by {successor}" if successor else ""))


@org_group.command("agency-code")
@click.argument("unit")
@click.argument("agency_code", required=False)
@click.pass_context
@clear_errors
def org_agency_code(ctx: click.Context, unit: str, agency_code: str | None) -> None:
    """Give UNIT its agency identifier on the document hub (QĐ 20/2020, e.g. 000.00.01.H17);
    without AGENCY_CODE, take it away. edXML messages name units by it (docs/import.md)."""
    from engine.org import service as org

    with engine_of(ctx).db.session() as session:
        found = org.set_agency_code(session, unit, agency_code)
        click.echo(f"{found.code}: {found.agency_code or 'no agency identifier'}")


@cli.group()
def users() -> None:
    """People who sign in."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--unit", "unit_code", required=True, help="Unit code.")
@click.option("--role", "roles", multiple=True, required=True, help="Role (repeat for several).")
@click.option("--email")
@click.password_option(help="Asked for when not given.")
@click.pass_context
@clear_errors
def users_create(ctx, username, full_name, unit_code, roles, email, password) -> None:
    from engine.org import service as org

    engine = engine_of(ctx)
    with engine.db.session() as session:
        org.create_user(session, username, password, full_name, unit_code, list(roles), email=email)
    click.echo(f"user {username} created")


@users.command("set-password")
@click.argument("username")
@click.password_option(help="Asked for (twice) when not given.")
@click.pass_context
@clear_errors
def users_set_password(ctx, username: str, password: str) -> None:
    """Give USERNAME a new password and forget their failed sign-ins: the way back in for an
    administrator who forgot theirs, whom no other administrator can reset. Ends their sessions and
    revokes their API tokens, as a reset on the Người dùng page does; audited."""
    from engine.api_tokens import service as tokens
    from engine.org import service as org
    from engine.org import signin

    with engine_of(ctx).db.session() as session:
        found = org.users_by_name(session, [username])
        if not found:
            raise org.OrgError("User %(name)s does not exist.", name=username)
        tokens.change_password(session, found[0].id, password, actor=None)
        signin.clear_throttles(session, username, actor=None)
    click.echo(f"new password set for {username}; their sessions and API tokens ended")


@cli.group()
def admin() -> None:
    """The first administrator of a new installation."""


@admin.command("create")
@click.option("--username", default="admin", show_default=True)
@click.option("--full-name", default="Quản trị hệ thống", show_default=True)
@click.option("--unit", "unit_code", required=True, help="Unit code (created as the root unit if none exists).")
@click.option("--unit-name", help="Name of the root unit, when the organisation is still empty.")
@click.password_option(prompt="Password of the first administrator", help="Asked for (twice) when not given.")
@click.pass_context
@clear_errors
def admin_create(ctx, username, full_name, unit_code, unit_name, password) -> None:
    """Create the first administrator; refused once one exists. Production installs have no
    default password: demo accounts come only from `dondoc demo`."""
    from engine.org import accounts, permissions

    engine = engine_of(ctx)
    with engine.db.session() as session:
        accounts.create_first_admin(session, username, password, full_name, unit_code, unit_name)
    click.echo(f"administrator {username} created (roles: {', '.join(permissions.FIRST_ADMIN_ROLES)})")


# ---------------------------------------------------------------- calendar
@cli.group()
def calendar() -> None:
    """Working-day calendar corrections (announced days off and working Saturdays)."""


@calendar.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]))
@click.option("--working/--off", required=True, help="Whether the day is worked.")
@click.option("--note", default="")
@click.pass_context
@clear_errors
def calendar_set(ctx, day: datetime, working: bool, note: str) -> None:
    """Correct one day; open deadlines and waiting timers are recomputed."""
    from engine.working_days.service import set_override

    engine = engine_of(ctx)
    changed = set_override(engine, day.date(), working, note, actor=None)
    click.echo(f"{day.date().isoformat()} is now a {'working day' if working else 'day off'}; "
               f"{changed} workflows had their deadlines recomputed")


# ---------------------------------------------------------------- timers
@cli.group()
def timers() -> None:
    """Due BPMN timers (reminders, escalations, periodic updates)."""


@timers.command("run")
@click.option("--now", "moment", help="ISO datetime to run at (tests and cron); default: the clock.")
@click.pass_context
@clear_errors
def timers_run(ctx, moment: str | None) -> None:
    """Fire every timer due now and send due mail, once, and exit (for cron: safe to
    run every minute, and beside running schedulers)."""
    from engine import clock
    from engine.scheduler.service import tick

    engine = engine_of(ctx)
    if moment:
        clock.set_clock(clock.ManualClock(_parse_moment(moment)))
    result = tick(engine)
    click.echo(f"{result.advanced} workflows advanced, {result.mail_sent} mails sent, "
               f"{result.mail_failed} mails failed")
    if result.errors:
        sys.exit(1)  # the error is logged above; cron reports it


@cli.command("scheduler")
@click.option("--interval", type=click.IntRange(min=1), help="Seconds between ticks (default: settings).")
@click.pass_context
@clear_errors
def scheduler(ctx, interval: int | None) -> None:
    """Run the timer scheduler in the foreground (several may run against one database)."""
    import contextlib
    import logging
    import signal

    from engine import metrics
    from engine.operations import logs
    from engine.reports.service import refuse_unloaded_switch
    from engine.scheduler.service import Scheduler

    engine = engine_of(ctx)
    logs.configure(engine.settings.log_format)
    refuse_unloaded_switch(engine)
    if engine.settings.metrics_dir:  # counted with the web server's workers of this host
        metrics.use_folder(engine.settings.metrics_dir)
    runner = Scheduler(engine, interval, blocking=True)
    # SIGTERM (systemd, docker stop): no tick after this one; the running tick ends before the process does.
    signal.signal(signal.SIGTERM, lambda *_: runner.shutdown(wait=False))
    logging.getLogger("dondoc").info("scheduler: a tick every %s s (Ctrl+C to stop)", runner.interval)
    with contextlib.suppress(KeyboardInterrupt):
        runner.start()
    runner.finish_tick()


def _parse_moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--now: '{text}' is not an ISO datetime (e.g. 2026-02-23T08:00:00+07:00)") from None


# ---------------------------------------------------------------- demo
@cli.command("demo-data")
@click.option("--reset", is_flag=True, help="Delete the SQLite database first.")
@click.pass_context
@clear_errors
def demo_data(ctx, reset: bool) -> None:
    """Create a demo organisation, users and directives (demo mode only)."""
    from engine.demo import load_demo

    engine = engine_of(ctx)
    logins = load_demo(engine, reset=reset)
    _print_logins(logins)


def _print_logins(logins: dict[str, str]) -> None:
    click.echo("Demo logins (username / password):")
    for username, role in logins.items():
        click.echo(f"  {username:<12} / demo1234   ({role})")



# ---------------------------------------------------------------- backup
@cli.command("backup")
@click.argument("out", type=click.Path(dir_okay=False))
@click.pass_context
@clear_errors
def backup_command(ctx: click.Context, out: str) -> None:
    """Write a consistent copy of the database and the attachments to OUT.tar.gz."""
    from engine.backup import backup

    manifest = backup(engine_of(ctx), out)
    click.echo(f"backup written to {out}: {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} "
               f"tables, {manifest['attachments']} attachments")


@cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
@clear_errors
def restore_command(ctx: click.Context, archive: str) -> None:
    """Restore a backup onto the configured database, which must be fresh (no rows)."""
    from engine.backup import restore

    manifest = restore(engine_of(ctx), archive)
    click.echo(f"restored the backup of {manifest['created_at']} ({sum(manifest['tables'].values())} rows)")


# ---------------------------------------------------------------- text as typed
class _CleanText(click.ParamType):
    """Text typed on a terminal, NFC-normalised like every other input (engine.text): a terminal
    or a script may send decomposed accents, which would not match what is stored."""

    name = "text"

    def convert(self, value, param, ctx):
        return clean_text(value) if isinstance(value, str) else value


def clean_text_params(command: click.Command) -> None:
    """Every text option and argument of `command` and its sub-commands read through _CleanText,
    passwords excepted (compared, not read); paths keep their own type and stay as typed."""
    for param in command.params:
        if param.type is click.STRING and "password" not in (param.name or ""):
            param.type = _CleanText()
    for sub in getattr(command, "commands", {}).values():
        clean_text_params(sub)


clean_text_params(cli)
