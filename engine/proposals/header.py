"""A directive's header read from its text (thể thức văn bản, Nghị định 30/2020/NĐ-CP): its number and symbol
("Số: 45/TB-UBND"), its date from the dateline ("Đắk Lắk, ngày 12 tháng 3 năm 2026"), the issuing body from the
letterhead before the national motto ("ỦY BAN NHÂN DÂN / TỈNH ĐẮK LẮK"), and its kind and subject ("THÔNG BÁO /
Kết luận của Chủ tịch UBND tỉnh tại …", or a letter's "V/v …"). Each value comes with the words it was read from,
for the clerk to check; a part the text lacks is left out, never guessed."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from engine.proposals.plain import plain_text
from engine.text import fold

HEADER_CHARS = 6000   # the header is read within the text's first characters (a page may quote a paragraph first)
_SUMMARY_LINES = 4    # a subject runs over a few lines at most
_SUMMARY_CHARS = 500
_TITLE_LINES = 40     # the kind's title stands in the header, not in the body below it

# "Số: 45/TB-UBND", "Số:10988/BNV-CQĐP", "Số 44/2007/QĐ-UBND" at a line's start: a number, then parts after "/"
# (also after the motto on its line, and "773 /QĐ-TTg" as a page spaces it)
_SYMBOL = re.compile(r"(?:^|Hạnh phúc|-{3})[ \t]*Số[ \t]*[:.]?[ \t]*(\d{1,6}(?:[ \t]*/[ \t]*[\w.Đđ-]+)+)", re.MULTILINE)
# "Số:" alone on its line, its number on the next, as a letterhead's table cell or a PDF's text layer may break it
_LONE_NUMBER_WORD = re.compile(r"^([ \t]*Số[ \t]*[:.]?)[ \t]*\n(?=[ \t]*\d{1,6}[ \t]*/)", re.MULTILINE)
# "Đắk Lắk, ngày 12 tháng 3 năm 2026", its parts maybe on two lines ("Hà Nội, ngày\n21 tháng 11 năm 2025")
# (also "Hà Nội , ngày …" and "tháng 01năm 2026" as pages write them)
_DATELINE = re.compile(r"([^\W\d_]+(?:[ \t]+[^\W\d_]+){0,4})\s*,\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*năm\s+"
                       r"(\d{4})")
# "… từ 0 giờ, ngày 23 tháng 9 năm 2021": a measure's hour and day in the body, no dateline
_TIME_OF_DAY = re.compile(r"\b(?:giờ|phút|sáng|trưa|chiều|tối|đêm)$", re.IGNORECASE)
# a kind and its issuer run together, as a page's text layer drops the hyphen: "1961/QĐUBND" for "1961/QĐ-UBND"
_GLUED_KIND = re.compile(r"^(QĐ|NQ|NĐ|CT|CĐ|KH|TB|TTr|TT|BC|HD|QC|CTr|KL)(UBND|CTUBND|HĐND|CP|TTg|VPCP)$")
_MOTTO = re.compile(r"\bcong hoa xa(?: hoi|$)")   # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", maybe broken after "XÃ"
_SEPARATOR = re.compile(r"^[-_=–—.*\s]*$")
_RULE = re.compile(r"-{3,}|_{3,}|={3,}")   # the rule under a letterhead, on its line when a page runs them together
# the kinds of directive a clerk registers, as their titles are written in capitals
_KINDS = ("THÔNG BÁO", "QUYẾT ĐỊNH", "CHỈ THỊ", "KẾ HOẠCH", "CÔNG ĐIỆN", "NGHỊ QUYẾT", "NGHỊ ĐỊNH", "THÔNG TƯ",
          "CHƯƠNG TRÌNH", "HƯỚNG DẪN", "BÁO CÁO", "TỜ TRÌNH", "QUY CHẾ", "QUY ĐỊNH", "CÔNG VĂN")
_KIND_LINE = re.compile(r"^(" + "|".join(_KINDS) + r")\b[\s:]*(.*)$")
_ABOUT = re.compile(r"^V/v\b", re.IGNORECASE)   # a letter's subject: "V/v tuyên truyền …"
# what follows a subject: the recitals, the addressees, the deciding authority, the body, a date
_AFTER_SUMMARY = re.compile(r"^(?:Căn cứ|Kính gửi|Đồng kính gửi|Thực hiện|Ngày \d|Điều \d|[IVX]{1,4}[.)]|\d{1,2}[.)]|"
                            r"CHỦ TỊCH|ỦY BAN|UỶ BAN|HỘI ĐỒNG NHÂN DÂN|BỘ TRƯỞNG|THỦ TƯỚNG|CHÍNH PHỦ\s*$|Số\s*:|"
                            r"\(Kèm theo)")
# the tiers after which a name's every word opens with a capital: "tỉnh Đắk Lắk", "phường Tuy Hòa"
_TIERS = ("thành phố", "thị xã", "đặc khu", "tỉnh", "huyện", "quận", "xã", "phường", "thị trấn")
# heads after which a body's own name opens with a capital: "Sở Tài chính", "Bộ Nội vụ", "Ban Quản lý …"
_HEADS = ("sở", "bộ", "ban", "tiểu ban", "cục", "chi cục", "tổng cục", "trung tâm")
# the words opening a body's own line in a letterhead (a line not opening so goes on with the one above:
# "VĂN PHÒNG CHÍNH" / "PHỦ", "ỦY BAN NHÂN DÂN" / "TỈNH ĐẮK LẮK")
_BODY_WORDS = re.compile(r"(?:so|bo|ban|tieu ban|cuc|chi cuc|tong cuc|trung tam|phong|van phong|uy ban|ubnd|hdnd|"
                         r"thanh tra|thu tuong|chinh phu)\b")
# a lower body on its parent's line, where a page runs the letterhead's lines together: "BỘ TÀI CHÍNH TỔNG CỤC THUẾ"
_INNER_BODY = re.compile(r"(?<=\S) (?=(?:TỔNG CỤC|CHI CỤC|CỤC|SỞ|VĂN PHÒNG) )(?<!TỔNG )(?<!CHI )")
# a part named only by its role in the body above, whose name it takes: "UBND TỈNH X" / "VĂN PHÒNG"
_PARTS = {"van phong", "ban thuong truc", "thuong truc"}
_ACRONYMS = {"UBND", "HĐND", "BCĐ", "BQL", "MTTQ", "TW", "KBNN"}
_PROPER = {"chính phủ": "Chính phủ", "nhà nước": "Nhà nước", "quốc hội": "Quốc hội", "việt nam": "Việt Nam"}


@dataclass(frozen=True)
class Read:
    """A header value and the words of the text it was read from."""
    value: str
    source: str


@dataclass(frozen=True)
class Header:
    symbol: Read | None = None
    issued_on: Read | None = None     # its value an ISO date
    issuer: Read | None = None
    kind: Read | None = None          # "Thông báo", from the title in capitals
    summary: Read | None = None       # trích yếu

    def as_dict(self) -> dict[str, dict[str, str]]:
        """The parts found, as plain data: {"symbol": {"value": …, "source": …}, …}."""
        return {name: {"value": found.value, "source": found.source}
                for name, found in vars(self).items() if found is not None}


def read_header(text: str) -> Header:
    """The header parts `text` carries in its first characters."""
    head = plain_text(text)[:HEADER_CHARS].replace("\r", "").replace("|", "\n")   # a table's cells a line each
    head = _LONE_NUMBER_WORD.sub(r"\1 ", head)   # "Số:" then "12/2025/QĐ-UBND": one line, no body's capitals
    lines = [line.strip() for line in head.split("\n")]
    title = _title(lines[:_TITLE_LINES])
    return Header(symbol=_symbol(head), issued_on=_issued_on(head), issuer=_issuer(lines),
                  kind=title[0] if title else None, summary=title[1] if title else _about(lines))


def _symbol(head: str) -> Read | None:
    found = _SYMBOL.search(head)
    if not found:
        return None
    parts = re.sub(r"\s+", "", found.group(1)).rstrip(".-").split("/")
    symbol = "/".join(_GLUED_KIND.sub(r"\1-\2", part) for part in parts)
    return Read(symbol, " ".join(found.group(0).split()))


def _issued_on(head: str) -> Read | None:
    """The first dateline with a real date (a template's "ngày … tháng … năm" is none)."""
    for found in _DATELINE.finditer(head):
        if _TIME_OF_DAY.search(found.group(1)):
            continue
        day, month, year = (int(found.group(n)) for n in (2, 3, 4))
        try:
            return Read(date(year, month, day).isoformat(), " ".join(found.group(0).split()))
        except ValueError:
            continue
    return None


def _issuer(lines: list[str]) -> Read | None:
    """The letterhead's body: the capitals before the national motto, on its line or the lines above it (or,
    where a subject stands between, the capitals the text opens with; or, with no motto, those above "Số: …")."""
    for at, line in enumerate(lines):
        start = _motto_start(line)
        if start is None:
            continue
        before = _RULE.sub(" ", line[:start]).strip(" -_")
        block = [before] if before else (_block_above(lines[:at]) or _block_above(_opening(lines[:at])))
        return _body(block) if block else None
    # a text pasted without the motto: the capitals right above its number ("UỶ BAN NHÂN DÂN / TỈNH GIA LAI / Số: …")
    numbered = next((at for at, line in enumerate(lines) if _SYMBOL.match(line)), None)
    block = _block_above(lines[:numbered]) if numbered is not None else []
    return _body(block) if block else None


def _motto_start(line: str) -> int | None:
    """Where "CỘNG HÒA XÃ …" in capitals opens in `line` (not the country named in a sentence)."""
    words = line.split()
    for n in range(len(words)):
        three = " ".join(words[n:n + 3])
        if _MOTTO.match(fold(three)) and _in_capitals(three):
            return line.index(words[n]) if n else 0
    return None


def _opening(lines: list[str]) -> list[str]:
    """The lines up to the first that is neither blank, a rule nor in capitals, after the first in capitals."""
    for at, line in enumerate(lines):
        if line and not _SEPARATOR.fullmatch(line) and not _in_capitals(line):
            return lines[:at]
    return lines


def _block_above(lines: list[str]) -> list[str]:
    """The letterhead's lines at the end of `lines`, its rules left out (four at most)."""
    block: list[str] = []
    for line in reversed(lines):
        line = _RULE.sub(" ", line).strip(" -_/")
        if not line:
            if block:
                break
            continue
        if not _in_capitals(line) or len(block) == 4:
            break
        block.insert(0, line)
    return block


def _body(block: list[str]) -> Read:
    """The issuing body of a letterhead: its last body (a lower body's word starts one inside a line too), a line
    not opening with a body's word going on with the one above ("ỦY BAN NHÂN DÂN" / "TỈNH ĐẮK LẮK"); an office or
    a standing board alone is that of the body above ("UBND TỈNH X" / "VĂN PHÒNG")."""
    bodies: list[str] = []
    for part in (part for line in block for part in _INNER_BODY.split(line)):
        if bodies and not _BODY_WORDS.match(fold(part)):
            bodies[-1] += " " + part
        else:
            bodies.append(part)
    issuer = _recased(bodies[-1])
    if fold(issuer) in _PARTS and len(bodies) > 1:
        issuer = f"{issuer} {_recased(bodies[-2])}"
    return Read(issuer, " / ".join(block))


def _title(lines: list[str]) -> tuple[Read, Read] | None:
    """The kind's title in capitals and the subject under it (or after it on its line: "NGHỊ ĐỊNH QUY ĐỊNH …")."""
    for at, line in enumerate(lines):
        found = _KIND_LINE.match(line)
        if not found or not _in_capitals(found.group(1) + " " + found.group(2)):
            continue
        subject = ([found.group(2)] if found.group(2) else []) + _going_on(lines[at + 1:])
        if not subject:
            continue
        text = " ".join(subject)[:_SUMMARY_CHARS]
        kind = Read(found.group(1).capitalize(), found.group(1))
        return kind, Read(_sentence_case(text), " / ".join([line] + subject[1 if found.group(2) else 0:]))
    return None


def _about(lines: list[str]) -> Read | None:
    """A letter's subject, "V/v …" and the lines going on with it."""
    for at, line in enumerate(lines):
        if _ABOUT.match(line):
            subject = [line] + _going_on(lines[at + 1:], first=False)
            return Read(" ".join(subject)[:_SUMMARY_CHARS], " / ".join(subject))
    return None


def _going_on(lines: list[str], first: bool = True) -> list[str]:
    """The lines of a subject: up to a blank line, a separator, a dateline or what follows a subject."""
    subject: list[str] = []
    for line in lines:
        if not line.strip() and first and not subject:
            continue   # a blank line between the title and its subject
        if (not line.strip() or _SEPARATOR.fullmatch(line) or _AFTER_SUMMARY.match(line) or _DATELINE.search(line)
                or re.search(r",\s*ngày\s*$", line) or len(subject) == _SUMMARY_LINES
                or (subject and _in_capitals(subject[0]) and not _in_capitals(line))):   # the body after a title
            break
        subject.append(line)
    return subject


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _recased(name: str) -> str:
    """A body's name in capitals as it is written in a sentence: "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" as "Ủy ban nhân dân
    tỉnh Đắk Lắk", "SỞ TÀI CHÍNH" as "Sở Tài chính"; a name already in small letters is kept."""
    if not _in_capitals(name):
        return name
    words = name.split()
    out: list[str] = []
    place = capital_next = False
    for n, word in enumerate(words):
        low = word.lower()
        if word in _ACRONYMS:
            out.append(word)
        elif place or capital_next or n == 0:
            out.append(low[:1].upper() + low[1:])
        else:
            out.append(low)
        before = " ".join(out).lower()
        # a tier after "và" is a word of a name ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"), not a place's
        place = place or (n == 0 or words[n - 1].lower() != "và") and any(
            before.endswith(" " + tier) or before == tier for tier in _TIERS)
        capital_next = not place and (before in _HEADS or low.endswith(",") or low in ("và", "-"))
    return _proper(" ".join(out))


def _sentence_case(text: str) -> str:
    """A subject in capitals as a sentence ("VỀ VIỆC BAN HÀNH …" as "Về việc ban hành …"); one in small letters kept."""
    if not _in_capitals(text):
        return text
    # a cited text's symbol is kept as written: "THÔNG TƯ SỐ 09/2013/TT-BXD"
    low = " ".join(word if any(c.isdigit() for c in word) else word.lower() for word in text.split())
    return _proper(low[:1].upper() + low[1:])


def _proper(text: str) -> str:
    for small, written in _PROPER.items():
        text = re.sub(rf"\b{small}\b", written, text, flags=re.IGNORECASE)
    text = re.sub(r"\bubnd\b", "UBND", text, flags=re.IGNORECASE)
    return text
