"""Rows written as an older schema held them, for tests of the migrations that fill what they add."""
from __future__ import annotations

from sqlalchemy import Connection, text


def insert_directive(conn: Connection) -> None:
    """Directive 1, "45/2026/QĐ-UBND Về việc giải ngân" of UBND tỉnh, in every schema since search_text."""
    conn.execute(text("INSERT INTO directives (id, ruleset, doc_type, number, symbol, summary, issuer, "
                      "issued_on, urgency, status, created_at, extra) VALUES (1, 'dak-lak', 'QĐ', '45', "
                      "'45/2026/QĐ-UBND', 'Về việc giải ngân', 'UBND tỉnh', '2026-02-12', 'normal', "
                      "'assigned', '2026-02-12 09:00:00', '{}')"))
