"""Diagrams from other tools through the modeler (Flask test client): warnings shown, upload
(any declared encoding) checked and versioned as a save, download of the draft, Vietnamese
messages with their values, and a save that would drop a process another file calls refused."""
from __future__ import annotations

import io
import json
import re

from sqlalchemy import func, select

from engine.rulesets.models import ProcessBundle
from tests.fixtures import FIXTURES
from tests.modeler.conftest import ASSIGNMENT, signed_in

DIRECTIVE = "directive.bpmn"
FOREIGN = FIXTURES / "foreign"
SKETCH = """
  <bpmn:process id="sketch" name="Phác thảo" isExecutable="false">
    <bpmn:startEvent id="sketch_start" />
  </bpmn:process>
</bpmn:definitions>"""
CALLER = """
  <bpmn:process id="caller" name="Gọi lại nhiệm vụ" isExecutable="true">
    <bpmn:startEvent id="caller_start"><bpmn:outgoing>c1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="call_assignment" name="Giao lại nhiệm vụ" calledElement="assignment">
      <bpmn:incoming>c1</bpmn:incoming><bpmn:outgoing>c2</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:endEvent id="caller_end"><bpmn:incoming>c2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="c1" sourceRef="caller_start" targetRef="call_assignment" />
    <bpmn:sequenceFlow id="c2" sourceRef="call_assignment" targetRef="caller_end" />
  </bpmn:process>
</bpmn:definitions>"""
CAMUNDA = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
FORM_PROPERTY = '<spiffworkflow:property name="formKey" value="update_progress" />'


def foreign(xml: str) -> str:
    """assignment.bpmn as another tool writes it: camunda:formKey instead of dondoc's property,
    and a lane named for no role."""
    return (xml.replace('xmlns:bpmn=', CAMUNDA + 'xmlns:bpmn=', 1).replace(FORM_PROPERTY, "")
            .replace('<bpmn:userTask id="handle"', '<bpmn:userTask id="handle" camunda:formKey="embedded:x"')
            .replace('name="Đơn vị chủ trì"', 'name="Tổ công tác"'))


def editor(client, path: str = ASSIGNMENT) -> dict:
    page = client.get(f"/modeler/edit/{path}").get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="modeler-data">(.*?)</script>', page,
                                re.S).group(1))


def save(client, data: dict, xml: str):
    return client.post(data["saveUrl"], json={"xml": xml, "comment": "x"}, headers={"X-CSRFToken": data["csrf"]})


def upload(client, data: dict, content: bytes, name: str = ASSIGNMENT):
    return client.post(data["uploadUrl"], data={"file": (io.BytesIO(content), name), "comment": "từ công cụ khác"},
                       headers={"X-CSRFToken": data["csrf"]}, content_type="multipart/form-data")


def versions(loaded) -> int:
    with loaded.db.session() as session:
        return session.scalar(select(func.count()).select_from(ProcessBundle))


def with_process(xml: str, process: str) -> str:
    return xml.replace("</bpmn:definitions>", process)


