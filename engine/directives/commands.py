"""`dondoc attachments copy-to-database`: a deployment moving its attachments from the local
folder to the database (attachment_store = "database", several application hosts)."""
from __future__ import annotations

import click

from engine.clitools import clear_errors, engine_of
from engine.directives.attachments import copy_to_database


@click.group("attachments")
def group() -> None:
    """Attachments' storage (docs/operations.md)."""


@group.command("copy-to-database")
@click.pass_context
@clear_errors
def copy(ctx: click.Context) -> None:
    """Copy the files of attachments_dir into the database; run it before setting
    attachment_store = "database" (again after, for files uploaded meanwhile: it copies only those
    not there yet)."""
    engine = engine_of(ctx)
    copied, missing = copy_to_database(engine.db, engine.settings.attachments_dir)
    click.echo(f"{copied} files copied into the database, {missing} not found in {engine.settings.attachments_dir}")
