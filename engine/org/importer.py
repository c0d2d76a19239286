"""Import an organisation tree (and optionally users) from TOML or JSON.

    [[unit]]                      # parents before children
    code = "VP"
    name = "Văn phòng UBND tỉnh"
    parent = "UBND"
    kind = "office"
    tracking_office = true
    agency_code = "000.00.01.H17"  # optional: its identifier on the document hub (QĐ 20/2020)

    [[user]]
    username = "theodoi"
    full_name = "Nguyễn Văn A"
    unit = "VP"
    roles = ["clerk"]
    password = "…"                # at least 8 characters

Everything is imported in one transaction: a bad row names its position and nothing of
the file is kept.
"""
from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from engine.org import service as org
from engine.text import clean_values


def read_tree(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return clean_values(json.loads(text) if path.suffix == ".json" else tomllib.loads(text))


def import_tree(session: Session, path: Path) -> tuple[int, int]:
    return import_data(session, read_tree(path))


def import_data(session: Session, data: dict) -> tuple[int, int]:
    units = data.get("unit", data.get("units", []))
    users = data.get("user", data.get("users", []))
    for position, row in enumerate(units, start=1):
        try:
            valid_from = row.get("valid_from")
            org.create_unit(session, row["code"], row["name"], parent_code=row.get("parent"),
                            kind=row.get("kind", "unit"), tracking_office=bool(row.get("tracking_office")),
                            valid_from=date.fromisoformat(str(valid_from)) if valid_from else None,
                            email=row.get("email"), agency_code=row.get("agency_code"))
        except KeyError as exc:
            raise ValueError(f"unit #{position}: missing field {exc.args[0]}") from None
        except (org.OrgError, ValueError) as exc:
            raise ValueError(f"unit #{position} ({row.get('code')}): {exc}") from None
    for position, row in enumerate(users, start=1):
        try:
            org.create_user(session, row["username"], row["password"], row["full_name"], row["unit"],
                            list(row["roles"]), email=row.get("email"))
        except KeyError as exc:
            raise ValueError(f"user #{position}: missing field {exc.args[0]}") from None
        except (org.OrgError, ValueError) as exc:
            raise ValueError(f"user #{position} ({row.get('username')}): {exc}") from None
    return len(units), len(users)