def published(client, body: dict) -> None:
    bundle_id = body["versionUrl"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(body["versionUrl"]).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(f"/modeler/versions/{bundle_id}/publish", data={"csrf_token": token, "confirmed": "yes"})
    assert answer.status_code == 302


def test_a_non_executable_process_is_a_warning_in_the_save_answer_the_version_page_and_the_editor(app):
    admin = signed_in(app, "admin")
    data = editor(admin, DIRECTIVE)
    response = save(admin, data, with_process(data["xml"], SKETCH))
    body = response.get_json()
    assert response.status_code == 200 and body["ok"]
    message = ('Quy trình sketch được đánh dấu isExecutable="false": dondoc sẽ không chạy quy trình này')
    assert body["warnings"] == [{"file": DIRECTIVE, "element": "sketch", "where": "quy trình “Phác thảo”", "line": 86,
                                 "message": message}]
    assert f"Lưu ý: {DIRECTIVE}: {message}".replace('"', "&#34;") in admin.get(body["versionUrl"]).get_data(
        as_text=True)
    published(admin, body)
    assert [w["message"] for w in editor(admin, ASSIGNMENT)["warnings"]] == [message]


def test_a_foreign_file_with_a_problem_gets_the_vietnamese_message_with_its_values(app):
    """camunda:formKey instead of dondoc's property, and a lane without a role: the answer and
    the reopened page carry the catalogue's Vietnamese text with the names filled in."""
    admin = signed_in(app, "admin")
    data = editor(admin)
    response = save(admin, data, foreign(data["xml"]))
    assert response.status_code == 422
    expected = {("handle", "Bước người dùng dùng camunda:formKey, dondoc không đọc thuộc tính này: hãy thêm "
                           "spiffworkflow:property tên formKey chỉ tới forms/<key>.toml"),
                ("handle", "làn 'Tổ công tác' chưa được gán vai trò trong ruleset.toml [lanes]")}
    assert expected <= {(p["element"], p["message"]) for p in response.get_json()["problems"]}
    assert expected <= {(p["element"], p["message"]) for p in editor(admin)["problems"]}


def test_upload_reads_the_declared_encoding_checks_like_a_save_and_download_gives_the_draft(app, loaded):
    admin = signed_in(app, "admin")
    data = editor(admin)
    xml = data["xml"].replace('name="Đơn vị chủ trì"', 'name="Tổ công tác"')
    utf16 = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    before = versions(loaded)
    response = upload(admin, data, utf16)
    body = response.get_json()
    assert response.status_code == 422 and versions(loaded) == before
    assert "làn 'Tổ công tác' chưa được gán vai trò trong ruleset.toml [lanes]" in [p["message"]
                                                                                   for p in body["problems"]]
    assert body["xml"] == xml  # shown in the canvas as the server read it, declaring UTF-8
    assert editor(admin)["xml"] == xml  # kept in the draft
    download = admin.get(data["downloadUrl"])
    assert download.status_code == 200 and download.data == xml.encode("utf-8")
    assert download.headers["Content-Disposition"] == f'attachment; filename="{ASSIGNMENT}"'
    fixed = data["xml"].replace('name="Đã kết thúc"', 'name="Kết thúc"')
    good = upload(admin, data, fixed.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
                  name="tu-camunda.xml")
    assert good.status_code == 200 and good.get_json()["number"] == before + 1
    with loaded.db.session() as session:
        assert session.scalars(select(ProcessBundle).where(ProcessBundle.number == before + 1)).one().files[
            ASSIGNMENT] == fixed  # stored (and written on publishing) as UTF-8, declaring it


def test_an_unreadable_upload_gets_a_clear_message_and_changes_nothing(app, loaded):
    admin = signed_in(app, "admin")
    data = editor(admin)
    before = versions(loaded)
    lying = upload(admin, data, b'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions>\xff</bpmn:definitions>')
    assert lying.status_code == 400 and lying.get_json()["error"].startswith("Tệp không đúng bảng mã mà nó khai báo")
    malformed = upload(admin, data, b'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions>')
    assert malformed.status_code == 422
    assert malformed.get_json()["problems"][0]["message"].startswith("XML sai cú pháp: ")
    other = upload(admin, data, b"<x/>", name="report.docx")
    assert other.status_code == 400 and other.get_json()["error"] == "Chỉ tải lên được tệp .bpmn hoặc .dmn."
    decision = upload(admin, data, b"<x/>", name="muc-do.dmn")
    assert decision.status_code == 400
    assert decision.get_json()["error"] == ("Không thể dùng muc-do.dmn thay cho assignment.bpmn: hãy tải lên tệp "
                                            "cùng loại.")
    missing = admin.post(data["uploadUrl"], data={}, headers={"X-CSRFToken": data["csrf"]})
    assert missing.status_code == 400 and missing.get_json()["error"] == "Hãy chọn một tệp .bpmn hoặc .dmn để tải lên."
    assert versions(loaded) == before


def test_a_save_or_upload_dropping_a_process_another_file_calls_is_refused_naming_the_caller(app, loaded):
    admin = signed_in(app, "admin")
    directive = editor(admin, DIRECTIVE)
    calling = save(admin, directive, with_process(directive["xml"], CALLER))
    assert calling.status_code == 200
    published(admin, calling.get_json())
    data = editor(admin)
    renamed = data["xml"].replace('<bpmn:process id="assignment"', '<bpmn:process id="assignment_moi"')
    message = ("Sơ đồ này không còn quy trình Thực hiện nhiệm vụ (assignment), trong khi tệp directive.bpmn gọi "
               "quy trình đó tại bước Giao lại nhiệm vụ: hãy giữ lại quy trình hoặc sửa tệp kia trước.")
    before = versions(loaded)
    for response in (save(admin, data, renamed), upload(admin, data, renamed.encode("utf-8"))):
        assert response.status_code == 422
        assert {"file": ASSIGNMENT, "element": None, "where": "", "line": None, "message": message} in \
            response.get_json()["problems"]
    assert versions(loaded) == before


def test_a_decision_table_is_listed_downloaded_and_uploaded_from_its_page(app, loaded):
    """Besides the table editor, a decision table's page downloads the file and takes it back
    from a plain form (another tool's edit), checked and versioned like a diagram."""
    admin = signed_in(app, "admin")
    path = "registration_deadline.dmn"
    assert f'href="/modeler/edit/{path}"' in admin.get("/modeler/").get_data(as_text=True)
    page = admin.get(f"/modeler/edit/{path}").get_data(as_text=True)
    download_url = re.search(r'href="(/modeler/drafts/\d+/download)"', page).group(1)
    upload_url = re.search(r'action="(/modeler/drafts/\d+/upload)"', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    original = admin.get(download_url).data.decode("utf-8")
    assert "<definitions" in original or ":definitions" in original

    def send(content: str):
        return admin.post(upload_url, data={"file": (io.BytesIO(content.encode("utf-8")), path), "from_page": "1",
                                            "comment": "bảng quyết định", "csrf_token": token},
                          content_type="multipart/form-data")

    before = versions(loaded)
    broken = send(original.replace("</definitions>", "").replace(":definitions>", ":definitionsX>"))
    assert broken.status_code == 302 and broken.location.endswith(f"/modeler/edit/{path}")
    shown = admin.get(broken.location).get_data(as_text=True)
    assert "chưa được lưu thành phiên bản" in shown and f"{path}:63" in shown and "XML sai cú pháp" in shown
    assert versions(loaded) == before
    changed = original.replace("<!--", "<!-- tải lên: ", 1) if "<!--" in original else original + "\n<!-- tải lên -->"
    done = send(changed)
    assert done.status_code == 302 and "/modeler/versions/" in done.location
    assert versions(loaded) == before + 1
    assert "Đã lưu thành phiên bản" in admin.get(done.location).get_data(as_text=True)


def test_a_foreign_diagrams_element_without_a_name_is_told_by_its_kind_and_the_step_before_it(app):
    """A real Camunda 7 example (tests/fixtures/foreign MANIFEST: invokeRestService.bpmn) whose gateway has no
    name: the answer and the reopened editor said "[ExclusiveGateway_1]"; they say what it is and after which
    step, in Vietnamese. The id stays, for the canvas to mark the element."""
    admin = signed_in(app, "admin")
    data = editor(admin)
    content = (FOREIGN / "camunda_servicetask-rest-service-src-main-resources-invokeRestService.bpmn").read_bytes()
    response = upload(admin, data, content)
    assert response.status_code == 422
    expected = {"element": "ExclusiveGateway_1",
                "where": "cổng chọn một nhánh không tên sau “Check if date is holiday”",
                "message": "cổng chọn một nhánh có nhiều nhánh ra phải có nhánh mặc định"}
    for problems in (response.get_json()["problems"], editor(admin)["problems"]):
        assert expected.items() <= next(p for p in problems if p["element"] == "ExclusiveGateway_1").items()
        assert all("ExclusiveGateway_1" not in p["where"] for p in problems)
