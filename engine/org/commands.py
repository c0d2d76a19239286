"""`dondoc session-key rotate`: a new key for the sessions and forms the deployment signs itself (when
the settings give no `secret_key`; docs/security.md)."""
from __future__ import annotations

import click

from engine.clitools import clear_errors, engine_of
from engine.org import session_key


@click.group("session-key")
def group() -> None:
    """The key signing web sessions and form tokens, kept in the database."""


@group.command("rotate")
@click.option("--end-sessions", is_flag=True,
              help="Keep no previous key: every session ends (the key leaked). Without it the sessions "
                   "signed with the old key stay valid until they expire.")
@click.pass_context
@clear_errors
def rotate(ctx: click.Context, end_sessions: bool) -> None:
    """Make a new key; restart every web process on every host to sign with it."""
    engine = engine_of(ctx)
    if engine.settings.secret_key:
        raise click.ClickException("The settings give secret_key: rotate it there (secret_key_fallbacks, "
                                   "docs/security.md).")
    session_key.rotate(engine.db, end_sessions=end_sessions)
    click.echo("New session key stored; restart every web process"
               + (": every session ends." if end_sessions else
                  f": sessions signed with the old key stay valid for {engine.settings.session_lifetime_minutes} "
                  "minutes at most."))
