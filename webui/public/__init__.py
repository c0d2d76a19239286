"""The public results page (công khai kết quả trên cổng thông tin): aggregate figures per
unit and period, no sign-in, nothing from secret documents."""
from webui.public.routes import blueprint

__all__ = ["blueprint"]
