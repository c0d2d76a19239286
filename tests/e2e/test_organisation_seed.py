"""The system administrator seeds a post-2025 province from the Organisation page in headless
Chromium, under the product's Content-Security-Policy (nothing refused, no script needed)."""
import pytest

from engine.org import service as org
from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_the_admin_seeds_cao_bang_from_the_menu(loaded, live_server, sign_in):
    admin = sign_in("admin")
    refused = []
    admin.on("console", lambda message: refused.append(message.text)
             if "Content Security Policy" in message.text else None)
    admin.click("nav.menu a:has-text('Tổ chức')")
    admin.select_option("select[name=province]", label="Tỉnh Cao Bằng")
    admin.click("button[type=submit]:has-text('Tạo')")
    admin.wait_for_selector(".flash:has-text('UBND tỉnh Cao Bằng: đã tạo')")
    row = admin.locator("tr:has-text('UBND tỉnh Cao Bằng') td").all_inner_texts()
    assert row[1:3] == ["12", "56"]
    screenshot(admin, "15-organisation-seeded")
    assert refused == []
    with loaded.db.session() as s:
        seeded_office = org.require_unit(s, "tinh-04-vp")
        assert seeded_office.name == "Văn phòng Ủy ban nhân dân tỉnh Cao Bằng"
        assert not seeded_office.is_tracking_office and org.tracking_office(s).code == "VP"  # the one it had
