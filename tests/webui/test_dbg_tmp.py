from tests.webui.conftest import ready_item_path
def test_dbg(loaded, assigned, browser):
    unit = browser("stc")
    path = ready_item_path(loaded, "handle")
    r = unit.post(path, {"action": "return", "note": "x"})
    import re
    print(re.findall(r'class="error"[^<]*<', r.get_data(as_text=True)), re.findall(r'role="alert">[^<]*', r.get_data(as_text=True)))
