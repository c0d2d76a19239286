"""The small province every scenario runs in: the names a scenario file may use for units
(`lead_unit = "STC"`, `unit = "VP"`) and people (`by = "clerk"`, `to = "stc"`)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.org import service as org
from engine.org.models import User

# code -> (name, parent, kind, tracking office)
UNITS = {
    "UBND": ("Ủy ban nhân dân", None, "province", False),
    "VP": ("Văn phòng", "UBND", "office", True),
    "STC": ("Sở Tài chính", "UBND", "department", False),
    "STC-NS": ("Phòng Ngân sách", "STC", "section", False),
    "SXD": ("Sở Xây dựng", "UBND", "department", False),
    "SNV": ("Sở Nội vụ", "UBND", "department", False),
}
# key -> (full name, unit, roles)
PEOPLE = {
    "clerk": ("Chuyên viên theo dõi Văn phòng", "VP", ["clerk"]),
    "office_head": ("Chánh Văn phòng", "VP", ["office_head"]),
    "leader": ("Chủ tịch UBND", "UBND", ["leader"]),
    "inspector": ("Thành viên đoàn kiểm tra", "VP", ["inspector"]),
    "stc": ("Chuyên viên Sở Tài chính", "STC", ["unit_officer"]),
    "stc_head": ("Giám đốc Sở Tài chính", "STC", ["unit_head"]),
    "sxd": ("Chuyên viên Sở Xây dựng", "SXD", ["unit_officer"]),
    "snv": ("Chuyên viên Sở Nội vụ", "SNV", ["unit_officer"]),
}


def create_organisation(session: Session) -> dict[str, User]:
    """The units and people above, in an empty database; people cannot sign in."""
    for code, (name, parent, kind, office) in UNITS.items():
        org.create_unit(session, code, name, parent_code=parent, kind=kind, tracking_office=office)
    users = {}
    for key, (full_name, unit, roles) in PEOPLE.items():
        user = User(username=key, full_name=full_name, password_hash="!", roles=roles,
                    unit_id=org.require_unit(session, unit).id)
        session.add(user)
        users[key] = user
    session.flush()
    return users
