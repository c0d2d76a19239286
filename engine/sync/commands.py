"""`dondoc sync run|status`: the upward sync with the upper level (settings [sync])."""
from __future__ import annotations

import click

from engine.clitools import clear_errors, engine_of
from engine.sync import service as sync


@click.group("sync")
def group() -> None:
    """Receive assignments from the upper level and report progress back."""


@group.command("run")
@click.pass_context
@clear_errors
def run(ctx: click.Context) -> None:
    """One sync run (cron it, e.g. every 5 minutes); exits 2 when the upper level was unreachable."""
    engine = engine_of(ctx)
    result = sync.run(engine, sync.peer_from_settings(engine.settings))
    click.echo(f"received {result.pulled}, queued {result.queued}, sent {result.sent}, rejected {result.rejected}")
    for symbol in dict.fromkeys(result.on_paper):
        click.echo(f"secret, not copied: {symbol} (this regulation keeps secret documents on paper)", err=True)
    for error in result.errors:
        click.echo(f"warning: {error}", err=True)
    if result.errors:
        ctx.exit(2)


@group.command("status")
@click.pass_context
@clear_errors
def status(ctx: click.Context) -> None:
    """How many updates wait, were sent, or were refused by the upper level."""
    counts = sync.outbox_status(engine_of(ctx))
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "outbox empty")
