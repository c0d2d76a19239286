"""The `dondoc` command: the engine's commands plus those that need the web layer."""
from __future__ import annotations

import click

from engine.cli import _print_logins, clear_errors, cli, make_engine


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--scheduler/--no-scheduler", "with_scheduler", default=True, show_default=True,
              help="Run the timer scheduler inside (off when `dondoc scheduler` runs apart).")
@click.pass_context
@clear_errors
def serve(ctx: click.Context, host: str, port: int, with_scheduler: bool = True) -> None:
    """Serve the web app (with the timer scheduler inside, for the embedded default)."""
    from engine.scheduler.service import Scheduler
    from webui.app import create_app

    engine = make_engine(ctx)
    app = create_app(engine)
    runner = Scheduler(engine).start() if with_scheduler else None
    click.echo(f"dondoc on http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        if runner is not None:
            runner.shutdown()


@cli.command()
@click.option("--reset", is_flag=True, help="Start from an empty SQLite database.")
@click.option("--serve/--no-serve", "and_serve", default=False, help="Serve the app afterwards.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
@clear_errors
def demo(ctx: click.Context, reset: bool, and_serve: bool, port: int) -> None:
    """Demo mode: load the demo organisation, users and directives, then serve."""
    from engine.demo import load_demo

    engine = make_engine(ctx)
    engine.settings.demo = True
    logins = load_demo(engine, reset=reset)
    _print_logins(logins)
    if and_serve:
        ctx.invoke(serve, host="127.0.0.1", port=port)


def main() -> None:
    cli(prog_name="dondoc")
