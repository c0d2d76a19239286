"""`dondoc sync run|status`: the upward sync with the upper level (settings [sync])."""
from __future__ import annotations

import click

from engine.cli import clear_errors, make_engine
from engine.sync import service as sync


@click.group("sync")
def sync_group() -> None:
    """Receive assignments from the upper level and report progress back."""


@sync_group.command("run")
@click.pass_context
@clear_errors
def run(ctx: click.Context) -> None:
    """One sync run (cron it, e.g. every 5 minutes); exits 2 when the upper level was unreachable."""
    engine = make_engine(ctx)
    result = sync.run(engine, sync.peer_from_settings(engine.settings))
    click.echo(f"received {result.pulled}, queued {result.queued}, sent {result.sent}, rejected {result.rejected}")
    for error in result.errors:
        click.echo(f"warning: {error}", err=True)
    if result.errors:
        ctx.exit(2)


@sync_group.command("status")
@click.pass_context
@clear_errors
def status(ctx: click.Context) -> None:
    """How many updates wait, were sent, or were refused by the upper level."""
    counts = sync.outbox_status(make_engine(ctx))
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "outbox empty")
