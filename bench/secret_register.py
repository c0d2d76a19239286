"""`python -m bench.secret_register [--lines N] [--calls N]`: what the secret-document register's page costs
per open line (`secrecy.service.register_lines`, which /secrecy and GET /api/v1/secret-documents run).

Quỳnh Nhai's ruleset with the content not stored (its separate register, quarterly, half-yearly and yearly paper
reports): N secret documents registered, each with its reminder process. The keeper's register read with the
paper reports' days the lines keep ("kept"), and with every line read as one written before them ("from the
process": its running reminder process loaded to read them, as the page did before), alternated call by call in
one process; p50 of each, their ratio, and the statements each read runs. SQLite in a temporary folder, or a
fresh schema on DONDOC_BENCH_DATABASE_URL."""
from __future__ import annotations

import argparse
import shutil
import tempfile
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session

from bench.world import alternated, database_url, make_world
from engine.config import REPO_ROOT
from engine.org import service as org
from engine.org.models import User
from engine.secrecy import service as secrecy
from engine.secrecy.models import SecretDocumentStatus

RULESET = "quynh-nhai"


def processes_without_content(folder: Path) -> Path:
    """The repository's processes with Quỳnh Nhai keeping secret documents in the register only (no content):
    lines are registered as the office of a province without stored content registers them."""
    processes = folder / "processes"
    processes.mkdir()
    (processes / "common").symlink_to(REPO_ROOT / "processes" / "common")
    shutil.copytree(REPO_ROOT / "processes" / RULESET, processes / RULESET)
    settings = processes / RULESET / "ruleset.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("store_content = true", "store_content = false", 1), encoding="utf-8")
    return processes


def main(lines: int, calls: int) -> None:
    with database_url() as url, tempfile.TemporaryDirectory(prefix="dondoc-bench-secret-") as folder:
        world = make_world(url, RULESET, processes_without_content(Path(folder)))
        engine = world.engine
        with engine.db.session() as s:
            keeper = org.create_user(s, "chanhvp", "bench-password", "Chánh Văn phòng", "VP", ["office_head"])
        for n in range(lines):
            header = {"symbol": f"{n + 1}/QĐ-UBND", "issued_on": "02/03/2026", "issuer": "UBND huyện",
                      "secrecy": "secret"}
            secrecy.register_secret_document(engine, header, [{"lead_unit": "STC"}], world.clerk)
        kept = secrecy._days_unkept
        unkept = {"from the process": lambda d: d.status == SecretDocumentStatus.OPEN, "kept": kept}
        ways = {way: partial(setattr, secrecy, "_days_unkept", rule) for way, rule in unkept.items()}

        def read(session: Session, user: User) -> None:
            read = secrecy.register_lines(engine, session, user)
            assert len(read) == lines and all(line.paper_due for line in read)

        try:
            timed = alternated(engine, keeper.id, ways, read, calls)
        finally:
            secrecy._days_unkept = kept
            engine.close()
        before, after = timed.p50["from the process"], timed.p50["kept"]
        print(f"| {lines} open lines | {before:.1f} | {after:.1f} | {after / before:.3f} | "
              f"{(before - after) / lines:.2f} | {timed.statements['from the process']} / {timed.statements['kept']} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200, help="open lines in the register")
    parser.add_argument("--calls", type=int, default=20, help="reads of each way")
    main(parser.parse_args().lines, parser.parse_args().calls)
