"""`dondoc tokens create|revoke|list`: API tokens for other systems (and for the sync of a
lower deployment), managed by a system administrator."""
from __future__ import annotations

import click

from engine.api_tokens import service as tokens
from engine.clitools import clear_errors, engine_of


@click.group("tokens")
def group() -> None:
    """API tokens (Authorization: Bearer …)."""


@group.command("create")
@click.option("--user", "username", required=True, help="The user the token acts as (its roles and units).")
@click.option("--name", required=True, help="What will use it, e.g. 'Phần mềm QLVB'.")
@click.option("--reason", help="Why it is made; shown to the user on their security page.")
@click.pass_context
@clear_errors
def create(ctx: click.Context, username: str, name: str, reason: str | None) -> None:
    """Create a token; it is printed once and only its hash is kept."""
    with engine_of(ctx).db.session() as session:
        row, token = tokens.create_token(session, username, name, reason=reason)
        click.echo(f"token {row.id} for {username} ({name}):")
        click.echo(token)
        click.echo("Keep it now: it cannot be shown again.", err=True)


@group.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
@clear_errors
def revoke(ctx: click.Context, token_id: int) -> None:
    with engine_of(ctx).db.session() as session:
        tokens.revoke_token(session, token_id)
    click.echo(f"token {token_id} revoked")


@group.command("list")
@click.pass_context
@clear_errors
def list_(ctx: click.Context) -> None:
    with engine_of(ctx).db.session() as session:
        for row, username in tokens.list_tokens(session):
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            click.echo(f"{row.id:>4}  {row.prefix}…  {username:<16} {row.name}  ({state})")
