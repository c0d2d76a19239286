"""Rows written as an older schema held them, for tests of the migrations that fill what they add."""
from __future__ import annotations

from sqlalchemy import Connection, text


def insert_directive(conn: Connection, directive_id: int = 1) -> None:
    """Directive 1, "45/2026/QĐ-UBND Về việc giải ngân" of UBND tỉnh, in every schema since search_text
    (directive 2: "46/2026/QĐ-UBND", and so on)."""
    number = 44 + directive_id
    conn.execute(text("INSERT INTO directives (id, ruleset, doc_type, number, symbol, summary, issuer, "
                      "issued_on, urgency, status, created_at, extra) VALUES (:id, 'dak-lak', 'QĐ', :number, "
                      ":symbol, 'Về việc giải ngân', 'UBND tỉnh', '2026-02-12', 'normal', "
                      "'assigned', '2026-02-12 09:00:00', '{}')"),
                 {"id": directive_id, "number": str(number), "symbol": f"{number}/2026/QĐ-UBND"})
