"""Sign-in, sessions and role checks (đăng nhập, phân quyền)."""
from webui.auth.routes import blueprint, current_user, init_app, login_required

__all__ = ["blueprint", "current_user", "init_app", "login_required"]
