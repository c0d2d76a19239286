"""Demo organisation, users and directives for `make demo`. Demo mode only: these are the
only default credentials dondoc ever creates."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from engine import clock
from engine.db.migrate import upgrade
from engine.directives import service as directives
from engine.directives.models import Directive
from engine.inbox.service import work_item_form
from engine.org import permissions
from engine.org.importer import import_data
from engine.org.models import User
from engine.reports.service import ensure_schedule
from engine.runtime.models import WorkItem, WorkItemStatus

DEMO_PASSWORD = "demo1234"
UNITS = [
    ("UBND", "UBND tỉnh", None, "province"),
    ("VP", "Văn phòng UBND tỉnh", "UBND", "office"),
    ("STC", "Sở Tài chính", "UBND", "department"),
    ("STC-NS", "Phòng Quản lý ngân sách", "STC", "section"),
    ("SXD", "Sở Xây dựng", "UBND", "department"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "UBND", "department"),
    # the home affairs unit a ruleset may send the units' reports to as well (Quỳnh Nhai's [reports]
    # unit_reports_to_unit = "SNV", Đ.6 k.2)
    ("SNV", "Sở Nội vụ", "UBND", "department"),
    ("XA-EAKAR", "UBND xã Ea Kar", "UBND", "commune"),
]
USERS = [
    ("theodoi", "Nguyễn Thị Theo Dõi", "VP", ["clerk"]),
    ("chanhvp", "Trần Văn Chánh", "VP", ["office_head"]),
    ("chutich", "Lê Văn Chủ Tịch", "UBND", ["leader"]),
    ("stc", "Phạm Minh Tài", "STC", ["unit_officer"]),
    ("stc_gd", "Võ Thị Giám Đốc", "STC", ["unit_head"]),
    ("sxd", "Đỗ Văn Xây", "SXD", ["unit_officer"]),
    ("snnmt", "Hồ Thị Nông", "SNNMT", ["unit_officer"]),
    ("snv_gd", "Lường Văn Nội", "SNV", ["unit_head"]),
    ("kiemtra", "Bùi Văn Kiểm", "VP", ["inspector"]),
    ("quytrinh", "Đặng Quy Trình", "VP", ["process_admin"]),
    ("quantri", "Ngô Quản Trị", "VP", ["system_admin"]),
]


def load_demo(engine, reset: bool = False) -> dict[str, str]:
    """Build the demo database; returns {username: roles} for the login list."""
    if not engine.settings.demo:
        raise ValueError("demo data is only loaded in demo mode (DONDOC_DEMO=1)")
    if reset and engine.settings.is_sqlite:
        engine.db.dispose()
        path = Path(engine.settings.database_url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    upgrade(engine.settings.database_url)
    with engine.db.session() as session:
        if session.scalar(select(User.id).limit(1)) is None:
            import_data(session, {
                "unit": [{"code": c, "name": n, "parent": p, "kind": k, "tracking_office": c == "VP"}
                         for c, n, p, k in UNITS],
                "user": [{"username": u, "full_name": f, "unit": unit, "roles": r, "password": DEMO_PASSWORD,
                          "email": f"{u}@demo.dondoc.local"} for u, f, unit, r in USERS],
            })
        engine.load_ruleset(session)
    ensure_schedule(engine)
    _demo_directives(engine)
    return {u: ", ".join(r) for u, _f, _unit, r in USERS}


def _demo_directives(engine) -> None:
    with engine.db.session() as session:
        # Made once; not judged by work items: a ruleset's periodic report, open on the day the
        # demo is loaded (Gia Lai's monthly one), has made one already.
        if session.scalar(select(Directive.id).limit(1)) is not None:
            return
        clerk = session.scalar(select(User).where(User.username == "theodoi"))
    today = clock.today()
    samples: list[tuple[str, str, int, list[tuple[str, str, list[str], int | None]]]] = [
        ("12/2026/CT-UBND", "Chỉ thị về tăng cường kỷ luật, kỷ cương hành chính", 20,
         [("Rà soát thủ tục hành chính, báo cáo kết quả", "STC", ["SXD"], 10),
          ("Tổ chức hội nghị quán triệt", "SXD", [], None)]),
        ("345/UBND-VP", "Về việc chuẩn bị báo cáo kinh tế – xã hội năm", 8,
         [("Tổng hợp số liệu thu, chi ngân sách", "STC", ["SNNMT"], 3)]),
        ("87/QĐ-UBND", "Quyết định ban hành kế hoạch chuyển đổi số", 2,
         [("Triển khai nền tảng số cấp xã", "XA-EAKAR", ["SNNMT"], 30)]),
    ]
    for symbol, summary, days_ago, items in samples:
        issued = today - timedelta(days=days_ago)
        directive = directives.register(engine, {
            "symbol": symbol, "issued_on": issued.isoformat(), "issuer": "UBND tỉnh", "summary": summary,
            "signer": "Lê Văn Chủ Tịch", "urgency": "normal"},
            [{"content": c, "lead_unit": lead, "coordinating_units": coord,
              **({"deadline": (issued + timedelta(days=d)).isoformat()} if d else {})}
             for c, lead, coord, d in items], clerk)
        _classify(engine, directive.id, clerk)


def _classify(engine, directive_id: int, clerk: User) -> None:
    """The office's steps before the tasks are given (Bạc Liêu checks what arrives before it
    classifies), each answered with its form's defaults, the directive tracked; up to a step that
    is not the clerk's (in Gia Lai the Director assigns first: the directive waits for them)."""
    while True:
        with engine.db.session() as session:
            items = session.scalars(select(WorkItem).where(WorkItem.directive_id == directive_id,
                                                           WorkItem.assignment_id.is_(None),
                                                           WorkItem.status == WorkItemStatus.READY))
            item = next((i for i in items if permissions.may_act(session, clerk, i)), None)
            if item is None:
                return
            fields = work_item_form(engine, session, item).fields
        engine.runtime.complete(item.id, {**{f.name: f.default for f in fields if f.default is not None},
                                          "tracked": "on"}, clerk)
