"""`dondoc import template|excel|edxml`: directives from files."""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import click

from engine.clitools import clear_errors, engine_of
from engine.exchange import received
from engine.imports import ImportFailed, RowError, excel
from engine.org import service as org


@click.group("import")
def group() -> None:
    """Import directives from an Excel sheet or an edXML message."""


@group.command("template")
@click.argument("out", type=click.Path(dir_okay=False))
@clear_errors
def template(out: str) -> None:
    """Write the empty Excel template (see docs/import.md)."""
    click.echo(f"template written to {excel.write_template(out)}")


@group.command("excel")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "username", required=True, help="The clerk recorded as registering them.")
@click.pass_context
@clear_errors
def import_excel(ctx: click.Context, path: str, username: str) -> None:
    """Register every directive of the sheet, or none when any cell is wrong."""
    engine = engine_of(ctx)
    with _reporting_rows():
        imported = excel.import_workbook(engine, Path(path).read_bytes(), _user(engine, username))
    for skipped in imported.skipped:
        click.echo(f"  {skipped.render()}")
    for warning in imported.warnings:
        click.echo(f"  {_cell(warning)}: {warning.render()}")
    if imported.known:
        click.echo(f"  {excel.passed_over(imported.known)}")
    created = imported.directives
    click.echo(f"{len(created)} directives registered: {', '.join(d.symbol for d in created)}" if created
               else "no directive registered")


@group.command("edxml")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "username", required=True, help="The clerk recorded as registering it.")
@click.option("--assignments", "assignments_path", type=click.Path(exists=True, dir_okay=False),
              help="JSON list of assignments (edXML carries none).")
@click.pass_context
@clear_errors
def import_edxml(ctx: click.Context, path: str, username: str, assignments_path: str | None) -> None:
    """Receive an edXML message as the watched folder does: register, recall, update or replace
    the directive of a document, keep one without assignments for the office, or record a status."""
    engine = engine_of(ctx)
    items = json.loads(Path(assignments_path).read_text(encoding="utf-8")) if assignments_path else []
    with _reporting_rows():
        got = received.receive(engine, Path(path).read_bytes(), items, _user(engine, username), Path(path).name)
    if got.action == received.WAITS:
        raise click.ClickException("the document this status is about waits to be registered: import the status "
                                   "again once it is registered")
    done = got.action.replace("_", " ") if got.changed else f"{got.action.replace('_', ' ')} before"
    what = f"directive {got.directive.symbol} (id {got.directive.id})" if got.directive else \
        f"received document {got.waiting.header['symbol']} (id {got.waiting.id})" if got.waiting else "message"
    click.echo(f"{what}: {done}")


def _user(engine, username: str):
    with engine.db.session() as session:
        found = org.users_by_name(session, [username])
    if not found:
        raise ValueError(f"no user '{username}'")
    return found[0]


@contextmanager
def _reporting_rows():
    """Print each bad cell before the one-line error."""
    try:
        yield
    except ImportFailed as exc:
        for error in exc.errors:
            click.echo(f"  {_cell(error)}: {error.render()}", err=True)
        raise


def _cell(error: RowError) -> str:
    """Where a problem or a warning is: "row 8, H (Đơn vị phối hợp)", or the file."""
    return ", ".join(p for p in (f"row {error.row}" if error.row else "", error.column or error.field or "") if p) \
        or "file"
