"""The `dondoc` command: the engine's commands plus those that need the web layer."""
from __future__ import annotations

import logging
from contextlib import nullcontext

import click

from engine.cli import _print_logins, cli
from engine.clitools import clear_errors, engine_of


@cli.command()
@click.option("--bind", default="127.0.0.1:5000", show_default=True,
              help="Address and port to listen on (behind a reverse proxy: keep it on 127.0.0.1).")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(min=1),
              help="Worker processes (about twice the CPU cores).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1),
              help="Threads per worker.")
@click.option("--scheduler/--no-scheduler", "with_scheduler", default=True, show_default=True,
              help="Also run the timer scheduler, as a child process (off when `dondoc scheduler` runs apart).")
@click.pass_context
@clear_errors
def serve(ctx: click.Context, bind: str, workers: int, threads: int, with_scheduler: bool = True) -> None:
    """Serve the web app with the production server (gunicorn)."""
    from engine.operations import logs
    from engine.reports.service import refuse_unloaded_switch
    from webui.app import create_app
    from webui.server import metrics_folder, scheduler_process
    from webui.server import serve as serve_app

    engine = engine_of(ctx)
    logs.configure(engine.settings.log_format)
    refuse_unloaded_switch(engine)
    app = create_app(engine)
    logging.getLogger("dondoc").info("dondoc on http://%s/  (%s workers; Ctrl+C to stop)", bind, workers)
    with metrics_folder(engine.settings), \
            scheduler_process(ctx.find_root().params.get("config")) if with_scheduler else nullcontext():
        serve_app(app, engine, bind=bind, workers=workers, threads=threads)


@cli.command()
@click.option("--reset", is_flag=True, help="Start from an empty SQLite database.")
@click.option("--serve/--no-serve", "and_serve", default=False, help="Serve the app afterwards.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
@clear_errors
def demo(ctx: click.Context, reset: bool, and_serve: bool, port: int) -> None:
    """Demo mode: load the demo organisation, users and directives, then serve."""
    from engine.demo import load_demo

    engine = engine_of(ctx)
    engine.settings.demo = True
    logins = load_demo(engine, reset=reset)
    _print_logins(logins)
    if and_serve:
        ctx.invoke(serve, bind=f"127.0.0.1:{port}", workers=2)


def main() -> None:
    from engine import translation
    from webui.i18n import catalogue

    translation.install(catalogue)  # the scheduler's watched-folder error files speak as the pages do
    cli(prog_name="dondoc")


if __name__ == "__main__":
    main()
