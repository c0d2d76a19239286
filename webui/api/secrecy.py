"""The secret-document register (sổ theo dõi riêng): its lines for the roles the ruleset's
`[secrecy] visible_to` names, of their own body, closing one and recording its paper reports sent.
Anyone else: 403 for the list, 404 for a line."""
from __future__ import annotations

from flask import jsonify

from engine.secrecy import service as secrecy
from webui.api.core import api_user, blueprint, idempotent, json_body, page_body, paging, require
from webui.api.serialize import secret_document
from webui.context import engine, reads_secret_register


@blueprint.get("/secret-documents")
def list_secret_documents():
    """The register of the caller's body, newest first."""
    require(reads_secret_register)
    page, per_page = paging()
    with engine().db.reading() as session:
        lines = secrecy.register_lines(engine(), session, api_user())
        chosen = lines[(page - 1) * per_page: page * per_page]
        return jsonify(page_body([secret_document(line) for line in chosen], page, per_page, len(lines)))


@blueprint.get("/secret-documents/<int(max=2147483647):document_id>")
def get_secret_document(document_id: int):
    with engine().db.reading() as session:
        return jsonify(secret_document(secrecy.register_line(engine(), session, api_user(), document_id)))


@blueprint.patch("/secret-documents/<int(max=2147483647):document_id>")
@idempotent
def close_secret_document(document_id: int):
    """`{"status": "closed"}`: the document's tasks are finished and its paper reports are no
    longer reminded (the only change a line takes). Closing it again answers 409."""
    secrecy.close_secret_document(engine(), document_id, api_user())
    with engine().db.reading() as session:
        return jsonify(secret_document(secrecy.register_line(engine(), session, api_user(), document_id)))


@blueprint.post("/secret-documents/<int(max=2147483647):document_id>/paper-reports")
@idempotent
def record_paper_report(document_id: int):
    """`{"sent_on"}`: the line's paper report was sent that day; the line as it now stands (201). The same
    day again, or a closed line, answers 409."""
    secrecy.record_paper_report(engine(), document_id, json_body(), api_user())
    with engine().db.reading() as session:
        return jsonify(secret_document(secrecy.register_line(engine(), session, api_user(), document_id))), 201
