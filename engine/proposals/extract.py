"""Proposals from a directive's text, by rules a clerk would recognise:

- a duty is a clause where a trigger ("giao", "giao trách nhiệm", "yêu cầu", "đề nghị", "chỉ
  đạo", "phân công", "nhấn mạnh") is followed by the units that must act (but "…; chỉ đạo X …"
  goes on with the duty before: X is whom it directs) — the lead unit(s) — or where units
  are followed by "chủ trì"; the units chained after "phối hợp (với)" coordinate;
- a line naming only units ("1. Sở Tài chính:", "1.3. Giao UBND các phường, xã") heads the list
  items below it, each item a duty of those units; so does a numbered item with a duty of its
  own for the "-" items below it ("(1) Bộ Y tế chỉ đạo …" then "- Chủ trì, phối hợp …"), unless
  it ends with ":"; so does a numbered line with words of its own that ends without a stop above
  lower items ("1. Giao người đứng đầu các cơ quan chuyên môn …; Chủ tịch UBND các xã" — every
  unit it names), and an item whose units are told "… các nội dung trọng tâm sau:" (not "… rà
  soát các khoản sau:", whose items are parts of its duty), and a line ending "… thực hiện:" ("1. Phòng X tham
  mưu Hội đồng Y thực hiện:"), and units "có trách nhiệm" closed by a stop ("2 - Sở X có trách nhiệm."); a
  list item of the heading's rank or higher ends it, and so does a new article ("Điều 32. …");
- units open a duty as its subject, also after an office or an opening ("Đồng chí Bộ trưởng Bộ
  Y tế …", "Trên cơ sở đó, Bộ Tư pháp …", a place first: "Trên đất liền, các địa phương …", "Cùng với đó,
  BQL …", "Theo đó, trong thời gian …, Công an tỉnh …", "Song song đó, Sở Y tế …", "Trong đó, Sở GTVT …",
  "Riêng UBND huyện X …", the heads of a body's own units: "Thủ trưởng các đơn vị thuộc Bộ X, …", a time or a
  purpose first: "Trước ngày 25-10, UBND các huyện …", "Để triển khai …, Bộ X phải …", a point counted:
  "Sáu là, các Sở: …", "Thứ hai, Sở X …"),
  also told passively ("… được yêu cầu khẩn trương …"), or after their role ("Công an tỉnh là lực lượng nòng
  cốt, chủ trì …"); whom they belong to is none of them ("Các sở, ban, ngành trực thuộc UBND tỉnh; UBND các
  huyện …": the list goes on after it);
  offices may stand before each unit of a list of leads ("giao Cục trưởng Cục X, Giám đốc Sở Y
  và Chủ tịch UBND các huyện …", "Bộ trưởng Bộ A, Bộ trưởng Bộ B …"), also before the first of a list
  going on after ";" ("Bộ trưởng các Bộ: …; Chủ tịch UBND các tỉnh … tổ chức …"), and the party
  secretaries addressed with the committees ("Bí thư Tỉnh ủy, Thành ủy, Chủ tịch UBND …"); the manner may stand
  between the units and "chủ trì" ("Bộ A, Bộ B theo chức năng, nhiệm vụ, thẩm quyền chủ trì, …:");
  a topic before a duty is passed over ("Về việc …: Giao Bộ …", a heading's "1. Quyết liệt …:" then "Sở X …");
- a list after its head and a colon may run across ";" ("yêu cầu các Bộ: Nông nghiệp và Môi trường;
  Xây dựng; Khoa học và Công nghệ xây dựng …": the three ministries); a report every month after a duty
  ("Báo cáo Thủ tướng … trước ngày 20 hằng tháng.") is a task of the duty's units (a report once dates it);
- "Các địa phương liên quan" leading are the committees the text has named by name before
  ("… phối hợp UBND tỉnh Bình Định, Phú Yên …"), where it has named some; "các địa phương" the Prime
  Minister or a Deputy asks ("Phó Thủ tướng yêu cầu các địa phương …") are the provinces, and so are those of a
  text told to have been sent to the provinces' committees ("Bộ X có văn bản gửi UBND tỉnh, thành phố …");
- a sentence gives two duties where "và" or "đồng thời" opens a clause with units of its own
  acting ("Sở A rà soát … trước ngày 10/3 và Sở B kiểm tra …") — not after a verb whose objects
  they are ("phối hợp với …", "chỉ đạo các đơn vị … và UBND các xã …"); a purpose with a date of
  its own after a duty's date ("… qua Sở X trước ngày 10/5 để tổng hợp, báo cáo UBND tỉnh trước
  ngày 18/5") is a second duty, of the unit the purpose names or the report goes through;
- a head word alone ("Bộ cũng có nhiệm vụ …", "Tỉnh căn cứ …") names the unit last named with
  that head (also a place named without its committee: "tỉnh Điện Biên");
- list markers inside a line (a run-on page: "Giao Sở X: a) …; b) …") mark items as at a line's
  start; a marker alone on its line goes with the next ("1." then "Sở Y tế:"), so does a paragraph
  after an item ending with ":" ("3. Sở Tài chính:" then "Tham mưu …") and a line going on in lower
  case; a unit's name alone heads the items below it ("2. Sở Nông nghiệp và Môi trường"), and an
  item opening "Chỉ đạo X …" is the heading's duty, X whom it directs; a paragraph with no marker
  inside an item keeps the heading for the items after it; "(i)", "(ii)" mark sub-items, and a new
  item is never the deadline of the duty before;
- an item written as a duty's title and labelled lines ("1. Tổ chức tập huấn …" then "- Cơ quan chủ trì:
  Bộ X.", "- Cơ quan phối hợp: …", "- Thời hạn: trước ngày …") is the title's duty, led by the units of
  its lead label and due as its time label says; the labels are no duties (a time label ending with ":"
  has dated items of their own below it, which are);
- the bodies given the text's duties as a subject ("…, các cơ quan, đơn vị chủ trì thực hiện các nhiệm vụ
  được giao gửi … báo cáo …") are the leads of the duties above;
- "X có trách nhiệm:" and "Trách nhiệm của X" head the items below them (also units listed across ";": "Người
  đứng đầu sở, ban, ngành; Chủ tịch UBND xã, phường có trách nhiệm:"); a line naming units and
  nothing else is no duty; a line after one ending with ";" goes on with it; the items below "…,
  cụ thể:" or "… phối hợp … trong việc:" are details of the duty above, not duties; one of several duties in a
  sentence that only restates is no task; a duty's last clause "…; (đồng thời) chỉ đạo Sở X:" makes X the lead of
  the items below (or after) it; "Đề nghị các đồng chí …" after an item's duty asks its leads again; unmarked
  paragraphs after an item that only restates are the duties of its units;
- a trigger naming bodies outside the tree, then addressees across ";" ("Chủ tịch UBND tỉnh yêu cầu các thành viên
  Ban chỉ đạo … các cấp; Thủ trưởng các sở, …, Chủ tịch UBND các huyện …; Chủ tịch UBND các xã … thực hiện …", also
  after a recital): the units listed lead the duty;
- bodies outside the tree in a list of leads across ";" are left out of it; the author of a document a clause
  cites ("… Quyết định … ngày … của UBND tỉnh;") is none of its objects; a rule for how a work is done that names
  no body ("Việc kê khai … được thực hiện theo Mẫu …") is no duty;
- a unit that "chỉ đạo" others leads ("Bộ X chỉ đạo Tập đoàn Y …"), unless it is the issuing
  committee ("UBND tỉnh chỉ đạo Sở X …": X's duty);
- clauses after ";" without their own lead belong to the duty before them ("…; hoàn thành
  trước ngày 10/12/2023"), so do units opening a clause after a clause that ends with units
  other than its leads ("… đôn đốc các sở, ngành liên quan; UBND các huyện khẩn trương …"), and a
  sentence giving only a deadline right after a duty is that duty's deadline ("Yêu cầu hoàn
  thiện trước ngày 20/7/2018") — one stating the time limit ("Thời hạn hoàn thành: trước …") that
  of every duty of its list item without one (within a list item, a later sentence with a date
  dates the duty where the ones between have none);
- a trigger whose clause ends with its units goes on listing leads after ";" ("Giao các sở,
  ngành tỉnh; UBND các huyện, thành phố; các Ban QLDA chuyên ngành tỉnh báo cáo …");
- "…, trong đó (trọng tâm là) các tỉnh: …" in a heading singles out some of its units, no more;
- "3.1." items, and "(1)" items right under a "1." line ending with ":", are below it ("5. Bộ X chủ
  trì:" heads its "(1) …"); under a heading, an item whose trigger names bodies ("(3) Đề nghị Ủy ban
  … của Quốc hội …") is theirs, not the heading's units', and one exhorting every body of the State
  ("… các Bộ, cơ quan, địa phương tập trung …") no one's; the contents of a report asked for ("… báo
  cáo cụ thể về một số nội dung sau:") are details of the duty, as the items below "…, cụ thể:" are;
- a line outside the list ending with ":" whose trigger names units, also in a narrative ("Ngày
  9/11, UBND tỉnh ban hành văn bản yêu cầu các sở, ban, ngành, UBND các huyện …:"), or that
  names the bodies told to "… thực hiện một số công việc sau:" (not those asking them: "Sở X đề nghị
  các chủ đầu tư … sau:"), heads the items below it (a duty "… triển khai một số nội dung sau: Khuyến khích …",
  its first item after the colon, the paragraphs with no marker after it); a
  part's title ("I. Phương hướng chung:") is no duty, and the heading above it goes on after it;
- a sentence ending "như sau:" (also inside a line: "Thực hiện …; UBND tỉnh có ý kiến như
  sau: Sở X chủ trì …") introduces the duties after it, and the closing "… yêu cầu
  Giám đốc Sở X triển khai thực hiện." restates the duties above it: neither is one; nor is "… thực hiện đúng yêu
  cầu, tiến độ tại Kế hoạch …" (the plan done as it asks) without a date of its own.
The header (the country's name and motto beside the issuer, "SỞ X", its number, date and subject), a place's label
("Địa điểm: …"), a meeting's minutes' account under its titles ("Thành phần tham gia", "Tóm tắt nội dung", "Ý kiến của
…": who took part, what was discussed, what each body said), a plan's purposes, requirements and targets
under their titles ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "2. Yêu cầu", "1. Mục tiêu chung"), what a body
achieved or the target it set itself ("… đạt nhiều kết quả", "Sở X đặt mục tiêu …"), recitals ("Căn cứ…",
"Thực hiện…", "Xét đề nghị…"; also what a cited text gives after "…, trong đó giao …") — but a duty after a
recital's comma is one ("Căn cứ Quy chế …, Văn phòng UBND tỉnh đề nghị Sở X …") —, a narrative of what was issued or
held ("Ngày 08/4/2021, UBND tỉnh ban hành Văn bản … giao …", "Chiều 14-6, ông … chủ trì cuộc họp …", "Đồng thời, tại
Thông báo số …, Thủ tướng đã giao …"; what follows "Theo đó," is read), a duty given before ("đã giao …") or proposed
("… đề xuất phân công các tỉnh …"), units presiding over a meeting ("Sở X chủ trì hội nghị …"), a decision's, decree's
or circular's execution article ("… chịu trách nhiệm thi hành Quyết định này", "… Nghị định này"; not "giám sát việc thi
hành …"), the addressees after "Kính gửi:", "Đồng kính gửi:" or a dispatch's "THỦ TƯỚNG CHÍNH PHỦ điện:"
(their line ends where a recital opens the next; in a letter that has them, "(các) bộ, ngành, địa phương" or "Quý Ủy
ban" told by a trigger, and "… yêu cầu các cơ quan, đơn vị:" heading items, are those addressees, and so is "quý Bộ"
asked by the writer; the items of a body outside the tree heading them, "3. Cục Đường bộ Việt Nam", are no one's), a
title in capitals (the authority deciding: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X"), a topic heading its items ("1. Về kiện
toàn bộ máy …"), a unit that "vừa có văn bản" (has just written), a closing that restates ("… triển khai thực hiện
nghiêm túc Chỉ thị này", "… triển khai hiệu quả các nhiệm vụ nêu trên", "… nếu có khó khăn, vướng mắc, báo cáo …",
"Văn phòng Chính phủ trân trọng thông báo", "… thông báo cho các đơn vị được biết và thực hiện" — near the
sentence's start: after a duty's own verb, "…; thông báo cho thuyền trưởng …" is part of the duty —, a summary
"Trên đây là …" unless it sets a date of its own; not a unit leading others in carrying the text out: "Sở X chủ
trì, phối hợp với … triển khai thực hiện Quyết định này"), a letter's thanks, a part "do Sở X chủ trì" told of, a "duty"
led by the issuing committee alone ("đề nghị Chủ tịch UBND tỉnh thụ lý …"), and the distribution list ("Nơi nhận") or
the signature ("TM. ỦY BAN NHÂN DÂN TỈNH") that ends the text are not duties (written as one row of a table, they end
nothing: a plan may follow its decision). A blank line ends a paragraph (a title above it is no part of it); a line
ending with "…" ends its sentence. A task table's rows (tables.py) are read by their columns, not as sentences: a
row's task is led by the units its lead cell names; where the text holds such rows, a duty only to carry out the tasks a
table or an appendix lists ("Các sở, ngành thực hiện nhiệm vụ cụ thể tại bảng dưới đây:", "… theo Phụ lục kèm theo",
"(chi tiết tại Phụ lục …)") is none — with the appendix not in the text, it is all the clerk has, and one."""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from engine.org.home import COMMITTEE
from engine.org.names import as_committee
from engine.proposals.deadlines import (
    MONTHLY,
    NO_DEADLINE,
    ProposedDeadline,
    find_cell_deadline,
    find_deadline,
    find_force_deadline,
    in_force,
)
from engine.proposals.glued import part_glued
from engine.proposals.plain import plain_text
from engine.proposals.tables import TaskRow, task_rows
from engine.proposals.units import Mention, UnitMatcher, tokens
from engine.text import fold

MAX_TEXT = 200_000   # characters read from one directive; the rest is ignored (and said so)
# The header's dateline, the place the text is written in: "Lương Minh, ngày 12 tháng 01 năm 2026" (also with no day
# filled in: "…, ngày tháng 01 năm 2026"), within the text's first characters.
_DATELINE = re.compile(r"([^\W\d_]+(?: [^\W\d_]+){0,3}), ngay\b")
# A header's line naming the issuing province: "ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH", "TỈNH BÌNH ĐỊNH", "THÀNH PHỐ CẦN THƠ".
_HEADER_PROVINCE = re.compile(r"(?:(?:uy ban nhan dan|ubnd) )?(?:tinh|thanh pho) ([^\W\d_]+(?: [^\W\d_]+){0,3})")
# a commune, a ward or a special zone named by its tier: "phường Dương Nội", "Xã Đại Đồng" (the words after the
# tier on one line; those that open with a capital are its name)
_COMMUNE_NAMED = re.compile(r"\b(?:[Xx]ã|[Pp]hường|[Đđ]ặc khu)[ \t]+((?:[^\W\d_]+[ \t]*){1,3})")
_DATELINE_CHARS = 1500

# List markers by rank, highest first: "I.", "1." / "(1)" / "1-" / "1 -", "1.1.", "a)" / "(a)", "-" — a number
# inside a number below it: "3. Bộ X … thực hiện một số nhiệm vụ sau:" heads its "3.1. …"; so are
# "(1)" items right under a "1." item ending with ":" ("5. Bộ X chủ trì:" then "(1) …", "(2) …").
_MARKERS = (("roman", r"[IVX]{1,4}[.)]"), ("dotted", r"\d{1,2}(?:\.\d{1,2})+[.)-]"),
            ("number", r"\d{1,2}(?:[.)-]| -)"), ("paren", r"\(\d{1,2}\)"),
            ("sub", r"\((?:i{1,3}|iv|vi{0,3}|ix|x)\)"),   # "(i)", "(ii)": below "a)", and before it ("(i)")
            ("letter", r"[a-zđ][.)]|\([a-zđ]\)"), ("bullet", r"[-+•*–—]"))
_RANKS = ["roman", "number", "dotted", "paren", "letter", "sub", "bullet", "plus"]   # highest first
# A marker alone on its line goes with the next line: "1." then "Sở Y tế:".
_LONE_MARKER = re.compile(r"^\s*(?:" + "|".join(pattern for kind, pattern in _MARKERS if kind != "bullet") + r")\s*$")
# A number alone on its line above a "-" line is one marker, "3 - …", its dash put on the next line:
# "3" then "- Uỷ ban nhân dân các huyện, thành phố:".
_BARE_NUMBER = re.compile(r"^\d{1,2}$")
# A number and its dot glued to the item's first word, as pasted from a page: "1.Sở Công Thương chủ trì, …" is "1. Sở …"
# (a capital after it: not "1.000", not a date's "30.4").
_CAPITALS = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper())
_MARKER = re.compile(r"^\s*(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _MARKERS)
                     + r")(?:\s+|(?<=\d\.)(?=[" + _CAPITALS + "]))")
# A sentence ends at ".", "!" or "?" before a capital, and after "như sau:" — "Thực hiện Công văn
# số …; UBND tỉnh có ý kiến như sau: Sở X chủ trì …" carries its duty after the recital.
# A run-on page (a PDF's text whose line breaks were lost) keeps its list markers inside a line:
# "Giao Sở X: a) rà soát …; b) báo cáo …", "… như sau: 1. Sở A …. 2. Sở B …".
_INLINE_ITEM = re.compile(r"(?<=[:;.])\s+(?=(?:[a-zđ]\)|\(?\d{1,2}[.)]|[-•])\s+\S)")
# Where one sentence may give a second duty: "… và Sở B kiểm tra …", "…, đồng thời UBND các xã …".
# A capital and a small letter, accented or not: the ranges "À-Ỹ" and "à-ỹ" hold both ("đ" and "Đ", "ở" and "Ủ")
_ACCENTED = [chr(c) for c in range(0xC0, 0x1EFA)]
_CAPITAL = "[A-Z" + "".join(c for c in _ACCENTED if c.isupper()) + "]"
_SMALL = "[a-z" + "".join(c for c in _ACCENTED if c.islower()) + "]"
# "trong khi" joins two units' duties as "và" does: "Công an tỉnh đảm bảo an toàn thông tin, trong khi Sở X chủ trì …"
_JOINT = re.compile(r",?\s+(?:và|đồng thời,?|trong khi)\s+(?=" + _CAPITAL + ")")
_JOINT_TRIES = 4     # joints tried in one clause: a long list of "và" stays linear
# A paragraph opening with a subject of its own ("Các nội dung khác …"): no item of the names heading it.
_OWN_SUBJECT = re.compile(r"(?:cac|nhung|moi|toan bo) ")
# … and, after a comma closing a duty, the localities acting: "Bộ Quốc phòng, Bộ Công an huy động lực lượng
# …, các địa phương hỗ trợ bố trí nơi ăn ở …" (not other units: a comma goes on with a list of them), or the
# issuing authority giving a second duty: "… ngoài giao nhiệm vụ cho Sở A chủ trì …, UBND tỉnh giao UBND các huyện
# chủ trì …" (not after an opening, no duty: "Để triển khai tốt kế hoạch này, UBND tỉnh giao Sở A chủ trì …")
_COMMA_JOINT = re.compile(r",\s+(?=các địa phương\b|(?:(?:Chủ tịch )?(?:UBND|Ủy ban nhân dân) tỉnh"
                          r"|Thủ tướng(?: Chính phủ)?) (?:giao|yêu cầu|đề nghị)\s)")
# A periodic report opening a sentence ("Định kỳ 06 tháng các cơ quan có liên quan báo cáo …", "Định kỳ gửi báo
# cáo kết quả …"; "k" alone: a page's broken "ỳ").
_PERIODIC_REPORT = re.compile(r"dinh k\S*\b[^.;]{0,60}\bbao cao\b")
_JOINT_WINDOW = 200  # characters after a joint read for its subject
# Verbs whose objects may be units, and how many words back from a joint they are looked for.
_DIRECTING = [["chi", "dao"], ["huong", "dan"], ["don", "doc"], ["phoi", "hop"], ["yeu", "cau"], ["de", "nghi"],
              ["giao", "cho"], ["trach", "nhiem"]]
_OBJECT_REACH = 8
# A purpose after a duty, and the words before the unit a report goes through or to: "… qua Sở X
# trước ngày 10/5 để tổng hợp, báo cáo UBND tỉnh trước ngày 18/5".
_PURPOSE = re.compile(r"\s+để\s+")
_RECEIVING = (["qua"], ["ve"], ["cho"], ["toi"], ["den"])
# A unit named by its head word alone, lower case after it: "Bộ cũng có nhiệm vụ …", "Tỉnh căn cứ …".
_HEAD_ALONE = re.compile(r"(?:Sở|Bộ|Cục|Viện|Tỉnh|Huyện|Xã|Phường)\s+(?=" + _SMALL + ")")
# "Cơ quan này cũng chủ trì …": the body the sentence before gave a duty to, named again
_THIS_BODY = re.compile(r"(?:Cơ quan|Đơn vị) này\s+(?=" + _SMALL + ")")
# "UBND TP. Vinh", "TX. Sơn Tây": a tier's abbreviation before a name ends no sentence; before a body or a title,
# which no place's name begins with, it does: "… trực thuộc TP. Chủ tịch UBND TP cũng chỉ đạo …"
_SENTENCE_END = re.compile(r"(?<=[.!?…])(?:(?<!\bT[Pp]\.)(?<!\bTX\.)|(?=\s+(?:(?:Phó )?Chủ tịch|UBND|Ủy ban|Uỷ ban"
                           r"|Sở|Bộ|Thủ trưởng|Giám đốc)\s))\s+(?=[-+•*\d\"“(]|" + _CAPITAL + r")|(?<=[Nn]hư sau:)\s+")
# a proposal a notice answers may be long; a title with no stop runs into the sentence after it ("1. Về
# đánh giá … năm 2025" then "Đề nghị các cơ quan …: tổ chức …"), whose trigger ends the topic; the colon after
# a head of names ("Về ý kiến …, Phó Thủ tướng giao các Bộ: Tài chính, Xây dựng …") opens a list, not a duty
# So is a matter "Đối với …:" with no comma before its colon ("Đối với cơ sở khám chữa bệnh: Sở Y tế có trách
# nhiệm …"; not "Đối với các nội dung …, Sở X thực hiện các việc sau: …", whose unit comes first).
_TOPIC = re.compile(r"(?:[Vv]ề|V/v)\b(?:(?!\s(?:Đề nghị|Giao|Yêu cầu)\s)[^:]){1,800}(?<!Bộ)(?<!Sở):\s+(?=\S)"
                    r"|Đối với\b[^:,;.]{1,200}:\s+(?=\S)")
# A sentence telling what happened on a day ("Ngày 08/4/2021, Văn phòng UBND tỉnh ban hành Văn bản …
# giao Sở X …") recounts, it does not assign.
# So does one opening with a time of day: "Chiều 14-6, ông … chủ trì cuộc họp …".
# So does one citing a document: "(Đồng thời, / Ngoài ra,) tại Thông báo số …, Thủ tướng đã giao …".
_CITING = (r"(?:(?:dong thoi|ngoai ra),? )?tai (?:thong bao|bao cao|van ban|cong van|ket luan|cong dien"
           r"|nghi quyet|quyet dinh|chi thi|ke hoach) so\b")
_NARRATIVE = re.compile(r"(?:ngay|sang|chieu|trua|toi) \d{1,2}(?:[/-] ?| thang )\d|" + _CITING)
# A body's name heading its items, the tree holding no such unit: "3. Cục Đường bộ Việt Nam" then "- Chỉ đạo …".
_OUTSIDE_HEAD = re.compile(r"(?:Cục|Tổng cục|Vụ|Viện|Ban|Trung tâm|Tổng công ty|Tổng Công ty|Tập đoàn) " + _CAPITAL)
# The line the addressees follow: "Kính gửi:", "Đồng kính gửi:", a dispatch's "THỦ TƯỚNG CHÍNH PHỦ điện:".
# "9. Các cơ sở sản xuất, kinh doanh, dịch vụ và đơn vị thực hiện dịch vụ vệ sinh môi trường." above its items:
# bodies named by their kind, outside any tree (businesses, investors, contractors, households)
_OUTSIDE_KINDS = re.compile(r"^(?:doi voi )?(?:cac |nhung )?(?:co so (?:san xuat|kinh doanh)|doanh nghiep|chu dau tu"
                            r"|nha thau|cong ty|hop tac xa|ho gia dinh|nguoi dan)\b")
# What a body outside the tree has written asking, told in the past: "Thứ ba, Doanh nghiệp có liên quan đã nhiều lần
# có văn bản gửi các cơ quan có thẩm quyền (…, UBND tỉnh, Công an tỉnh, …) đề nghị hướng dẫn …" (a letter's account,
# heldout112), "Các hộ gia đình đã có đơn gửi UBND xã … kiến nghị …": its request, no duty of the units it wrote to
# (with _OUTSIDE_KINDS opening it)
_WROTE_ASKING = re.compile(r"^[^.;]{0,100}?\b(?:da|tung)(?: \w+){0,3}? (?:co|gui) (?:van ban|cong van|don)\b"
                           r"[^.;]{0,300}?\b(?:de nghi|kien nghi)\b")
# A list item naming a document, not a duty: "- Nghị định số 214/2025/NĐ-CP ngày 04/8/2025 của Chính phủ quy định …",
# "- Ý kiến chỉ đạo của Ban Thường vụ Thành ủy tại Văn bản số 43-CV/TU …" (what a duty above is to follow); also a
# line of its own with no marker: "Chương trình hành động số 07-CTr/TU của Thành ủy …;" after "…, bám sát Chương
# trình hành động số 01-CTr/TU …;", the page's list of the programmes a duty follows
_CITED = re.compile(r"^(?:cac )?(?:luat|nghi dinh|nghi quyet|thong tu|chi thi|quyet dinh|cong van|van ban|ke hoach"
                    r"|chuong trinh"
                    r"|y kien chi dao)\b[^.;]{0,80}?\b(?:so )?\d+[/-]")
# The addressees' line: "Kính gửi:", "BỘ X điện:", and a dispatch's as a report gives it ("Công điện gửi Chủ tịch …")
_ADDRESSED = re.compile(r"^(?:dong )?kinh gui\b|^cong dien (?:nay )?gui\b|^[^.;]{0,60}\bdien:$")
# The document's header — the country's name or motto beside the issuer ("UBND TỈNH X / SỞ CÔNG THƯƠNG"), then its
# number, place and date, and subject: who writes, not a heading of duties nor a duty
_HEADER = re.compile(r"\bcong hoa xa hoi chu nghia viet nam\b|\bdoc lap [-–] tu do [-–] hanh phuc\b")
_RECITALS = ("can cu", "xet de nghi", "theo de nghi", "kinh gui", "trich yeu", "v/v", "ve viec",
             "tren co so de nghi",   # the step's basis, not its lead: "Trên cơ sở đề nghị của X, Sở Y chủ trì …"
             "tiep theo")   # "Tiếp theo Công văn số …, kết quả …, Thủ tướng đã ban hành … chỉ đạo Bộ X …"
# "Thực hiện Công văn số …, Chỉ thị …, ý kiến chỉ đạo …" recites; "Thực hiện nghiêm việc cải cách …" is a duty, and
# so is carrying a text out in a manner ("Thực hiện nghiêm túc Công văn số 2171/UBND-KTN …", "Thực hiện tốt …").
_CARRYING_OUT = re.compile(r"thuc hien (?!(?:nghiem|tot|day du|co hieu qua|hieu qua|kip thoi)\b)(?:\w+ ){0,2}?"
                           r"(?:cong van|chi thi|nghi quyet|ket luan|quyet dinh|thong bao|"
                           r"ke hoach|van ban|y kien|chi dao|luat|nghi dinh|chuong trinh|thong tu|cong dien)\b")
# A case or a time before the subject: "Trường hợp nhu cầu chi tăng mạnh …, Sở X thuyết minh …", "Trong quá trình
# xây dựng dự toán …, Sở X xác định …" — the duty after its comma, as after a recital's; not what is to be done
# should something arise ("Trong quá trình triển khai nếu có phát sinh …, Sở X …", "Trường hợp có điều chỉnh phạm vi
# …, UBND các phường, xã chủ động …"), nor a case that is the clause itself ("Trường hợp, UBND xã X chậm thực hiện …
# thì …").
_CONDITION = re.compile(r"^(?:truong hop|trong qua trinh) "
                        r"(?![^,]*\b(?:neu|co (?:phat sinh|dieu chinh|thay doi))\b)\w")
_TRIGGERS = (("giao",), ("giao", "trach", "nhiem"), ("yeu", "cau"), ("de", "nghi"), ("chi", "dao"),
             ("phan", "cong"), ("nhan", "manh"),   # "Chủ tịch UBND tỉnh nhấn mạnh Cục Thuế tỉnh phải …"
             ("yeu", "cau", "doi", "voi"),   # "… nêu yêu cầu đối với Sở X như sau:" then X's items
             ("chi", "thi"))   # the verb: "Thủ tướng Chính phủ chỉ thị các bộ, … Ủy ban nhân dân các tỉnh …"
_TRIGGER_WORDS = {w for t in _TRIGGERS for w in t}
_STEERING = ("ban", "chi", "dao")   # a steering committee: "Ban Chỉ đạo 389 tỉnh", "Ban chỉ đạo huyện"
_MEMBERS_OF = ("cac", "co", "quan", "thanh", "vien")   # "Các cơ quan thành viên Ban Chỉ đạo …"
_STEERING_NAME = 12   # words of a steering committee's name and level, with the "và" after it, at most
_PARTY_TIERS = {"dang", "tinh", "thanh", "huyen"}   # the party committee a secretary heads: "Bí thư Đảng ủy"
_SPEAKER_NAME = 4   # the words of a person's name between a body speaking and its trigger: "… Nguyễn Hoài Anh yêu cầu"
_HEADS_OF = (("thu", "truong"), ("giam", "doc"), ("chu", "tich"), ("lanh", "dao"), ("nguoi", "dung", "dau"))
_ASKING = (("giao",), ("yeu", "cau"), ("de", "nghi"), ("phan", "cong"))   # "chỉ đạo" is a duty of its own
_AGAIN = (("cung",), ("tiep", "tuc"))   # "UBND tỉnh cũng yêu cầu …", "… tiếp tục đề nghị …"
_REQUESTS = (("yeu", "cau"), ("de", "nghi"))
# Bodies named in general before the units a trigger names: "yêu cầu các đơn vị, UBND xã, phường khẩn trương …"
_GENERAL_BEFORE = (("cac", "don", "vi", ","), ("cac", "co", "quan", ",", "don", "vi", ","),
                   # "yêu cầu các cơ quan, đơn vị, các ngành có liên quan và UBND các xã …" (a district's text)
                   ("cac", "nganh", "co", "lien", "quan", "va"), ("cac", "nganh", "lien", "quan", "va"))
# … and the one body singled out after the staff or the bodies named in general: "đề nghị cán bộ công chức, nhất là
# Trung tâm Phục vụ hành chính công phải …", "yêu cầu các đơn vị, đặc biệt là Sở X …"
_SINGLED_OUT = (("nhat", "la"), ("dac", "biet", "la"), ("truoc", "het", "la"))
_IN_GENERAL = {"can", "bo", "cong", "chuc", "vien", "nguoi", "lao", "dong", "cac", "don", "vi", "co", "quan", ","}
# The last words of a line broken inside a phrase: the phrase goes on below.
_BROKEN_OFF = {"cua", "va", "cac", "ve", "voi", "tai", "so", "cho", "trong", "theo", "thuoc", "doi", "tren", "den",
               "nhung", "nham", "de", "o", "la", "hoac", ","}
_FRONT_WORDS = 11   # "ủy ban mặt trận tổ quốc việt nam thành phố ," and the word before it
_FRONT = re.compile(r"(?:^| )(?:(?:uy ban )?mat tran to quoc(?: viet nam)?(?: (?:tinh|thanh pho|cac cap))?"
                    r"|(?:cac )?cap uy(?: dang)?(?: cac cap)?) (?:,|va)$")
_RECITAL_TRIES = 3
# Words between a trigger and the units it names: "giao cho", "đề nghị Giám đốc Sở", "yêu cầu Chủ tịch UBND".
_TITLES = {"cho", "giam", "doc", "chu", "tich", "thu", "truong", "cac", "dong", "chi", "lanh", "dao", "ong", "ba",
           "nguoi", "dung", "dau", "cuc", "chanh", "pho", "tong",   # also "Cục trưởng", "Chánh …", "Phó …"
           "bo",   # "Giao đồng chí Bộ trưởng Bộ Xây dựng …"
           "tung"}   # each of them: "Chính phủ yêu cầu từng Bộ trưởng, … Chủ tịch UBND tỉnh …"
# Offices that may stand before each unit in a list of leads: "Giám đốc Sở A, Giám đốc Sở B và Chủ tịch UBND …",
# "Bộ trưởng Bộ Quốc phòng, Bộ trưởng Bộ Công an …".
_OFFICES = {"giam", "doc", "chu", "tich", "thu", "truong", "cuc", "chanh", "pho", "tong", "bo",
           "bi"}   # "Bí thư, Chủ tịch UBND các tỉnh …": the party secretary named before the chairman
# Words that tell which places a heading's committees cover: "Chủ tịch UBND các tỉnh, thành phố từ Hà Tĩnh
# đến Lâm Đồng, trong đó trọng tâm là các tỉnh: Đắk Lắk, Gia Lai:" — the names after them are places.
_COVERING = {"tu", "den", "trong", "do", "tam", "la", "nhat", ":"}
_COVERED = {"tu", "den", "la", ":"}   # the words a run of place names follows
_LISTED_WORDS = 40   # words of a list of bodies before a colon at most
# Words that may sit between coordinating units: "phối hợp với Sở A, Sở B và các cơ quan có liên quan".
_FILLERS = {",", "va", "voi", "cac", "co", "quan", "lien", "don", "vi", "dia", "phuong", "nganh", "ban", "so",
            "cung", "tinh", "huu", "doan", "the", "thanh", "pho", "trong",
            "cap"}   # a level: "các cơ quan cấp tỉnh và …"
_SEPARATORS = {",", "va"}
_UNIT_NOUNS = {"chuc", "nang"}   # "các đơn vị chức năng": bodies, in a list of units
# Bodies outside the tree a list of leads may name among its units: "các sở, ban, ngành, tổ chức chính
# trị - xã hội, đoàn thể, UBND các xã …", "Bộ Tài chính, Ngân hàng Nhà nước Việt Nam, Bộ Công an và …" (the
# central bodies beside the ministries: the central bank, the state auditor, the national news agency and
# broadcasters: "Các Bộ: Quốc phòng, Công an; Thông tấn xã Việt Nam; Ủy ban An toàn giao thông Quốc gia báo cáo …").
_BODIES = re.compile(r"\bto chuc chinh tri xa hoi(?: tinh)?\b|\bdoan the(?: cap tinh| tinh| thanh pho)?\b"
                     r"|\bco quan nganh doc(?: dong tren dia ban)?\b"
                     # "các sở, ban, ngành, các cơ quan Trung ương đóng (chân) trên địa bàn tỉnh và UBND các huyện …"
                     r"|\bco quan trung uong dong(?: chan)? tren dia ban(?: tinh| thanh pho)?\b"
                     r"|\bdon vi su nghiep(?: cong lap)?\b"   # "các sở, ngành, đơn vị sự nghiệp công lập và UBND xã"
                     r"|\buy ban mat tran to quoc(?: viet nam)?(?: tinh)?\b"
                     r"|\b(?:ngan hang|kiem toan) nha nuoc(?: viet nam)?\b"
                     r"|\b(?:dai truyen hinh|dai tieng noi|thong tan xa) viet nam\b")
# Between the units that lead, also the bare nouns of a list of bodies: "Các sở, ban, ngành, cơ quan, đơn
# vị, UBND các huyện …".
_LEAD_GAPS = _SEPARATORS | {"cac", "co", "quan", "don", "vi"} | _OFFICES
# Between the units a heading or a subject names, also the offices of each: "1. Bộ trưởng các Bộ, Thủ trưởng cơ
# quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh, thành phố" (then its items).
_NAMING_GAPS = _SEPARATORS | _OFFICES

# Openings before the units that act: "Trên cơ sở đó, Sở X …", "Đồng thời, UBND các xã …".
_OPENERS = (("tren",),   # a ground or a place first: "Trên cơ sở đó, Sở X …", "Trên đất liền, các địa phương …"
            ("dong", "thoi"), ("sau", "do"), ("ngoai", "ra"), ("cung", "voi", "do"),
            ("song", "song", "do"), ("song", "song", "voi", "do"),   # "Song song đó, Sở Y tế, UBND các huyện …"
            ("sau", "khi"),   # a condition first: "Sau khi phương án … được thông qua, Bộ X …"
            ("doi", "voi"),   # a matter first: "Đối với các nội dung thuộc thẩm quyền, Sở X phối hợp …"
            ("ben", "canh", "do"), ("theo", "do"),   # also with more before the comma: "Theo đó, trong thời gian …,"
            ("theo", "chi", "dao"),   # the direction cited first: "Theo chỉ đạo của Phó Chủ tịch UBND tỉnh X, các sở …"
            ("trong", "do"),   # one of the tasks a report says were given: "Trong đó, Sở GTVT sớm tham mưu …"
            ("cu", "the"),   # the duties a demand spells out: "Cụ thể, Bộ X …", "Cụ thể, về giải pháp …, các Bộ …"
            # a time first: "Trước ngày 25-10, UBND các huyện …", "Hằng quý, các quận …"
            ("truoc", "ngay"), ("cham", "nhat"), ("hang", "thang"), ("hang", "quy"), ("hang", "nam"), ("dinh", "ky"),
            ("hang", "tuan"), ("hang", "ngay"),   # "Hàng tuần, UBND các xã, phường báo cáo …"
            ("trong", "thoi", "gian"),   # "Trong thời gian nghỉ lễ, các cơ quan, đơn vị và địa phương phải …"
            ("trong", "thoi", "han"),   # "Trong thời hạn 03 tháng kể từ ngày …, Bộ X có trách nhiệm chuyển giao …"
            ("ve",),   # a side or a topic first: "Về phía địa phương, UBND các tỉnh …", "Về các nội dung chuyên
            # môn, Sở Nội vụ tham mưu …"
            ("voi", "vai", "tro"),   # a role first: "Với vai trò là chủ đầu tư, Tập đoàn X …"
            ("de",),   # a purpose first: "Để triển khai kế hoạch …, Bộ X phải xây dựng …"
            ("rieng",),   # a matter singled out: "Riêng vị trí tổ chức lễ khởi công, UBND xã X sẽ phối hợp …"
            # the points of a conclusion counted: "Sáu là, các Sở: Tài chính, … có ý kiến …", "Thứ hai, Sở X …"
            *((number, "la") for number in ("mot", "hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin", "muoi")),
            *(("thu", number) for number in ("nhat", "hai", "ba", "tu", "nam", "sau", "bay", "tam", "chin", "muoi")),
            # the document a report just named, cited first: "Theo quyết định nêu trên, Sở Nội vụ được giao …" (not
            # an earlier one by its number, "Theo Quyết định số …": an assignment recounted)
            *(("theo", *kind, *which) for kind in (("quyet", "dinh"), ("ke", "hoach"), ("chi", "thi"), ("cong", "van"),
                                                   ("van", "ban"), ("thong", "bao"), ("cong", "dien"))
              for which in (("neu", "tren"), ("tren",), ("nay",))))
# A time limit written right after the trigger, before the units and a comma: "yêu cầu chậm nhất đến ngày 7/8, Sở X …"
_TIMES_FIRST = (("cham", "nhat"), ("truoc", "ngay"), ("trong", "thang"), ("trong", "quy"), ("truoc", "thang"))
_TIME_WORDS = 10   # its words at most ("chậm nhất đến ngày 07 tháng 8 năm 2025")
# A period first, with its end: "Từ ngày 01-3-2026 cho đến khi hoàn thành …, UBND các xã … tạm dừng …" — not a day
# from which a rule holds ("Từ ngày 01 tháng 7 năm 2026, UBND thành phố Hà Nội trực tiếp quản lý …")
_PERIOD_FROM, _PERIOD_TO = ["tu", "ngay"], "den"
# The focus of a report named first, with no comma: "Trọng tâm là việc Sở X được giao nhiệm vụ …"
_FOCUS_FIRST = (("trong", "tam", "la"), ("trong", "tam", "la", "viec"))
# A sentence detailing the duty before it, with no subject: "Trong đó, tập trung báo cáo chi tiết thêm …"
_DETAIL_OF_DUTY = re.compile(r"trong do\b")
# A word that singles out a unit named by its name, with no comma: "Riêng UBND huyện X khẩn trương …"
# (not a tier: "Riêng các xã nông thôn mới đạt 85 % …" tells of a target).
_SINGLING = {"rieng"}
# A consequence drawn after a comma, its subject next: "…, quý I là thời điểm Tết, vì vậy các ngành, địa phương cần …"
_CONSEQUENCE = ([",", "vi", "vay"], [",", "vi", "the"], [",", "do", "do"])
# Words after the units of "Đối với UBND các huyện …" up to which it is a heading of their items ("1. Đối với Ủy ban
# nhân dân các cấp"), not a sentence giving their duty
_TOPIC_HEADING_TAIL = 2
# The year a duty is done in, before its subject: "Năm 2019 các Bộ, ngành hoàn thành việc ban hành …"
_PREFIX_WORDS = 40
_ELIDED = "\u2026"   # stands for the words left out of a long prefix; no word list holds it
_YEAR_FIRST = re.compile(r"^(?:trong )?nam \d{4}(?: ,)?$")
# A unit's own units opening a sentence: "Các đơn vị thuộc Sở X theo chức năng, nhiệm vụ … chủ động phối hợp …"
# (those the unit itself directs: its duty)
_UNITS_UNDER = (("cac", "don", "vi", "thuoc"), ("cac", "don", "vi", "truc", "thuoc"),
                ("cac", "co", "quan", ",", "don", "vi", "thuoc"))   # "Các cơ quan, đơn vị thuộc Bộ X có trách nhiệm …"
# words from "giữa" to the colon of the bodies it lists, the colon counted: "giữa các cơ quan, đơn vị:"
_BETWEEN_REACH = 8
# The signature block ends the text: "TM. ỦY BAN NHÂN DÂN TỈNH", "KT. CHỦ TỊCH", "TL. CHỦ TỊCH".
_TITLE_WORDS = 6   # words (the colon one of them) of a part's title at most: "I. Phương hướng chung:"
_CAPITALS_TITLE = 10   # letters a line in capitals has at least to be a title, not an abbreviation ("UBND")
_SIGNATURE = {"tm.", "kt.", "tl.", "tuq."}
# … but for the text a decision issues, given after it: "CHƯƠNG TRÌNH HÀNH ĐỘNG … (Ban hành kèm theo Quyết định
# số 435/QĐ-UBND …)" — its duties are read from the line after.
_ATTACHED = re.compile(r"\((ban hanh )?kem theo (quyet dinh|ke hoach|van ban)")
# "chủ trì cuộc họp": presiding over a meeting, not leading a task.
_MEETINGS = {"cuoc", "phien", "hoi", "buoi"}
# The most words of a body's name outside the tree standing alone in a list of leads ("Đài Phát thanh và
# Truyền hình tỉnh").
_OUTSIDE_NAME_WORDS = 8
# "Trách nhiệm của Sở X" heading the items of X's duties.
_RESPONSIBILITY_OF = {"trach", "nhiem", "cua"}
# Words of an office before the units that act: "Đồng chí Bộ trưởng Bộ Y tế", "Giám đốc Sở X".
_OFFICIALS = {"cac", "dong", "chi", "bo", "truong", "thu", "giam", "doc", "pho", "nguoi", "dung", "dau"}
# After units that open a sentence, words of a report or a recital, not of a duty: "UBND tỉnh
# có ý kiến", "Sở Tài chính đã báo cáo" — but "có trách nhiệm" is a duty, and "cơ quan" (folded
# like "có") opens an apposition: "Sở Kế hoạch và Đầu tư - cơ quan thường trực … tham mưu".
_REPORT_REACH = 4   # words after the subject within which "vừa" ("has just") tells of a thing done
_PLACE_NAME = 3   # words of a place's name after its first ("Thừa Thiên Huế"; the first may be "Đà", folded "da")
# "X vừa có văn bản / công văn …", "X vừa ban hành công văn …" opening a sentence: a letter just sent, reported
# also a numbered letter reported issued after the recital it carries out ("Thực hiện Kết luận số 226-KL/TW …, ngày
# 14/01/2026, Chủ tịch UBND tỉnh … đã ban hành công văn số 426/UBND-NC …, yêu cầu …", heldout105)
_LETTER_SENT = re.compile(r"^[^,.;:]{0,60}\bvua (?:co (?:van ban|cong van)|ban hanh (?:van ban|cong van))\b"
                          r"|^[^.;:]{0,250}\bda ban hanh cong van so\b")
# … asking for many things it does not name ("… yêu cầu Sở X khẩn trương triển khai nhiều nội dung quan trọng."):
# the sentences after it say which
_UNNAMED_ASK = re.compile(r"\b(?:nhieu|mot so|cac) (?:noi dung|nhiem vu|giai phap|bien phap|cong viec)"
                          r"(?: \w+){0,3}\W*$")
# "Sở X là cơ quan thường trực, chủ trì theo dõi …", "Công an tỉnh là lực lượng nòng cốt, chủ trì …": a role
# that is a duty (not "là cơ quan quản lý …").
_ROLES = (["thuong"], ["dau"], ["chu"], ["nong"])   # thường trực, đầu mối, chủ trì, nòng cốt
_ROLE_BODIES = (["co", "quan"], ["luc", "luong"], ["don", "vi"])
# Words right after the units that tell of them, not give them a task: "có", "đã", "đang", "chưa" (not yet done: a
# shortcoming a review names, "Các sở, ngành chưa thực sự tham gia …"), "là", …
_NOT_DUTY = {"co", "da", "dang", "chua", "la", "ve", "cua", "tai", "vua", "duoc", "nhan", "thong", "(", ")"}
_RESULTS = {("dat", "duoc"), ("dat", "nhieu"), ("dat", "ket"), ("dat", "muc"), ("dat", "chi")}   # (_leads)
# a body's view or account: "Chủ tịch UBND tỉnh X cho rằng báo cáo …", "Sở X cho biết …" (_leads)
_STATES = {("cho", "rang"), ("cho", "biet"), ("nhan", "dinh"), ("khang", "dinh"), ("nhan", "xet")}
# A decision's execution article ("Chánh Văn phòng …, Giám đốc … chịu trách nhiệm thi hành Quyết định
# này", "… căn cứ Quyết định thi hành") names who carries the decision out, not a task to track.
# Also a resolution's, a decree's or a circular's ("… chịu trách nhiệm thi hành Nghị định này"); watching over
# it is a duty ("Bộ X có trách nhiệm theo dõi, giám sát việc thi hành Nghị định này").
_EXECUTION = re.compile(r"(?<!\bviec thi )\bhanh (?:quyet dinh|chi thi|nghi quyet|nghi dinh|thong tu) nay\b"
                        r"|\bquyet dinh thi hanh\b")
# Guiding others in carrying it out is a duty too ("a) Chủ động hướng dẫn tổ chức triển khai thi hành Nghị quyết này
# theo lĩnh vực được phân công quản lý"), and so is organising it, a body's item with no subject of its own
# ("1. Bộ trưởng Bộ Khoa học và Công nghệ có trách nhiệm:" then "a) Tổ chức thi hành Nghị quyết này;", "a) Chịu
# trách nhiệm tổ chức thi hành Nghị quyết này;").
_GUIDES_EXECUTION = re.compile(r"\bhuong dan(?: \w+){0,4} thi hanh\b|^(?:chiu trach nhiem )?to chuc thi hanh\b")
# Answering for the contents of a report already made ("Bộ X chịu trách nhiệm về nội dung giải trình, tiếp
# thu.", "Viện chịu trách nhiệm toàn bộ nội dung, kết quả và số liệu khảo sát."), with no duty after it (not "… về
# nội dung …; chuẩn bị đầy đủ hồ sơ …") nor before it (not "giao UBND các huyện thực hiện chi …; chịu trách nhiệm về
# số liệu báo cáo …"): nothing to carry out.
_ANSWERS_FOR = re.compile(r"^[^;]*?\bchiu trach nhiem (?:toan dien |theo quy dinh )?(?:ve (?:toan bo )?|toan bo )"
                          r"(?:cac )?(?:noi dung|so lieu)\b"
                          r"[^;]*$"
                          # for the accuracy of what it reports: "… phải chịu trách nhiệm trước Chủ tịch UBND tỉnh
                          # về tính chính xác của số liệu báo cáo."
                          r"|^[^.;:]{0,60}?\bchiu trach nhiem truoc [^.;]{1,60}? ve tinh chinh xac\b[^;]*$"
                          # answering for a failure: "Chủ tịch UBND các phường, xã chịu trách nhiệm toàn diện trong
                          # việc quản lý …; chịu trách nhiệm trước Chủ tịch UBND Thành phố nếu để xảy ra …"
                          r"|^[^.;:]{0,60}?\bchiu trach nhiem (?:toan dien )?(?:trong viec|ve|truoc)\b[^.]*"
                          r"\b(?:neu|khi) (?:de )?xay ra\b"
                          # answering for a field of work, and what to do should a breach arise: "Chủ tịch UBND các
                          # xã, phường chịu trách nhiệm toàn diện trước pháp luật và trước Chủ tịch UBND tỉnh về công
                          # tác quản lý …; xử lý … các tổ chức, cá nhân vi phạm (nếu có) theo quy định."
                          r"|^[^.;:]{0,60}?\bchiu trach nhiem toan dien truoc phap luat\b[^;]*?\bve cong tac\b[^;]*"
                          r"(?:;[^;]*\(neu co\)[^;]*)?$")
# Units answering for a failure, in a clause of their own: "thủ trưởng các sở, ngành chịu trách nhiệm trước Chủ tịch
# UBND tỉnh nếu không hoàn thành các nhiệm vụ được giao"
_SANCTION = re.compile(r"[^;]{0,100}?\bchiu trach nhiem (?:toan dien )?truoc\b[^;]*\bneu (?:khong|de)\b")
# A sentence ending so introduces the duties listed below it ("… như sau:", "… các nội dung trọng tâm
# sau:") — not "… rà soát các khoản sau:", whose items are parts of its own duty.
_INTRODUCES = re.compile(r"(?:\bnhu sau|\bsau day|\b(?:nhiem vu|noi dung|giai phap|cong viec|viec|yeu cau)"
                         r"(?: \w+){0,3} sau"
                         # "… thực hiện các chương trình có liên quan như:" then the programmes, each a duty
                         r"|\b(?:nhiem vu|giai phap|cong viec|chuong trinh|hoat dong)(?: \w+){0,3} nhu"
                         # the tasks and measures, the items among them: "2. Chủ tịch UBND các tỉnh … triển khai ngay
                         # các nhiệm vụ, biện pháp cần thiết để …, trong đó:" then "a) Huy động lực lượng …" (each a
                         # duty of the item's units, as after "… các nhiệm vụ sau:")
                         r"|\bcac nhiem vu, (?:giai phap|bien phap)\b[^:;]{0,200}, trong do"
                         # directing the bodies that do the items, and nothing more: "- Ủy ban nhân dân tỉnh X
                         # quyết liệt đôn đốc, chỉ đạo chủ đầu tư, các nhà thầu Dự án …:" then "(i) …", "(ii) …";
                         # "- Chỉ đạo Tổng công ty Cảng hàng không Việt Nam:" then "+ …" (the unit's duties)
                         r"|\bchi dao (?:cac )?(?:chu dau tu|nha thau|tong cong ty|tap doan|cong ty|don vi|co quan)\b"
                         r"(?:(?!\b(?:thuc hien|trien khai|kiem tra|ra soat|bao cao|trach nhiem)\b)[^;:.]){0,120}"
                         # what to carry out, and nothing more: "1. Phòng X tham mưu Hội đồng Y thực hiện:" then "- …"
                         r"|\b(?:thuc hien|trien khai)"
                         # advising the leaders, and nothing more: "2. Vụ Tổ chức cán bộ: Tham mưu Lãnh đạo Bộ:" then
                         # "- Đề xuất …", "- Phân cấp …" (what to advise, each a duty of the unit)
                         r"|\btham muu (?:cho )?(?:lanh dao|chu tich|bo truong|giam doc|uy ban nhan dan|ubnd)"
                         r"(?: (?:bo|so|cuc|tinh|thanh pho|xa|phuong|uy ban nhan dan|ubnd))*):$")
# the items' introduction after a duty of the line's own, closing it: "…, tập trung một số nhiệm vụ cụ thể sau:"
_FOCUS = re.compile(r",\s+tập trung (?:vào |thực hiện )?(?:một số |các )?(?:nhiệm vụ|nội dung)[^,;:]{0,30}sau:$")
_PURPOSE_FIRST = re.compile(r"^de [^;]*:$")
# How a thing is to be done or made, then its items: "Phương án bố trí, sử dụng phải gắn với …, theo hướng:" then
# "- Lựa chọn, tiếp nhận …", "- Giải quyết đầy đủ …" — the thing's features, not duties of their own.
_DIRECTION = re.compile(r"\btheo huong(?: sau)?:$")
# So are the items below "Cụ thể:" standing alone after a duty ("3. Các bộ, ngành, … tổ chức thực hiện … Đề án. Cụ
# thể:" then "- Phối hợp với Bộ X …"): the duty's details (as after "…, cụ thể:", _DETAILS).
_DETAILS_ALONE = re.compile(r"^cu the(?: nhu sau)?:$")
# "Giao Sở A, Sở B xây dựng quy trình …, cụ thể:" then "- Sở A đối với thủ tục số 03;": the items are
# the details of the duty above, not duties of their own.
# So are the contents of a report asked for: "… tổng hợp báo cáo cụ thể về một số nội dung sau:" then "(1) Số hộ …".
_DETAILS = re.compile(r"\bcu the:$|\bbao cao\b[\w ,]{0,40}\bnoi dung sau:$"
                      # what a report holds: "… báo cáo số liệu định kỳ hàng tháng …, bao gồm:" then "(1). Tổng số …"
                      r"|\bbao cao\b[^:]*\bbao gom:$"
                      # the works a duty is done in: "Phối hợp chặt chẽ với … trong việc:" then "- Theo dõi, …"
                      r"|\btrong (?:cac )?viec(?: sau)?:$"
                      # the papers a file holds: "- Lập hồ sơ hoàn công cho từng hộ, bao gồm:" then "+ Đơn đề nghị …"
                      r"|\bho so\b[^:]*\bbao gom:$"
                      # what to heed in doing it: "… xem xét lại từng hồ sơ, trong khi xem xét cần lưu ý:"
                      r"|\bluu y:$")
# So with "…, cụ thể như sau:" where the line has a date of its own ("Giao Sở X … gửi báo cáo trước 12 giờ
# ngày 27 tháng 11 năm 2025, cụ thể như sau:" then "(1) Phương án 1: …"): a duty, not an introduction.
_DATED_DETAILS = re.compile(r"\bcu the nhu sau:$")
# A body's members listed below ("Thành phần Ban Chỉ đạo gồm:" then "(i) Trưởng Ban Chỉ đạo là …"): who sits on
# it, not what anyone is to do.
# A meeting's minutes tell, under such a title, who took part, what was discussed and what each body said
# ("I. Thành phần tham gia", "1. Tóm tắt nội dung chính", "2. Ý kiến của các cơ quan tham dự", "2.1. Ý kiến của
# Sở X"): what is below it, down to the next title of its rank, is an account, not the duties agreed
# So is, in a plan, the title of its purposes, requirements and targets ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "2. Yêu
# cầu", "1. Mục tiêu chung"): what it aims at, not who is to do what.
_ACCOUNT = re.compile(r"^(?:thanh phan (?:tham gia|tham du|du hop)|tom tat noi dung|y kien (?:cua|phat bieu|tham gia)"
                      r")\b"
                      r"|^(?:muc dich(?:,? (?:va )?yeu cau)?|yeu cau|muc tieu(?: chung| cu the)?)$")
_MEMBERS = re.compile(r"^thanh phan\b[^.;:]{0,80}\bgom(?: co)?:$"
                      # also a body set up or renewed with its members: "Kiện toàn Ban Chỉ đạo …, gồm các thành viên
                      # sau đây:" then "- Bộ trưởng Bộ Nội vụ, Phó Trưởng ban thường trực;"
                      r"|\bgom (?:cac )?thanh vien(?: sau day| sau| nhu sau)?:$"
                      # and what bodies have done, listed: "… các Bộ đã có báo cáo Chính phủ như sau:" then "1. Bộ Tài
                      # chính báo cáo về tiếp thu, giải trình …" — an account, not duties
                      r"|\bda (?:co )?(?:bao cao|trinh|hoan thanh)\b[^.;:]{0,60}\bnhu sau:$")
# A trigger opening an item and naming bodies: "Đề nghị Ủy ban …", "Yêu cầu các Tập đoàn …" (not "Yêu cầu và
# đôn đốc …").
_TRIGGER_NAMING = re.compile(r"\s*(?:Đề nghị|Yêu cầu)\s+(?:các\s+)?" + _CAPITAL)
_TRIGGER_ASKING = re.compile(r"\s*(?:de nghi|yeu cau)\s+(.*)")   # the same, folded: what follows the trigger
# A clause asking bodies: "Chủ tịch UBND tỉnh yêu cầu các thành viên Ban chỉ đạo …" (not "giao thông").
_ASKS_BODIES = re.compile(r"\b(?:yeu cau|de nghi|giao(?! thong))\b")
# Every body of the State, exhorted (also as a list item, under a heading): "(4) Sau khi …, các Bộ, cơ quan,
# địa phương tập trung …", "…, các bộ, cơ quan, đơn vị, địa phương chủ động bố trí …", each of them too: "o) Về
# nhiệm vụ cụ thể …: Từng bộ, cơ quan, địa phương … khẩn trương tổ chức triển khai …".
_EVERY_BODY = re.compile(r"^(?:[^,]{0,80}, )?(?:cac|tung) bo, (?:co quan|nganh),? (?:don vi, )?(?:va )?dia phuong\b")
# … but told by a trigger in a letter with addressees ("Kính gửi: - Các bộ, …; - Ủy ban nhân dân tỉnh, …"), "(các)
# bộ, ngành, địa phương" are the addressees: "… đề nghị bộ, ngành, địa phương khẩn trương tổng hợp …".
_TOLD_EVERY_BODY = re.compile(r"\b(?:de nghi|yeu cau|giao) (?:(?:cac )?bo, (?:co quan|nganh),? (?:va )?dia phuong"
                              r"|quy (?:uy ban|co quan|bo|so)\b)")   # also the addressees' courtesy name: "Quý Ủy ban"
# … and, after a report's opening named the units in general (_opening_units), "the units" told again: "Chủ tịch UBND
# tỉnh yêu cầu các cơ quan, đơn vị tổ chức quán triệt …", "Trong công tác ban hành văn bản, các đơn vị tiếp tục …"
_TOLD_THE_UNITS = re.compile(r"\b(?:yeu cau|de nghi) cac (?:co quan, )?don vi "
                             r"(?!lien quan\b|thuoc\b|truc thuoc\b|co\b)"
                             r"|^(?:[^,;]{0,60}, )?cac (?:co quan, )?don vi "
                             r"(?:tiep tuc|khan truong|tap trung|chu dong)\b")
# … and, introducing the items below, the bodies in general: "… Bộ Xây dựng yêu cầu các cơ quan, đơn vị:".
_INTRODUCES_ADDRESSEES = re.compile(r"\b(?:de nghi|yeu cau) cac co quan, don vi(?: lien quan)?:$")
# A letter's part for every body it is sent to, its "-" items each a task of the addressees, as the units' own
# headings below give theirs: "1. Trách nhiệm chung của các cơ quan, đơn vị", "Nhiệm vụ chung:"
_GENERAL_DUTIES = re.compile(r"^(?:trach nhiem|nhiem vu) chung(?: cua (?:cac )?co quan, don vi(?: lien quan)?)?:?$")
# "Điều 2. Sở Khoa học và Công nghệ có trách nhiệm:" — the unit whose duties the items below are; also with the
# bodies it works with: "Sở Y tế … có trách nhiệm chủ trì, phối hợp với Sở Nội vụ và … thực hiện:"
_RESPONSIBLE = re.compile(r"\b(?:co|chiu) (?:trach nhiem|nhiem vu)(?: \w+){0,2}:$"
                          r"|\bco trach nhiem chu tri\b[^:;.]{0,100} thuc hien:$")
# "… tập trung thực hiện một số công việc sau:", "… triển khai các nhiệm vụ sau:" — units told to do the items.
_CARRY_OUT = re.compile(r"\b(?:thuc hien|trien khai)\b[^:]{0,60}\bsau:$")
# … also with its first item after the colon, on the same line: "… chỉ đạo Sở X triển khai một số nội dung sau:
# Khuyến khích …" then "Kiểm tra, giám sát …" (a paragraph with no marker): the next items
_CARRY_OUT_INLINE = re.compile(r"\b(?:thuc hien|trien khai)\b[^:]{0,60}\bsau: \w")
# "Văn phòng UBND tỉnh thông báo để Sở X … thực hiện", "Văn phòng Chính phủ trân trọng thông báo": the
# notice's closing, no duty.
# So is a letter's thanks: "Bộ X trân trọng cảm ơn và rất mong tiếp tục nhận được sự quan tâm, phối hợp …".
# Commending what bodies did ("Phó Thủ tướng đánh giá cao tinh thần trách nhiệm trong chỉ đạo … của các bộ, ngành,
# nhất là Bộ X …") gives them no duty — unless the sentence goes on to ask ("…, đồng thời yêu cầu Bộ Y …").
_COMMENDS = re.compile(r"\bdanh gia cao\b(?!.*\b(?:yeu cau|de nghi)\b)")
# The Prime Minister or a Deputy asking ("Thủ tướng Chính phủ yêu cầu …", "Phó Thủ tướng Trịnh Đình Dũng yêu cầu …"):
# "các địa phương" he speaks to are the provinces
_HEAD_OF_GOVERNMENT_ASKS = re.compile(r"\bthu tuong(?: chinh phu)?(?: \w+){0,3} (?:yeu cau|giao|de nghi)\b")
# … and so are those of a text told to have been sent to the provinces' committees ("Bộ X có văn bản gửi UBND tỉnh,
# thành phố khu vực …", "… vừa có công điện gửi Ủy ban nhân dân các tỉnh, thành phố …"), as its addressees would say
_SENT_TO_PROVINCES = re.compile(r"\bgui (?:[^.;]{0,80}?\b)?(?:uy ban nhan dan|ubnd) (?:cac )?tinh, thanh pho\b")
# (the sentence's own verb, near its start: not a duty's "…; thông báo cho thuyền trưởng …" after another verb)
# An office conveying a leader's direction ("Văn phòng UBND tỉnh truyền đạt ý kiến chỉ đạo của đồng chí …, Phó Chủ tịch
# …", a letter's or a report's opening): what the office does, the duties follow it
_ANNOUNCES = re.compile(r"^[^;]{0,60}?\bthong bao (?:de|cho)\b|tran trong (?:thong bao|cam on)"
                        r"|^[^;,]{0,60}?\btruyen dat y kien (?:(?:chi dao|ket luan) )?cua\b")
# Clauses that restate, not assign: carrying out this very text ("… triển khai thực hiện nghiêm túc Chỉ
# thị này", "… thực hiện nghiêm túc, hiệu quả Chỉ thị này", "… chịu trách nhiệm thực hiện Kế hoạch này", a
# regulation's "… tổ chức triển khai thực hiện nghiêm túc Quy chế (Quy định) này" —
# not "theo dõi việc thực hiện …", "bố trí kinh phí để thực hiện …", "… trong quá trình triển khai Kế hoạch
# này", when a duty is done), doing as told
# ("… thực hiện nghiêm túc./.", "… thực hiện đúng chức năng được giao", "… triển khai kịp thời, hiệu
# quả các nhiệm vụ được giao tại Kế hoạch" — not the units "được phân công chủ trì thực hiện nhiệm vụ
# được giao …", who are then given a duty), and reporting difficulties should any arise.
# The purpose a sentence opens with, up to its comma: "Để kịp thời triển khai thực hiện Chỉ thị này, …" (folded as
# "Đề nghị", "Đề xuất" are, which are not purposes)
_PURPOSE_OPENING = re.compile(r"de (?!nghi\b|xuat\b)[^,;]*,")
_RESTATES = re.compile(r"(?<!viec )(?<!de )(?<!de trien khai )(?<!viec trien khai )(?<!qua trinh )(?<!chu tri )"
                       r"\b(?:thuc hien|trien khai|thi hanh)"
                       # (a manner of two words one of the three: "… thực hiện nghiêm túc, hiệu quả Chỉ thị này")
                       r"(?:,? (?:nghiem tuc|hieu qua|kip thoi|dong bo|\w+)){0,3}"
                       r" (?:chi thi|ke hoach|quyet dinh|cong van|van ban|quy che|quy dinh) nay\b"
                       r"|\bcan cu (?:noi dung )?(?:quyet dinh|ke hoach|chi thi)(?: nay)? de (?:trien khai )?"
                       r"thuc hien\b"
                       r"|\bthuc hien dung chuc nang"
                       # "… thực hiện các nhiệm vụ được giao", "… các nhiệm vụ cấp trên giao phó"
                       # (not as the purpose of a duty of its own: "… bố trí kinh phí … để (triển khai) thực hiện
                       # nhiệm vụ được giao")
                       r"|(?<!chu tri )(?<!de )(?<!de trien khai )\b(?:thuc hien|trien khai)(?:,? \w+){0,4}"
                       r" (?:cac )?nhiem vu"
                       # (not "… được giao chủ trì tại Phụ lục …": those it leads, listed elsewhere; nor "… được giao
                       # tại Điều 71 Nghị định …": those another text gave)
                       r" (?:duoc|cap tren) giao\b(?! chu tri)"
                       r"(?! tai (?:dieu|khoan|luat|nghi dinh|nghi quyet|thong tu)\b)"
                       # "… tập trung chỉ đạo thực hiện có hiệu quả các nhiệm vụ trong Kế hoạch."
                       r"|\bthuc hien(?:,? \w+){0,4} (?:cac )?nhiem vu (?:trong|cua) (?:ke hoach|chi thi)(?: nay)?\W*$"
                       # "… khẩn trương triển khai hiệu quả (hoàn thành) các nhiệm vụ nêu trên"
                       r"|\b(?:thuc hien|trien khai|hoan thanh)(?:,? \w+){0,4} (?:cac )?nhiem vu (?:neu )?tren\b"
                       # "… thực hiện Kế hoạch.", "… tổ chức thực hiện kế hoạch theo đúng quy định của pháp luật …"
                       r"|\bthuc hien (?:chi thi|ke hoach)(?: theo (?:dung )?quy dinh[\w ,]{0,60})?\W*$"
                       # "… thực hiện đúng yêu cầu, tiến độ tại Kế hoạch": doing the plan as it asks
                       r"|\bthuc hien (?:dung|theo) (?:cac )?yeu cau(?:, tien do)?(?: de ra)? (?:tai|trong|cua) "
                       r"(?:chi thi|ke hoach|quyet dinh)\b"
                       # "Tổ chức triển khai thực hiện Quy định … tại cơ quan, đơn vị mình": applying the text's
                       # document in one's own body, the whole of it
                       r"|^(?:to chuc )?trien khai,? thuc hien (?:quy dinh|quyet dinh|chi thi|ke hoach)\b[^;.]{0,160}"
                       r"\btai (?:co quan, don vi|co quan|don vi|dia phuong) minh\W*$"
                       # the text's own duties by its parts: "Tổ chức triển khai thực hiện các nhiệm vụ, giải
                       # pháp chủ yếu tại phần III và các đề án ưu tiên tại Phụ lục kèm theo Nghị quyết này."
                       r"|^(?:to chuc )?(?:trien khai|thuc hien)(?: thuc hien)? (?:cac )?nhiem vu(?:, giai phap)?"
                       r"(?: chu yeu)? (?:neu )?tai (?:phan|muc)\b[^;.]{0,160}\bnay\W*$"
                       # the bodies given duties by this text told to do them: "Các cơ quan, đơn vị được phân
                       # công nhiệm vụ có trách nhiệm thực hiện nghiêm túc theo đúng tiến độ, chất lượng."
                       r"|^cac co quan,? don vi duoc (?:phan cong|giao) nhiem vu\b[^.;]{0,40}\bthuc hien nghiem tuc\b")
# A sentence giving bodies outside the tree a duty of their own ("Các tổ chức, cá nhân … có trách nhiệm … chậm
# nhất trước ngày 1-1-2025") does not date the duty before it.
# The persons the item told, asked again: "1. Chủ tịch UBND thành phố Hà Nội khẩn trương … . Đề nghị các đồng chí
# khẩn trương nghiên cứu … và báo cáo Thủ tướng Chính phủ trước ngày 10 tháng 12 năm 2025." — that item's leads.
# (not "Đề nghị các đồng chí Ban Chỉ đạo …", who are named; nor "… đồng chí Chủ tịch …", "… đồng chí bộ trưởng …")
_COMRADES = re.compile(r"^(?:Đề nghị|Yêu cầu) (?:các )?đồng chí (?!(?:bộ trưởng|chủ tịch|giám đốc|thủ trưởng)\b)"
                       + _SMALL)
# A decision's article heading: "Điều 4. Hiệu lực và trách nhiệm thi hành" (some number it in Roman: "Điều IV.")
_ARTICLE = re.compile(r"^Điều (?:\d+|[IVXL]{1,6})\b")
# what the issuer does in the enacting formula: "… ban hành Quyết định …", "… ban hành Chỉ thị …"
_ENACTS = re.compile(r"\bban hanh (?:quyet dinh|chi thi)\b")
# … and its number written before a title: "Điều 6. Điều khoản …"
_ARTICLE_NUMBER = re.compile(r"^Điều (?:\d+|[IVXL]{1,6})\.\s+")
# The name of a body opening a clause ("Văn phòng Đoàn Đại biểu Quốc hội …", "các đơn vị sự nghiệp công lập, …")
_BODY_NAME = re.compile(r"^(?:cac )?(?:van phong|don vi|doanh nghiep|co quan|to chuc|hoi dong|doan|trung tam"
                        r"|cong ty|tong cong ty|tap doan)\b[^:]{0,120}$")
# A body of no unit of the tree opening a sentence ("Đơn vị tư vấn chuyển kết quả … trước ngày 15/8/2020.", "Xã Đắk
# Liêng cũng hoàn thành …"): its subject, not a sentence with none ("tổ chức" only in the plural: alone it is the verb,
# "Tổ chức hội nghị … trong tháng 12/2025.")
_BODY_FIRST = re.compile(r"^(?:(?:cac|nhung) (?:to chuc|co quan|don vi)|don vi|co quan|cong ty|doanh nghiep|nha thau"
                         r"|chu dau tu|nguoi dan|ho gia dinh|xa|phuong|huyen|thi xa|thi tran|tinh|thanh pho|uy ban"
                         r"|ubnd|chi cuc|ban quan ly|trung tam|cong an"
                         # … or the document it speaks of ("Quyết định trên nhằm hiện thực hóa chỉ đạo … ngày 2/10.")
                         r"|(?:quyet dinh|van ban|cong van|ke hoach|chi thi|thong bao|nghi quyet)"
                         r" (?:tren|nay|neu tren))\b")
# A sentence opening with the verb of directing those below ("Chỉ đạo các đơn vị …", "Hướng dẫn UBND các xã …")
_DIRECTING_FIRST = re.compile(r"^(?:chi dao|huong dan|don doc)\b")
# a party committee or its secretary speaking ("Bí thư Tỉnh ủy X Trần Văn A yêu cầu, …", "Ban Thường vụ Tỉnh ủy yêu
# cầu …"), not the People's Committee's Chairman holding a party title too ("Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh …")
_PARTY_SPEAKS = re.compile(r"^(?:[^,;]{0,60}, )?(?:dong chi )?(?:(?:ban thuong vu|thuong truc|ban chap hanh) "
                           r"(?:tinh|thanh|dang) uy|(?:pho )?bi thu (?:tinh|thanh|dang) uy)"
                           r"(?: (?!chu\b|ubnd\b)[^\s,;.]+){0,6},? (?:yeu cau|de nghi)\b")
# an election committee asking the election bodies below it ("Ngày 21/02/2026 Ủy ban bầu cử tỉnh X ban hành công văn
# số 80/CV-UBBC yêu cầu Ban Chỉ đạo và Ủy ban bầu cử các xã, phường …"): its demands are theirs; not its Chairman, the
# People's Committee's, asking a department ("Chủ tịch Ủy ban Bầu cử tỉnh cũng yêu cầu Sở Nội vụ …")
_ELECTION_SPEAKS = re.compile(r"^(?:[^,;.]{0,40} )?(?:uy ban|hoi dong) bau cu\b[^.;]{0,80}?\b(?:yeu cau|de nghi) "
                              r"(?:cac )?(?:ban chi dao|(?:uy ban|ban|to) bau cu)\b")
# … and a head of government or of a State body speaking: the party's demands end there
_STATE_SPEAKS = re.compile(r"\b(?:chu tich|ubnd|uy ban nhan dan|thu tuong|bo truong|giam doc)\b[^.;:]{0,80}?"
                           r"\b(?:yeu cau|de nghi|chi dao|giao)\b")
# "Đồng thời, rà soát …" (also "Ngoài ra,"): a duty added to the one before it, not that duty's time limit
_ADDED_DUTY = re.compile(r"^(?:dong thoi|ngoai ra),? ")
_OPENING_WORDS = 8   # the words of a time or a case opening a sentence before its comma ("Trong năm 2026, …")
_OWN_DUTY = re.compile(r"^(?!co trach nhiem).+\bco trach nhiem\b")
# Who attended a meeting ("Tham dự cuộc họp có lãnh đạo cơ quan: Bộ …", "Dự họp có …", also those who came to
# direct it: "Dự và chỉ đạo hội nghị có đồng chí …") names no duty.
_ATTENDING = re.compile(r"(?:cung |tham )?du (?:va chi dao )?(?:cuoc hop |hoi nghi |buoi lam viec |phien hop |hop )?"
                        r"(?:co|gom)\b")
# "Để triển khai thi hành Luật này, Bộ Nội vụ được giao xây dựng …": what a law gave a body, recited; this
# text's own duty would give it ("Để thi hành Luật …, giao Sở X …", "Sở X có trách nhiệm …").
# What another text gave, told of with that text as the subject: "Ngày 29/6/2026, Bộ trưởng … ban hành Quyết định số
# 1074/QĐ-BXD … Quyết định có hiệu lực kể từ ngày ký và giao Ủy ban nhân dân các tỉnh … chỉ đạo …" (not "… này")
_TEXT_GAVE = re.compile(r"^(?:luat|nghi dinh|nghi quyet|thong tu|chi thi|quyet dinh|cong dien|ke hoach)"
                        r"(?! nay\b)\b[^.;]{0,120}?\b(?:va )?giao\b")
_LAW_GAVE = re.compile(r"^de (?:trien khai )?thi hanh (?:bo )?luat\b[^.;]{0,120}\bduoc giao\b")
# After a list of duties, the date of every body's report: "Báo cáo của các cơ quan, đơn vị gửi về UBND tỉnh trước
# ngày 12/6/2026 …", "Các cơ quan, đơn vị gửi báo cáo … trước …" — the bodies of every item, not the last one.
_REPORTS_OF_ALL = re.compile(r"^(?:bao cao|van ban) (?:cua )?cac (?:co quan|don vi)\b"
                             r"|^cac co quan, don vi gui bao cao\b")
# Reporting difficulties or issues should any arise ("… báo cáo các nội dung khó khăn, vướng mắc phát sinh … (nếu có)
# về Sở X").
# "… giải quyết sớm nhất đối với những khó khăn, vướng mắc" resolves them: a duty.
_DIFFICULTIES = re.compile(r"\bneu co(?: phat sinh)? (?:kho khan|vuong mac)"
                           # an issue should one arise, the case opening the sentence: "Trong quá trình thực hiện, nếu
                           # có phát sinh vấn đề chưa phù hợp, Sở X đề xuất …" (not "… triển khai và báo cáo … nếu có
                           # vấn đề phát sinh vượt thẩm quyền", a duty and when to report)
                           r"|^(?:trong qua trinh\b[^,]{0,40}, )?neu co (?:phat sinh van de|van de phat sinh)\b"
                           r"|\bbao cao (?:\w+ ){0,3}?kho khan, vuong mac\b[^.;]{0,100}\(neu co\)"
                           r"|\b(?:trong qua trinh|neu|truong hop)\b[^.;]{0,80}"
                           r"\b(?:nhung|phat sinh) kho khan, vuong mac"
                           r"|^truong hop vuot tham quyen\b")
# The summary that closes a text restates, unless it sets a date of its own ("Trên đây là …, đề nghị các đồng chí
# Bộ trưởng … báo cáo kết quả … trước Thứ Tư ngày 03/12/2025").
_SUMMARY = re.compile(r"^tren day la\b")
# How a work is done, told of the work, no body named: "+ Việc kê khai bổ sung được thực hiện theo Mẫu …" — a rule.
# Where something is held, as a plan's label gives it: "Địa điểm: Sở Công Thương, địa chỉ: …" — no duty
_PLACE_LABEL = re.compile(r"^dia (?:diem|chi)\b[^:]{0,30}:"
                          # a contact's label: "- Đầu mối hỗ trợ nghiệp vụ: số điện thoại (…); địa chỉ thư điện tử …"
                          r"|^dau moi\b[^:]{0,40}: (?:so )?dien thoai\b")
_NORM = re.compile(r"^viec [^;:]{1,120}? (?:duoc )?thuc hien theo\b")
# "Đây là nhiệm vụ rất quan trọng, cấp bách, …, đề nghị các đồng chí … thực hiện chủ động sáng tạo; …": the
# tasks above called important and urged on, no task of its own
_URGES = re.compile(r"^day la (?:mot )?(?:nhiem vu|viec)\b")
# … and, closing a text after its duties (not as a list item, unless the issuer asks in it (_issuer_asks); not
# alone: "Yêu cầu Sở X triển khai thực hiện." is then a task), carrying out with no object ("… nghiêm túc triển
# khai thực hiện./."). Neither where a unit is told to watch others do so ("đôn đốc … triển khai thực hiện").
_BARE_RESTATES = re.compile(r"\b(?:thuc hien nghiem tuc|nghiem tuc (?:to chuc,? )?(?:trien khai )?thuc hien)\W*$"
                            r"|\btrien khai,? thuc hien(?: nghiem tuc)?(?:\W*$|,? (?:dam bao|bao dam) )"
                            # "Đề nghị bộ, ngành, địa phương quan tâm thực hiện./."
                            r"|\bquan tam(?: chi dao)?,? thuc hien\W*$"
                            # "Yêu cầu các ngành, địa phương thực hiện nghiêm chỉ đạo này." (this text itself)
                            r"|\bthuc hien nghiem(?: tuc)? (?:chi dao|cong dien|chi thi|van ban) nay\W*$"
                            # "… khẩn trương thực hiện đồng bộ, hiệu quả các giải pháp nhằm … thuộc ngành, lĩnh vực,
                            # địa bàn quản lý./." — the measures above, each in its own field
                            r"|\b(?:thuc hien|trien khai)\b[^.;]{0,60}\bcac (?:giai phap|bien phap|nhiem vu)\b"
                            r"[^.;]{0,120}\bthuoc "
                            r"(?:\w+(?: \w+)?, ){1,2}(?:\w+ )?(?:dia ban|linh vuc)(?: minh)? quan ly\W*$")
# … and, in such a closing, the units told in what spirit to do their duties: "Ủy ban nhân dân tỉnh yêu cầu Lãnh đạo
# các sở, ngành … và Ủy ban nhân dân các xã, phường nêu cao tinh thần trách nhiệm, chủ động, quyết liệt; …; bám
# sát từng mốc thời gian đã giao; …" — no work of its own.
_EXHORTS = re.compile(r"(?:(?:can|phai) )?neu cao (?:(?:tinh than|y thuc) )?trach nhiem\b")
# … and, in such a closing, a report with no subject asking for direction: "…; kịp thời báo cáo UBND tỉnh
# (qua Sở X) để xem xét, chỉ đạo giải quyết./."
_ASKS_DIRECTION = re.compile(r"^(?:kip thoi |thuong xuyen )?bao cao\b[^;]{0,80}?\bde (?:xem xet,? )?"
                             r"(?:chi dao|giai quyet|xu ly)\b")
_DONE_REACH = 5   # words before a restating phrase within which "đã" tells of a thing done
_DONE_CHARS = 60   # … read from this many characters before it (a long text stays linear)
_MANNER = {",", "nhiem", "vu", "tham", "quyen", "han", "duoc", "giao", "va"}
# also leading others in it: "Sở X có trách nhiệm chủ trì, phối hợp với … tổ chức triển khai thực hiện Quyết định này"
_OVERSEES = re.compile(r"\b(?:theo doi|don doc|huong dan|kiem tra|giam sat|chu tri, phoi hop)\b")
# The bodies given the text's duties, as a subject: "Hàng năm, …, các cơ quan, đơn vị chủ trì thực hiện các nhiệm vụ
# được giao gửi … báo cáo …", "Các cơ quan, đơn vị được giao nhiệm vụ …".
_GIVEN_DUTIES = re.compile(r"(?:^|, )cac co quan, (?:to chuc, )?don vi (?:duoc (?:giao|phan cong) (?:chu tri )?"
                           r"|chu tri )(?:thuc hien )?(?:cac )?nhiem vu\b")
# The units named just before, told again: "Phó Thủ tướng cũng yêu cầu các Bộ, địa phương trên đánh giá …", "… chỉ đạo
# Thủ trưởng các đơn vị (nêu / nói) trên phải …" — not the units in a place: "các đơn vị trên địa bàn tỉnh …"
_ABOVE_KIND = r"(?:bo|so|ban|nganh|co quan|don vi|dia phuong|to chuc|tinh|thanh pho|huyen|xa|phuong)"
_UNITS_ABOVE = re.compile(r"(?:^|\b(?:yeu cau|de nghi|giao|chi dao) )"
                          r"(?:(?:thu truong|lanh dao|nguoi dung dau|giam doc|chu tich) )?"
                          r"cac " + _ABOVE_KIND + r"(?:(?:,| va) " + _ABOVE_KIND + r"){0,3} (?:(?:neu|noi) )?"
                          r"tren\b(?! (?:dia ban|co so|toan|moi|ca nuoc|dia phuong)\b)")
# A plan's item written as a duty's title and labelled lines: "1. Tổ chức tuyên truyền …" then "- Cơ quan
# chủ trì: Bộ Công an.", "- Cơ quan phối hợp: …", "- Thời hạn ban hành: trước ngày …" — the title the duty,
# the first label its lead, the time label its deadline; the labels themselves no duty.
# (also "Cơ quan chủ trì thực hiện:", and "Chủ trì:" / "Phối hợp:" alone)
_LEAD_LABEL = re.compile(r"^(?:(?:co quan|don vi) (?:chu tri|thuc hien)|chu tri)(?: thuc hien| chinh)?:")
_LABEL = re.compile(r"^(?:(?:(?:(?:co quan|don vi) )?(?:chu tri|phoi hop)|(?:co quan|don vi) thuc hien)"
                    r"(?: thuc hien| chinh)?|(?:thoi gian|thoi han|tien do)(?: \w+){0,3}|noi dung"
                    r"|(?:du kien )?san pham|ket qua):")
_TIME_LABEL = re.compile(r"^(?:thoi gian|thoi han|tien do)\b")
_COORDINATING_LABEL = re.compile(r"^(?:(?:co quan|don vi) )?phoi hop(?: thuc hien)?:")
# "… yêu cầu Giám đốc Sở X (và Thủ trưởng các đơn vị có liên quan) triển khai thực hiện." closing a
# letter restates the duties above it.
_CLOSING = (["trien", "khai", "thuc", "hien"], ["to", "chuc", "thuc", "hien"])


@dataclass
class Proposal:
    content: str
    source: str
    lead_units: list[str]
    coordinating_units: list[str] = field(default_factory=list)
    deadline: ProposedDeadline = NO_DEADLINE


@dataclass(frozen=True)
class _Sentence:
    text: str
    rank: int | None       # of its line's list marker (_RANKS); None outside a list
    opens_item: bool       # the first sentence of a list item
    item_goes_on: bool     # its line ends with ":" (the items below are parts of it)
    heads_items: bool = False   # the last of a list item's line that ends without a stop, items of a lower rank below
    opens_line: bool = False   # the first sentence of its (logical) line
    opens_paragraph: bool = False   # … after a blank line (a page's paragraph, not a PDF's wrapped line)


@dataclass
class Extraction:
    proposals: list[Proposal]
    truncated: bool


@dataclass
class _Clause:
    text: str
    words: list[str]
    mentions: list[Mention]
    leads: list[str]
    coordinating: list[str]
    lead_end: int = 0
    proper: list[bool] = field(default_factory=list)   # each word opens with a capital (tokens)

    def named_localities(self, localities: dict[str, None], matcher: UnitMatcher) -> list[str]:
        """Its leads; but "Các địa phương liên quan" alone are the committees the text has named
        ("… phối hợp UBND tỉnh Bình Định, Phú Yên …. Các địa phương liên quan tiếp tục rà soát"),
        where it has named some; so is "Các địa phương" alone where those are all provinces (a text from
        above them, "… làm việc với UBND các tỉnh: A, B …. Các địa phương phát động …": not the communes)."""
        named = set(self.leads)
        lead = [m for m in self.mentions if m.end <= self.lead_end and named.issuperset(m.codes)]
        provinces = all(matcher.units[c].kind == "province" for c in localities)
        if localities and len(lead) == 1 and lead[0].local and (lead[0].related or provinces):
            return list(localities)
        if localities and len(lead) == 1 and self._tier_of(lead[0], localities, matcher):
            return list(localities)
        return self.leads

    def _tier_of(self, lead: Mention, localities: dict[str, None], matcher: UnitMatcher) -> bool:
        """"UBND các phường được giao …" after the text named some wards by name ("… đề nghị UBND phường Chánh Hưng,
        Phú Định …"): the committees of that one tier, every one named before of it — those named, not every ward."""
        words = self.words[lead.start:lead.end]
        return (not lead.by_name and tuple(words[:-1]) == (*COMMITTEE, "cac") and words[-1] in ("phuong", "xa")
                and all(matcher.units[c].kind == "commune" and matcher.head(c) == words[-1] for c in localities))

    def ends_with_leads(self) -> bool:
        """Nothing but filler after the lead units: "Giao các sở, ngành tỉnh;" — a list of
        leads that the next clauses go on with."""
        rest = self.words[self.lead_end:]
        # also with their level: "Giao các Sở, ban, ngành, đoàn thể của tỉnh;"
        return bool(self.leads) and all(w in _FILLERS or (w == "cua" and rest[n + 1:n + 2] in (["tinh"], ["thanh"]))
                                        for n, w in enumerate(rest))

    def ends_with_others(self) -> bool:
        """Units other than its leads close the clause ("… đôn đốc các sở, ngành liên quan;",
        "… phối hợp Sở Khoa học và Công nghệ;"): units opening the next clause go on with that list
        ("UBND các huyện khẩn trương …" told by the same duty), they do not start a duty."""
        last = self.mentions[-1] if self.mentions else None
        if last is not None and _authors_cited(self.words, last):
            return False   # "… theo quy định tại Quyết định 01593/QĐ-UBND ngày 03/11/2025 của UBND tỉnh;"
        aside = _aside(self.words)   # "… phối hợp Văn phòng UBND tỉnh (Trung tâm …)"
        after = [w for at, w in enumerate(self.words) if last and at >= last.end and at not in aside]
        rest = _BODIES.sub(" ", " ".join(after)).split()
        return last is not None and last.start >= self.lead_end and all(w in _FILLERS for w in rest)

    def opening_units(self) -> list[str]:
        """The units the clause opens with ("UBND các huyện, thành phố; …")."""
        return self._opening()[0]

    def only_units(self) -> bool:
        """The clause names units and nothing else: the list may go on after the next ";"."""
        codes, end = self._opening()
        return bool(codes) and all(w in _FILLERS for w in self.words[end:])

    def named_units(self) -> list[str]:
        """Its leads, or the units it opens with as a subject ("Chủ tịch UBND các xã, phường")."""
        subject = next((n for n, m in enumerate(self.mentions) if _opens_sentence(self.words, m)), None)
        if self.leads or subject is None:
            return self.leads
        return _chain(self.words, self.mentions, subject, _NAMING_GAPS)[0]

    def names_only(self) -> bool:
        """Units (with titles, separators, a trigger and a colon) and nothing else: "Giao Sở Y tế:",
        "Chủ tịch UBND các xã, phường"."""
        words = self.words[:-1] if self.words and self.words[-1] == ":" else self.words
        words = words[:_singled_out(words)]
        words = words[:_manner_tail(words)]
        inside = ({i for m in self.mentions for i in range(m.start, m.end)} | _aside(words) | self._places()
                  | _state_firms(words))
        others = {w for i, w in enumerate(words) if i not in inside}
        allowed = _TITLES | _SEPARATORS | _TRIGGER_WORDS | _RESPONSIBILITY_OF | _SECRETARIES_ABOVE
        if any(w in _COVERED for w in others):
            allowed = allowed | _COVERING
        return bool(words) and bool(self.mentions) and others <= allowed

    def listed_in_brackets(self) -> list[str]:
        """The units a bracket lists after a description of them, "(gồm …)" or "(bao gồm …)", where the
        clause names no other: "Các cơ quan tham mưu quản lý ngành, lĩnh vực (gồm các Sở: Xây dựng, Công Thương)"."""
        opened = next((at for at, w in enumerate(self.words[:-1]) if w == "(" and self.words[at + 1] in {"gom", "bao"}),
                      None)
        if opened is None or not self.mentions or self.mentions[0].start <= opened:
            return []
        return self.mentioned_units()

    def mentioned_units(self) -> list[str]:
        """Every unit the clause names, in order, once each."""
        return list(dict.fromkeys(c for m in self.mentions for c in m.codes))

    def _places(self) -> set[int]:
        """The positions of place names after "từ", "đến", "là" or ":" (with "," and "và" between
        them): "… từ Hà Tĩnh đến Lâm Đồng", "… trọng tâm là các tỉnh: Đắk Lắk, Gia Lai và Lâm Đồng"."""
        places, after = set(), False
        for at, (word, capital) in enumerate(zip(self.words, self.proper, strict=False)):
            if capital and after:
                places.add(at)
            elif word not in _SEPARATORS:
                after = word in _COVERED
        return places

    def _opening(self) -> tuple[list[str], int]:
        # also after an office, or two: "Bộ trưởng các Bộ: …; (Bí thư,) Chủ tịch UBND các tỉnh …"
        if not self.mentions or not set(self.words[:self.mentions[0].start]) <= _OFFICES | _OFFICIALS | {","}:
            return [], 0
        return _chain(self.words, self.mentions, 0, _NAMING_GAPS)


def propose(text: str, matcher: UnitMatcher, reference: date) -> Extraction:
    """The duties `text` assigns; `reference` (the directive's date) completes partial dates."""
    text = part_glued(plain_text(text))   # a copied page's "yêu cầuBộ Xây dựng" read as "yêu cầu Bộ Xây dựng"
    text, rows = task_rows(text)   # a task table's rows read by their columns, not as sentences
    matcher = matcher.on(reference)
    place = _dateline_place(text)
    if province := _header_province(text) or place:   # "TỈNH BÌNH ĐỊNH" above a merged province's old text
        matcher = matcher.in_province(province)
    if place:   # a commune's own text: "Lương Minh, ngày …"
        matcher = matcher.at_place(place)
    matcher = matcher.among_places(_communes_named(text[:MAX_TEXT]))
    read = fold(text[:MAX_TEXT])   # only what is read
    if _HEAD_OF_GOVERNMENT_ASKS.search(read) or _SENT_TO_PROVINCES.search(read):
        matcher = matcher.national()
    truncated = len(text) > MAX_TEXT
    proposals: list[Proposal] = []
    heading = _Heading()
    after_duty = addressees = False
    addressed: dict[str, None] = {}   # the units named after "Kính gửi:"
    heard: dict[str, None] = {}   # the units a report's opening names in general, giving no duty there (_opening_units)
    localities: dict[str, None] = {}   # the committees named by name so far, in order
    heads: dict[str, list[str]] = {}   # the unit a head word alone names ("Bộ cũng …"): the last one named
    details: int | None = None   # the rank above the list items that are parts of the duty ("…, cụ thể:")
    account: int | None = None   # the rank of a minutes' title above an account, no duties (_ACCOUNT)
    item_start = 0    # the first proposal of the list item read
    list_start, in_list = 0, False   # the first proposal of the list read; the sentence before was a list item
    headed = False   # the sentence before was a heading of units: a paragraph with no marker is its item
    named_before: tuple[list[str], int] = ([], 0)   # the units the sentence before named, the proposals before it
    sentences = list(_sentences(text[:MAX_TEXT], matcher.dash_compounds))
    labelled = _labelled_items(sentences, matcher, reference)
    quoted = False   # a letter's line opening with a quotation mark: another text's words (_quoting)
    line_leads: list[str] = []   # the units a line opens with before a colon: its next sentences' subject
    resume = 0   # the first sentence of a text attached after the signature (_ATTACHED)
    line_duty = last_line_duty = False   # the line read gave a duty; so did the line before it (_items_go_on)
    party = False   # a party committee or secretary (or an election committee) spoke last: its demands, no duty the
    # People's Committee gives
    duty_at: tuple[int, list[str]] = (-1, [])   # the last sentence that gave a duty, its leads ("Cơ quan này …")
    standing: list[Proposal] = []   # proposed in a regulation's articles of standing rules (_STANDING_RULES)
    rules_from: int | None = None   # the first proposal of the article of standing rules read
    opener: tuple[list[Proposal], int] | None = None   # proposed from a list item ending with ":", and its rank
    openers: list[Proposal] = []   # … that proved the heading of duties proposed below it (_heads_duties)
    for at, sentence in enumerate(sentences):
        if at < resume:
            continue
        under_heading, headed = headed and sentence.rank is None, False
        if sentence.opens_line:
            quoted = bool(addressed) and _quoting(sentence.text)
            line_leads = []
            last_line_duty, line_duty = line_duty, False
        if sentence.opens_item:
            item_start = len(proposals)
            if opener and sentence.rank is not None and sentence.rank <= opener[1]:
                opener = None   # the next item of its rank: no longer below it
        if sentence.rank is not None and not in_list:
            list_start = len(proposals)
        in_list = sentence.rank is not None
        whole = sentence.text   # the source shown: also the topic or recital the duty is read past
        sentence = _past_topic(sentence)
        folded = fold(sentence.text)
        if folded.startswith("noi nhan") or folded.split(" ")[0] in _SIGNATURE:
            resume = _attached_text(sentences, at)
            if not resume:
                break
            heading, after_duty = _Heading(), False
            continue
        # a new article ("Điều 32. …") is no part of the one before: "Điều 31. Trách nhiệm của Bộ X" heads its own items
        heading = _Heading() if _ARTICLE.match(sentence.text) else heading.end_before(sentence)
        if _ARTICLE.match(sentence.text):
            standing.extend(proposals[rules_from:] if rules_from is not None else [])
            rules_from = len(proposals) if _standing_rules(sentence, sentences[at + 1:at + 2]) else None
        if (_HEADER.search(folded) or (sentence.rank is None and _in_capitals(sentence.text))
                or _issuer_block(sentence, sentences[at + 1:at + 2])
                or _enacting_formula(sentence, folded, sentences[at + 1:at + 2])):
            # the header, and a title in capitals: the document's kind, its subject, or the authority deciding above
            # the recitals ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X") — no duty, and no heading of the articles below
            after_duty = False
            continue
        if at in labelled:   # a labelled item's title (its duty) or one of its labels (none)
            proposals.extend(p for p in (labelled[at],) if p is not None)
            after_duty = False
            continue
        if (named_before[0] and named_before[1] == len(proposals) and not sentence.opens_item
                and _PERIODIC_REPORT.match(folded)):
            # "… triển khai thực hiện tốt Kế hoạch này. Định kỳ 06 tháng các cơ quan có liên quan báo cáo …":
            # the bodies the sentence before told, giving them no task, report on it
            proposals.append(Proposal(content=_content(sentence.text), source=whole, lead_units=named_before[0],
                                      deadline=find_deadline(folded, reference)))
            continue
        if named_before[0] and _UNITS_ABOVE.search(folded):
            # "… Sở A, Sở B rà soát …. … cũng yêu cầu các đơn vị trên báo cáo …": the units the sentence before named
            proposals.append(Proposal(content=_content(sentence.text), source=whole, lead_units=named_before[0],
                                      deadline=find_deadline(folded, reference)))
            continue
        named_before = (_named_outside_a_list(sentence, matcher), len(proposals))
        if details is not None and sentence.rank is not None and sentence.rank > details:
            continue
        details = None
        if ((_DIRECTION.search(folded) or (after_duty and _DETAILS_ALONE.match(folded)))
                and at + 1 < len(sentences) and sentences[at + 1].rank is not None):
            details = sentences[at + 1].rank - 1   # the items right below it, and theirs: not the next lettered item
        if account is not None and (sentence.rank is None or sentence.rank > account):
            continue
        account = sentence.rank if sentence.rank is not None and _ACCOUNT.match(folded) else None
        if account is not None:
            after_duty = False
            continue
        if _MEMBERS.search(folded):   # "Thành phần Ban Chỉ đạo gồm:" then its members (or an account), item by item
            details, after_duty = (-1 if sentence.rank is None else sentence.rank), False
            continue
        if ((sentence.heads_items and _OUTSIDE_HEAD.match(sentence.text)
             or _heads_kinds_outside(sentence, folded, sentences[at + 1:at + 2]))
                and not _clause(sentence.text, matcher).mentions):
            heading, after_duty = _Heading([], sentence.rank, heading, outside=True), False
            continue
        if heading.outside and sentence.rank is not None:
            after_duty = False
            continue
        # "Kính gửi:" and the list of the bodies it is sent to
        addressees = bool(_ADDRESSED.search(folded)) or (addressees and sentence.rank is not None)
        if addressees and not folded.endswith("dien:"):   # "BỘ XÂY DỰNG điện:" names the writer
            addressed.update(dict.fromkeys(_clause(sentence.text, matcher).mentioned_units()))
            matcher = matcher.addressed(addressed)
        if addressed and sentence.opens_item and _GENERAL_DUTIES.match(folded):
            heading, after_duty = _Heading(list(addressed), sentence.rank, heading), False
            continue
        if _topic_heading(sentence, folded, matcher, sentences[at + 1:at + 2]):
            after_duty = False
            continue
        if not addressees and sentence.rank is None and (
                leads := _introduced_leads(sentence.text, folded, matcher)
                or (list(addressed) if folded.endswith(":") and (_told_every_body(folded)
                                                                 or _INTRODUCES_ADDRESSEES.search(folded)) else [])):
            heading, after_duty = _Heading(leads, paragraphs=True), False
            continue
        if (sentence.opens_item or under_heading) and heading.leads and _recites(folded) and "," in sentence.text:
            # "a) Căn cứ chức năng …, xây dựng kế hoạch …" under a heading: the manner, then the duty
            sentence = replace(sentence, text=sentence.text.split(",", 1)[1].strip())
            folded = fold(sentence.text)
        if not proposals and _umbrella(folded, sentences[at + 1:], reference):
            after_duty = False
            continue
        if not addressees and (_recites(folded) or _NARRATIVE.match(folded)
                               or (_CONDITION.match(folded) and not _DIFFICULTIES.search(folded))):
            sentence = _past_recital(sentence, matcher)
            folded = fold(sentence.text)
        if (((sentence.opens_item or sentence.opens_line) and _CITED.match(folded)) or quoted
                or _spelt_out_after(folded, sentences[at + 1:at + 2])
                or _spelt_out_after(fold(whole), sentences[at + 1:at + 2])):   # the letter named in the recital
            heard.update(_opening_units(sentence.text, matcher))
            after_duty = False
            continue
        if (addressees or _recites(folded) or _NARRATIVE.match(folded) or _ANNOUNCES.search(folded)
                or (_EXECUTION.search(folded) and not _GUIDES_EXECUTION.search(folded))
                or _ANSWERS_FOR.search(folded) or _URGES.match(folded)):
            if _NARRATIVE.match(folded):   # "Ngày 29/11, Thủ tướng … làm việc với UBND các tỉnh: A, B …"
                party = party or bool(_ELECTION_SPEAKS.search(folded))   # "Ngày 21/02, Ủy ban bầu cử … yêu cầu …"
                told = [_clause(sentence.text, matcher)]
                localities.update(_named_committees(told, matcher))
                heard.update(_opening_units(sentence.text, matcher))
                _remember_heads(heads, _named_one_by_one(told, [], matcher), matcher)   # then "Tỉnh cần …"
            after_duty = False
            continue
        if sentence.opens_item and (listed := _listed_before_colon(sentence.text, matcher)
                                    or _addressed_before_colon(sentence.text, matcher)):
            heading, sentence = _Heading(listed[0], sentence.rank, heading), replace(sentence, text=listed[1])
            folded = fold(sentence.text)
        clauses = [_clause(part, matcher) for part in _parts(sentence.text, matcher)]
        localities.update(_named_committees(clauses, matcher))
        if clauses and (leads := _heading_leads(sentence, folded, clauses, matcher, {**addressed, **localities})):
            # a numbered heading of names alone ("5. Sở Công Thương") heads each paragraph below it too
            heading = _Heading(leads, sentence.rank, paragraphs=sentence.rank is not None and _names_only(clauses))
            after_duty, headed = False, sentence.rank is not None
            proposals.extend(replace(p, source=whole) for p in _duty_before_focus(sentence.text, leads, reference,
                                                                                   localities, matcher))
            continue
        if _titles_paragraph(sentence, sentences[at + 1:at + 2], heading, clauses):
            # "a. Nhận thức và nâng cao vai trò của Bên mời thầu:" then "Chủ động nghiên cứu …": the title of the
            # paragraph below, which is the heading's item
            heading, after_duty = _Heading(heading.leads, sentence.rank, heading, paragraphs=True), False
            continue
        if ((sentence.opens_item or under_heading) and (sentence.heads_items or sentence.item_goes_on)
                and _manner_only(clauses)):
            after_duty = False   # "a) Chủ trì, phối hợp với các sở, …" above "-" items: how they are done
            continue
        closing = bool(proposals) and (not sentence.opens_item or _issuer_asks(clauses, matcher))
        if (_no_duty(sentence, folded, clauses, closing=closing)
                or _EVERY_BODY.search(folded) or _outside_the_tree(sentence, clauses, heading.leads)
                or _divided_below(sentences[at + 1:at + 3], matcher)):
            after_duty = False
            if sentence.opens_item and (units := _restating_units(sentence, folded, clauses, sentences[at + 1:at + 2])):
                # "- Thủ trưởng các sở, …, Chủ tịch UBND các xã … xác định đây là nhiệm vụ trọng tâm … các nhiệm vụ
                # trong Kế hoạch." then "Phối hợp chặt chẽ với …" (no marker): the paragraphs are those units' duties
                heading = _Heading(units, sentence.rank, heading, paragraphs=True)
            continue
        # "(2) UBND các tỉnh … chủ động thực hiện …; đồng thời chỉ đạo Sở Y tế:" — the units it directs head the items
        # below (or after) it, its duty is the clauses before
        directed = _directs_below(clauses) if sentence.opens_item and sentence.item_goes_on else []
        if directed:
            clauses = clauses[:-1]
        # a heading's units are the subject of an item's first sentence; the next ones go on with it
        found = _duties(sentence.text, clauses, (heading.leads if heading.opens(sentence) or under_heading else [])
                        or _named_by_head(sentence.text, clauses[0] if clauses else None, heads)
                        or (duty_at[1] if duty_at[0] == at - 1 and _THIS_BODY.match(sentence.text) else [])
                        or (_item_leads(proposals, item_start) if _COMRADES.match(sentence.text) else [])
                        or (list(addressed) if _told_every_body(folded) else [])
                        or (list(heard) if _TOLD_THE_UNITS.search(folded) else [])
                        or (line_leads if not sentence.opens_line else []), reference,
                        localities or _from_above(proposals, matcher), matcher)
        party = _party_speaks(folded, party)
        if party:
            found = []
        # the issuing committee alone "leads" only where it speaks of itself or is asked ("đề nghị
        # Chủ tịch UBND tỉnh thụ lý …", a headline "UBND tỉnh triển khai …"): no task it gives
        found = [_to_addressees(replace(p, source=whole), addressed, matcher) for p in found
                 if not all(matcher.is_issuer(c) for c in p.lead_units)]
        if found and proposals and _GIVEN_DUTIES.search(folded):
            # "…, các cơ quan, đơn vị chủ trì thực hiện các nhiệm vụ được giao gửi … báo cáo": the bodies given
            # the duties above, not the departments
            given = list(dict.fromkeys(code for proposal in proposals for code in proposal.lead_units))
            found = [replace(p, lead_units=given) for p in found]
        if found and after_duty and not line_leads and _directs_those_below(sentence, folded):
            found = []   # the units of the duty before direct the units it names: part of their duty
        # after its own duties were read: "Bộ cũng … phối hợp với Bộ X" names the ministry before, not X
        _remember_heads(heads, _named_one_by_one(clauses, found, matcher), matcher)
        if found and sentence.opens_line and sentence.rank is None and _units_before_colon(sentence.text, matcher):
            # "UBND các huyện A, B: Huy động …. Chỉ đạo …. Chủ động …": the line's duties are theirs
            line_leads = list(found[0].lead_units)
        if found:
            if opener and _same_leads(opener[0], found):
                # "2. Xây dựng đề án, trình UBND Thành phố:" above "a) Tổ chức lại …", the same department's: a
                # heading, no duty (not "(2) UBND các xã … thực hiện …; đồng thời chỉ đạo Sở X:" above X's items)
                openers.extend(opener[0])
            opener = None
            if sentence.opens_item and sentence.item_goes_on and sentence.rank is not None and not _details(folded):
                opener = (found, sentence.rank)   # not "…, cụ thể:": a duty and its parts
            duty_at = (at, list(found[-1].lead_units))
            proposals.extend(found)
            line_duty = True
            # outside a list every item below is a detail; inside one, the items below the duty's own
            details = (-1 if sentence.rank is None else sentence.rank) if _details(folded) else details
            after_duty = True
            heading = heading.after_item(sentence, found[-1].lead_units)
            if sentence.rank is None and _CARRY_OUT_INLINE.search(folded):
                heading = _Heading(found[-1].lead_units, paragraphs=True)
            if directed and sentence.rank is not None:
                # items of its own rank after it ("(3) Phối hợp …", "(4) Đôn đốc …") are the directed units' too
                after = sentences[at + 1].rank if at + 1 < len(sentences) else None
                heading = _Heading(directed, sentence.rank - 1 if after == sentence.rank else sentence.rank, heading)
        elif proposals and not party and _asks_again(clauses, matcher):
            # "UBND TP Đà Nẵng cũng yêu cầu tổ chức đợt cao điểm …" after the duty it gave: those units' next duty
            proposals.append(Proposal(content=_content(sentence.text), source=whole,
                                      lead_units=list(proposals[-1].lead_units),
                                      deadline=find_deadline(folded, reference)))
            after_duty = True
        elif (last_line_duty and sentence.opens_line and sentence.rank is None and not sentence.opens_item
              and sentences[at - 1].rank is None and _items_go_on(sentences[at - 1].text)):
            # a line after "… chỉ đạo các Sở, ngành, UBND các phường, xã …: Thực hiện nghiêm túc …;" (no marker, a
            # capital): the next item of the same units' duties, not a detail of the first
            proposals.append(Proposal(content=_content(sentence.text), source=whole,
                                      lead_units=list(proposals[-1].lead_units),
                                      deadline=find_deadline(folded, reference)))
            line_duty = after_duty = True
        elif after_duty and not sentence.opens_item and (report := _own_report(sentence.text, folded, reference)):
            # "Báo cáo Thủ tướng Chính phủ kết quả … trước ngày 20 hằng tháng." after a duty: a report of its own
            proposals.append(replace(report, source=whole, lead_units=list(proposals[-1].lead_units)))
            after_duty = False
        elif (after_duty and not sentence.opens_item and not _OWN_DUTY.search(folded)
              and not _adds_dated_duty(sentence, folded, reference)
              and (undated := _undated(proposals, list_start if _REPORTS_OF_ALL.match(folded) else item_start,
                                       folded))):
            if (deadline := find_deadline(folded, reference)) is not NO_DEADLINE:
                for proposal in undated:
                    proposal.deadline = deadline
                # dated now, the duty goes on: a later sentence with no subject and a date of its own is the same
                # units' next duty, as after a duty dated in its own sentence
                after_duty = _goes_on(sentence, folded)
            else:   # with no date of its own, the next sentences of its list item (or of its paragraph, after
                # a detail of the duty: "Trong đó, tập trung báo cáo …") may still date the duty
                goes_on = sentence.rank is not None or bool(_DETAIL_OF_DUTY.match(folded))
                after_duty = goes_on and at + 1 < len(sentences) and not sentences[at + 1].opens_line
        elif (after_duty and sentence.rank is None
              and (not sentence.opens_line or sentence.opens_paragraph or _ADDED_DUTY.match(folded))
              and not _OWN_DUTY.search(folded)
              and (dated := _dated_duty(sentence.text, folded, reference))):
            # "… trước 15-5. Xây dựng phương án sắp xếp, đổi tên khu phố, ấp trước 30-5." after a dated duty in its
            # paragraph, outside a list: the same units' next duty, with a date the office urges apart (an undated
            # duty is dated by it, above; a list item's next sentence, or a wrapped line, stays part of the item —
            # but for a duty added to it, "Đồng thời, …", on a line a PDF wrapped too)
            proposals.append(replace(dated, source=whole, lead_units=list(proposals[-1].lead_units)))
        else:
            # a sentence with no subject and no date after a duty is part of it (the settled convention's rule 2): the
            # duty goes on past it ("Rà soát, đôn đốc … được giao quản lý. Trường hợp …, tập trung chỉ đạo hoàn thành
            # … trước ngày 30/01/2026." — the date is still the same units' next duty)
            after_duty = after_duty and _goes_on(sentence, folded) and find_deadline(folded, reference) is NO_DEADLINE
    standing.extend(proposals[rules_from:] if rules_from is not None else [])
    proposals = [p for p in proposals if p.deadline.due is not None or all(p is not rule for rule in standing)]
    proposals = [p for p in proposals if all(p is not heading for heading in openers)]
    if _sent_up(text, addressed, matcher):
        proposals = [p for p in proposals if not all(matcher.units[c].kind == "ministry" for c in p.lead_units)]
    tabled = [p for row in rows if (p := _row_proposal(row, matcher, reference)) is not None]
    tabled_leads = {code for row in tabled for code in row.lead_units}
    proposals = [p for p in proposals if not _leads_in_to(p, tabled_leads, matcher)]
    proposals.extend(tabled)
    _date_from_force(proposals, fold(text[:MAX_TEXT]), reference)
    _date_from_item(proposals, text[:MAX_TEXT], reference)
    return Extraction(proposals, truncated)


# The articles of a regulation that set standing rules — its scope, the bodies it applies to, its principles, its
# procedure, its sanctions: the duties there recur with every file ("Sở Nội vụ: a) Rà soát, thẩm định hồ sơ …"), no
# entry the office tracks, but for one with a date of its own ("… gửi hồ sơ … trước ngày 31 tháng 3 năm 2025")
_STANDING_RULES = ("pham vi dieu chinh", "doi tuong ap dung", "nguyen tac", "quy trinh", "xu ly vi pham")


def _sent_up(text: str, addressed: dict[str, None], matcher: UnitMatcher) -> bool:
    """A province's letter (or one of its bodies') to ministries — its header names the province, "Kính gửi:" only
    ministries: it reports and asks; a ministry is no body the province assigns, and what the letter asks of it is
    no duty the office tracks (where the Government Office writes "đề nghị quý Bộ", the Prime Minister speaks)."""
    sent_to = [code for code in addressed if not matcher.is_issuer(code)]   # not the writer, a line run on
    return (bool(sent_to) and _header_province(text) is not None
            and all(matcher.units[code].kind == "ministry" for code in sent_to))


def _same_leads(above: list[Proposal], below: list[Proposal]) -> bool:
    """A duty below is led by the units of one above."""
    return any(sorted(a.lead_units) == sorted(b.lead_units) for a in above for b in below)


def _standing_rules(article: _Sentence, following: list[_Sentence]) -> bool:
    """"Điều 5. Quy trình xét tặng": an article of standing rules (its title after its number or the next sentence)."""
    title = _ARTICLE.sub("", article.text).lstrip(". ") or (following[0].text if following else "")
    return fold(title).startswith(_STANDING_RULES)


def _to_addressees(proposal: Proposal, addressed: dict[str, None], matcher: UnitMatcher) -> Proposal:
    """In a text sent to some provinces' committees ("Công điện gửi … Chủ tịch Ủy ban nhân dân các tỉnh, thành phố:
    Quảng Trị, Huế …"), "Chủ tịch UBND các tỉnh, thành phố …" are those provinces, not every one."""
    sent_to = [code for code in addressed if matcher.units[code].kind == "province"]
    every = {code for code, unit in matcher.units.items() if unit.kind == "province"}
    if sent_to and len(sent_to) < len(every) and set(proposal.lead_units) == every:
        return replace(proposal, lead_units=sent_to)
    return proposal


def _items_go_on(line: str) -> bool:
    """A line of duties after a colon ending with ";": "… chỉ đạo các Sở, ngành …: Thực hiện nghiêm túc …;" —
    its list of items goes on in the next line."""
    return ":" in line and line.rstrip().endswith(";")


def _date_from_force(proposals: list[Proposal], folded: str, reference: date) -> None:
    """Date the duties that count their time from the text's entry into force ("Trong thời hạn 03 tháng kể từ ngày
    Nghị quyết này có hiệu lực thi hành, …"), where the text says when that is ("Nghị quyết này có hiệu lực thi hành
    từ ngày 29 tháng 4 năm 2026"), often in a later article."""
    if (start := in_force(folded, reference)) is None:
        return
    for proposal in proposals:
        if proposal.deadline is NO_DEADLINE:
            proposal.deadline = find_force_deadline(fold(proposal.source), start)


# "… hoàn thành theo thời gian (được nêu) tại khoản 1 (Công văn này)": the time another item of the text sets — not a
# clause of another text ("… tại khoản 1 Điều 30 Nghị định …").
_BY_ITEM = re.compile(r"\btheo thoi (?:gian|han)(?: (?:duoc|da) (?:neu|gia han|quy dinh))? tai khoan (\d{1,2})\b"
                      r"(?! (?:dieu|cua|nghi dinh|thong tu|luat)\b)")


def _date_from_item(proposals: list[Proposal], text: str, reference: date) -> None:
    """Date the duties due "theo thời gian tại khoản N" by what item N of the text says: a letter's item 1 gives a
    body outside the tree its date ("1. Yêu cầu các hội … hoàn thành … chậm nhất ngày 31/12/2024"), item 2 tells a
    department to see it met by then ("2. Giao Sở … đôn đốc … hoàn thành theo thời gian được nêu tại khoản 1")."""
    for proposal in proposals:
        if proposal.deadline is NO_DEADLINE and (named := _BY_ITEM.search(fold(proposal.source))):
            before = text[:max(text.find(proposal.source), 0)]
            items = re.findall(rf"^[ \t]*{named.group(1)}[.)][ \t]+(.+)$", before, re.MULTILINE)
            if items:   # the nearest item N above the duty: the list it is part of
                proposal.deadline = find_deadline(fold(items[-1]), reference)


# A lead cell naming every ministry and locality: in a table the row is theirs, where the same words in
# running text exhort every body of the State ("Các bộ, ngành, địa phương tập trung …": no one's task).
_EVERY_MINISTRY_AND_PROVINCE = re.compile(r"^cac bo, (?:nganh|co quan ngang bo),? (?:va )?dia phuong\b")
# … and so a numbered line of that name alone among the bodies' headings of a decision's or a resolution's part that
# assigns ("10. Bộ Tài chính" …, then "11. Các bộ, cơ quan ngang bộ, địa phương và các cơ quan liên quan" above its "a)
# …" items): the heading of every ministry's and province's items, as a table's lead cell is
_EVERY_MINISTRY_AND_PROVINCE_ALONE = re.compile(_EVERY_MINISTRY_AND_PROVINCE.pattern
                                                + r"(?:,? (?:va )?cac co quan(?:, don vi)? lien quan)?:?$")


def _header_province(text: str) -> str | None:
    """The province a text's header names (folded, without its tier: "binh dinh" for "UBND TỈNH BÌNH ĐỊNH")."""
    return _in_header(text, _HEADER_PROVINCE.fullmatch)


def _in_header(text: str, read: Callable[[str], re.Match | None]) -> str | None:
    """The first group `read` finds in a line (folded) of the text's first characters, its header."""
    for line in text[:_DATELINE_CHARS].splitlines():
        if found := read(fold(line)):
            return found.group(1)
    return None


def _communes_named(text: str) -> set[tuple[str, ...]]:
    """The communes, wards and special zones a text names by tier and name ("phường Dương Nội", "xã Thanh Bình
    Thịnh"): each name's folded words, those that open with a capital after the tier, three at most."""
    named = set()
    for found in _COMMUNE_NAMED.finditer(text):
        words = list(itertools.takewhile(lambda w: w[:1].isupper(), found.group(1).split()))
        if words:
            named.add(tuple(fold(" ".join(words)).split()))
    return named


def _dateline_place(text: str) -> str | None:
    """The place a text's header dateline names (folded), if a line of its first characters opens with one."""
    return _in_header(text, _DATELINE.match)


# A duty only to carry out the tasks a table or an appendix lists, after its leads: "thực hiện nhiệm vụ cụ thể tại bảng
# dưới đây", "căn cứ chức năng, nhiệm vụ thực hiện các nhiệm vụ tại Biểu kèm theo", "triển khai các nhiệm vụ (chi tiết
# tại Phụ lục I kèm theo)" — naming the table and nothing more ("…, báo cáo kết quả …" is a duty of its own)
_CARRIES_OUT_LISTED = re.compile(
    r"(?:can cu chuc nang , nhiem vu(?: , quyen han)?(?: duoc giao)?(?: ,)? )?(?:(?:to chuc|chu dong|khan truong) )?"
    r"(?:thuc hien|trien khai)(?: thuc hien)?(?: cac| nhung)? (?:nhiem vu|noi dung|cong viec)"
    r"(?: cu the| trong tam| duoc giao| duoc phan cong| chu tri)* \(? ?(?:chi tiet )?(?:tai|theo|o) "
    r"(?:bang|bieu|phu luc|danh muc)"
    r"(?: (?:[ivxl\d]+|kem|theo|duoi|day|nay|cua|ke hoach|thong bao|quyet dinh|van ban|va|phu luc|bieu|,|\)))*")


def _leads_in_to(proposal: Proposal, tabled_leads: set[str], matcher: UnitMatcher) -> bool:
    """The duty is only to carry out the tasks of a table or an appendix, with no date of its own, and the text holds
    a task table whose rows some of its units lead (`tabled_leads`: the rows' leads): those rows are their tasks
    ("Các sở, ngành thực hiện nhiệm vụ cụ thể tại bảng dưới đây:" above 30 rows is no task of every department)."""
    clause = _clause(proposal.content, matcher)
    rest = " ".join(clause.words[clause.lead_end:]).strip(" .:;")
    return (proposal.deadline is NO_DEADLINE and bool(tabled_leads & set(proposal.lead_units))
            and bool(_CARRIES_OUT_LISTED.fullmatch(rest)))


def _row_proposal(row: TaskRow, matcher: UnitMatcher, reference: date) -> Proposal | None:
    """A task table's row as its task, led by the units its lead cell names (none named: no task; a place named by its
    tier alone, "Huyện Tuy Phước", its committee: engine.org.names.as_committee)."""
    leads = _clause(as_committee(row.lead), matcher).mentioned_units()
    if not leads and _EVERY_MINISTRY_AND_PROVINCE.match(fold(row.lead).strip()):
        leads = _every_ministry_and_province(matcher)
    if not leads:
        return None
    coordinating = [c for c in _clause(row.coordinating, matcher).mentioned_units() if c not in leads]
    return Proposal(content=_content(row.content), source=row.source, lead_units=leads,
                    coordinating_units=coordinating, deadline=find_cell_deadline(fold(row.deadline), reference))


def _every_ministry_and_province(matcher: UnitMatcher) -> list[str]:
    return [code for code, unit in matcher.units.items() if unit.kind in ("ministry", "province")]


def _attached_text(sentences: list[_Sentence], signed: int) -> int:
    """The first sentence of the text the document issues after its signature at `signed`; 0 if none follows."""
    return next((at + 1 for at in range(signed + 1, len(sentences))
                 if _ATTACHED.search(fold(sentences[at].text))), 0)


def _labelled_items(sentences: list[_Sentence], matcher: UnitMatcher,
                    reference: date) -> dict[int, Proposal | None]:
    """The items written as a title and labelled lines ("- Cơ quan chủ trì: …", "- Thời hạn: …"): by the
    title's position its duty, led by the units of its lead label and due as its time label says; by each
    label's position None (no duty). A time label ending with ":" has items of its own below it ("+ Các bộ …
    gửi kết quả … trước ngày …"): they are the duties, read as usual, and the title none."""
    folded = [fold(s.text) if s.opens_item else "" for s in sentences]
    # a label, or a later sentence of a label's line (a title's later sentences are read back over too)
    labelling = [not s.opens_item or bool(_LABEL.match(f)) for s, f in zip(sentences, folded, strict=True)]
    found: dict[int, Proposal | None] = {}
    end = 0   # the labels read so far: each sentence is walked over once (a long text stays linear)
    for at, sentence in enumerate(sentences):
        if at < end or not sentence.opens_item or not _LEAD_LABEL.match(folded[at]):
            continue
        title = at - 1   # back over the labels to the title
        while title >= end and labelling[title]:
            title -= 1
        end = at + 1
        while end < len(sentences) and labelling[end]:
            end += 1
        if title < 0 or labelling[title] or sentences[title].rank is None:   # no title, or the labels before
            continue
        times = [n for n in range(title + 1, end) if _TIME_LABEL.match(folded[n])]
        found.update(dict.fromkeys(range(title + 1, end)))
        if times and sentences[times[0]].item_goes_on:
            continue
        named = sentences[at].text.split(":", 1)[1]
        label = _clause(named, matcher)
        # "Cơ quan thực hiện: Sở X chủ trì, phối hợp với Liên đoàn …; các sở, ngành liên quan; UBND các huyện": the
        # label read as a sentence — Sở X leads, the bodies it works with do not; a bare list of bodies
        # ("Các sở, ban, ngành; Ủy ban nhân dân các huyện, thành phố.") all lead
        bare = all(_clause(part, matcher).names_only() for part in named.split(";") if part.strip(" ."))
        codes = label.mentioned_units() if bare else label.leads or label.mentioned_units()
        if codes:
            deadline = find_deadline(folded[times[0]].split(":", 1)[1], reference) if times else NO_DEADLINE
            coordinating = label.coordinating + [
                c for n in range(title + 1, end) if _COORDINATING_LABEL.match(folded[n])
                for c in _labelled_units(sentences[n], matcher)]
            coordinating = [c for c in coordinating if c not in codes]
            found[title] = Proposal(content=_content(sentences[title].text), source=sentences[title].text,
                                    lead_units=codes, coordinating_units=list(dict.fromkeys(coordinating)),
                                    deadline=deadline)
    return found


def _labelled_units(label: _Sentence, matcher: UnitMatcher) -> list[str]:
    """The units a label's line names after its colon ("- Cơ quan phối hợp: Sở Xây dựng và UBND các xã")."""
    return _clause(label.text.split(":", 1)[1], matcher).mentioned_units()


def _titles_paragraph(sentence: _Sentence, following: list[_Sentence], heading: _Heading,
                      clauses: list[_Clause]) -> bool:
    """A list item under a heading of units, naming none and ending with ":", above an unmarked paragraph."""
    return (sentence.opens_item and sentence.item_goes_on and bool(heading.leads) and bool(following)
            and following[0].rank is None and following[0].opens_line and not any(c.mentions for c in clauses))


def _duty_before_focus(text: str, leads: list[str], reference: date, localities: dict[str, None],
                       matcher: UnitMatcher) -> list[Proposal]:
    """"9. UBND các phường, xã chủ động bố trí kinh phí …, tập trung một số nhiệm vụ cụ thể sau:": a duty of its own
    before the items it introduces — not carrying out the text, nor only the manner ("Sở X chủ trì, phối hợp …, tập
    trung các nhiệm vụ sau:")."""
    if not (focus := _FOCUS.search(text)):
        return []
    own = text[:focus.start()]
    clauses = [_clause(part, matcher) for part in _parts(own, matcher)]
    if not clauses or _leads_with_others(clauses[0]) or _restates(fold(own), clauses, False):
        return []
    return _duties(own, clauses, leads, reference, localities, matcher)


def _divided_below(following: list[_Sentence], matcher: UnitMatcher) -> bool:
    """"- Phối hợp hướng dẫn … thuộc phạm vi quản lý. Trong đó:" then "+ Sở Xây dựng: hướng dẫn …": a duty the
    items below divide among the units they open with — theirs are the tasks, it has none of its own."""
    return (len(following) == 2 and fold(following[0].text) == "trong do:" and following[1].opens_item
            and bool(_clause(following[1].text, matcher).opening_units()))


def _heads_kinds_outside(sentence: _Sentence, folded: str, following: list[_Sentence]) -> bool:
    """A list item naming bodies by their kind alone (_OUTSIDE_KINDS), items of a lower rank below it."""
    below = following[0].rank if following else None
    return (sentence.opens_item and sentence.rank is not None and below is not None and below > sentence.rank
            and bool(_OUTSIDE_KINDS.match(folded)))


def _named_outside_a_list(sentence: _Sentence, matcher: UnitMatcher) -> list[str]:
    """The units a sentence outside a list names ("Yêu cầu các sở, ban, ngành; UBND các xã … triển khai
    thực hiện tốt Kế hoạch này."), but the issuing committee."""
    if sentence.rank is not None:
        return []
    return list(dict.fromkeys(c for part in _parts(sentence.text, matcher) for m in _clause(part, matcher).mentions
                              for c in m.codes if not matcher.is_issuer(c)))


def _opening_units(text: str, matcher: UnitMatcher) -> dict[str, None]:
    """The units named in general (a collective name) by a report's opening that gives no duty itself — the meeting's
    ("… tổ chức cuộc họp nghe các sở, ngành, địa phương báo cáo …") or the letter's summed up ("… đã ban hành công văn
    số 426/UBND-NC …, yêu cầu Thủ trưởng các sở, … và Chủ tịch UBND các xã, phường …" then "Theo đó, …"): "the
    units" (_TOLD_THE_UNITS) below are they. Not the committee reporting, named by its own name."""
    return dict.fromkeys(c for m in _clause(text, matcher).mentions if len(m.codes) > 1 and not m.by_name
                         for c in m.codes)


def _told_every_body(folded: str) -> bool:
    """"…, đề nghị bộ, ngành, địa phương khẩn trương …", "… đề nghị Quý Ủy ban gửi báo cáo …" — but not what
    was asked before ("Bộ X đã có Văn bản số … đề nghị các bộ, ngành, địa phương báo cáo") nor whom to ask
    should difficulties arise."""
    told = _TOLD_EVERY_BODY.search(folded)
    if told is None or _DIFFICULTIES.search(folded):   # "nếu có vướng mắc, đề nghị Quý cơ quan liên hệ …"
        return False
    return "da" not in folded[:told.start()].rsplit(",", 1)[-1].split()


def _own_report(text: str, folded: str, reference: date) -> Proposal | None:
    """A sentence with no subject reporting every month ("Báo cáo Thủ tướng Chính phủ kết quả … trước ngày 20
    hằng tháng.") — a task of the units of the duty before it, not that duty's deadline (a report once, "Báo
    cáo UBND tỉnh kết quả trước ngày 25/3", dates the duty before it)."""
    deadline = find_deadline(folded, reference) if folded.startswith("bao cao ") else NO_DEADLINE
    return (Proposal(content=_content(text), source=text, lead_units=[], deadline=deadline)
            if deadline.kind == MONTHLY else None)


def _directs_those_below(sentence: _Sentence, folded: str) -> bool:
    """A sentence with no subject that opens by directing units ("Chỉ đạo các đơn vị, địa phương rà soát …, hoàn
    thành trước ngày 15/01/2026."), in the paragraph of a duty, outside a list: the duty's units direct them, so it is
    part of that duty (and dates it), not a duty of the units it names."""
    return sentence.rank is None and not sentence.opens_line and bool(_DIRECTING_FIRST.match(folded))


def _goes_on(sentence: _Sentence, folded: str) -> bool:
    """`sentence`, after a duty, may go on with it: outside a list, in the duty's paragraph or in a paragraph of its
    own (not a line a PDF wrapped), with no subject of its own (a body outside the tree, "X có trách nhiệm …") and
    no account of what was done ("… đã …")."""
    return (sentence.rank is None and (not sentence.opens_line or sentence.opens_paragraph)
            and not _OWN_DUTY.search(folded) and not _BODY_FIRST.match(folded)
            and "đã" not in sentence.text.lower().split())


def _party_speaks(folded: str, before: bool) -> bool:
    """A party committee or its secretary gives the demands read ("Bí thư Tỉnh ủy yêu cầu, các ngành, địa phương rà
    soát …. Các ngành, địa phương tập trung …"): from the sentence it speaks in until a State body's head or
    committee speaks — a meeting of the party reported, no duty the People's Committee's office registers; so too an
    election committee's letter to the election bodies below it."""
    speaks = bool(_PARTY_SPEAKS.search(folded) or _ELECTION_SPEAKS.search(folded))
    if _STATE_SPEAKS.search(folded) and not speaks:
        return False
    return before or speaks


def _adds_dated_duty(sentence: _Sentence, folded: str, reference: date) -> bool:
    """A sentence with no subject outside a list that adds a duty with a date of its own ("Đồng thời, trình bày lộ
    trình … trong tháng 11-2025."): the same units' next duty, even after an undated one, which it does not date."""
    return (sentence.rank is None and bool(_ADDED_DUTY.match(folded))
            and find_deadline(folded, reference) is not NO_DEADLINE)


def _dated_duty(text: str, folded: str, reference: date) -> Proposal | None:
    """A sentence with no subject and a date of its own ("Xây dựng phương án … trước 30-5.") — a duty; not an account
    of what was done by then ("… đã …"), nor a report of difficulties should any arise (_DIFFICULTIES)."""
    deadline = find_deadline(folded, reference)
    if (deadline is NO_DEADLINE or "đã" in text.lower().split() or _BODY_FIRST.match(folded)
            or _BODY_FIRST.match(_past_opening(folded))
            or _DIFFICULTIES.search(folded)):   # "Trường hợp phát sinh khó khăn, vướng mắc …, báo cáo … trước …"
        return None
    return Proposal(content=_content(text), source=text, lead_units=[], deadline=deadline)


def _past_opening(folded: str) -> str:
    """The sentence past a short opening before its first comma (a time, a case: "Trong năm 2026, tỉnh tiếp tục …"),
    where its subject would stand."""
    opening, comma, rest = folded.partition(", ")
    return rest if comma and len(opening.split()) <= _OPENING_WORDS else folded


def _from_above(proposals: list[Proposal], matcher: UnitMatcher) -> dict[str, None]:
    """Where the text has named no committee, but its duties so far fell to ministries and to no body of a
    province (a Government Office notice, a Prime Minister's directive): its "Các địa phương …" are every
    province's committee, not the tree's communes."""
    kinds = {matcher.units[code].kind for proposal in proposals for code in proposal.lead_units}
    if "ministry" not in kinds or kinds & {"department", "agency", "district", "commune"}:
        return {}
    return dict.fromkeys(code for code, unit in matcher.units.items() if unit.kind == "province")


def _named_committees(clauses: list[_Clause], matcher: UnitMatcher) -> dict[str, None]:
    """The committees the clauses name by their own names, in order — but not one speaking ("Chủ tịch UBND tỉnh
    Thanh Hóa Nguyễn Hoài Anh yêu cầu …", a report naming the issuing committee): its "các địa phương" are the tier
    below it, not itself."""
    return dict.fromkeys(c for clause in clauses for m in clause.mentions
                         if m.by_name and not _speaks(clause, m) and not _issues(clause, m)
                         for c in m.codes if matcher.is_locality(c))


_CHAIR_TITLE = frozenset({"pho", "chu", "tich"})   # (Phó) Chủ tịch


def _issues(clause: _Clause, mention: Mention) -> bool:
    """The committee (or its chairman) issuing a text, told of after the day at most: "Ngày 7/10, Chủ tịch UBND tỉnh
    Cao Bằng Lê Hải Hòa ban hành quyết định công bố tình huống khẩn cấp …" — the issuer, whose "chính quyền địa
    phương" are the tier below it, not itself (heldout106)."""
    start = mention.start
    while start > 0 and clause.words[start - 1] != ",":   # a title at most since the clause's last comma, walked
        if clause.words[start - 1] not in _CHAIR_TITLE:    # back word by word: a clause may hold 4,000 mentions
            return False
        start -= 1
    after = clause.words[mention.end:mention.end + _SPEAKER_NAME + 2]
    return any(after[at:at + 2] == ["ban", "hanh"] for at in range(_SPEAKER_NAME + 1))


def _speaks(clause: _Clause, mention: Mention) -> bool:
    """The mention opens its clause (its head's title before it at most) and a trigger follows it, after a
    person's name at most: the body that gives the duties."""
    if mention.start > len(("pho", "chu", "tich")):
        return False
    after = clause.words[mention.end:mention.end + _SPEAKER_NAME + 2]
    return any(tuple(after[at:at + len(t)]) == t for t in _TRIGGERS for at in range(_SPEAKER_NAME + 1))


def _undated(proposals: list[Proposal], item_start: int, folded: str) -> list[Proposal]:
    """The duties a sentence of no duty after them dates: the last one (". Hoàn thành trước ngày …");
    every one from `start` where it states the time limit ("Thời hạn hoàn thành: trước …", of the list item
    read) or the bodies' reports (_REPORTS_OF_ALL, of the list read)."""
    if folded.startswith("thoi han") or _REPORTS_OF_ALL.match(folded):
        return [p for p in proposals[item_start:] if p.deadline is NO_DEADLINE]
    return proposals[-1:] if proposals[-1].deadline is NO_DEADLINE else []


def _listed_before_colon(text: str, matcher: UnitMatcher) -> tuple[list[str], str] | None:
    """"9. Báo và Phát thanh - Truyền hình X, Sở Văn hóa, Thể thao và Du lịch, Cổng Thông tin điện tử
    tỉnh: Theo chức năng, nhiệm vụ tăng cường …" — an item naming bodies, some outside the tree, one
    by one (each after a comma opening with a capital) before a colon, then a duty with no subject
    (not "Sở Nội vụ: Tham mưu …", a single unit the usual reading leads with):
    the tree's units among them lead it. Their units and the duty."""
    head, colon, duty = text.partition(":")
    duty = duty.strip()
    if not colon or not duty[:1].isupper() or len(head.split()) > _LISTED_WORDS:
        return None
    names = head.split(",")
    if len(names) < 2 or not all(name.strip()[:1].isupper() for name in names):
        return None
    named, told = _clause(head, matcher), _clause(duty.split(";")[0], matcher)
    # not "UBND các tỉnh: Khánh Hòa, Gia Lai …", the colon opening a list of the units
    if named.leads or told.leads or (told.mentions and told.mentions[0].start == 0):
        return None
    codes = list(dict.fromkeys(c for m in named.mentions if not m.related for c in m.codes))
    return (codes, duty) if codes else None


def _addressed_before_colon(text: str, matcher: UnitMatcher) -> tuple[list[str], str] | None:
    """"Đề nghị các cơ quan chuyên môn …; Văn phòng Đoàn Đại biểu Quốc hội …; các đơn vị sự nghiệp …;
    Hội đồng nhân dân, Ủy ban nhân dân các xã, phường và đặc khu: tổ chức triển khai …" — a trigger, then
    addressees listed across ";" (some outside the tree) up to a colon, then the duty: the tree's units
    among them lead it. Their units and the duty."""
    head, colon, duty = text.partition(":")
    # after a title with no stop run into it ("1. Về triển khai … năm 2025 Đề nghị …")
    trigger = re.search(r"(?:^|\s)(?=(?:Đề nghị|Yêu cầu|Giao)\s)", head)
    if trigger is None or ";" in head[:trigger.start()]:
        return None
    pieces = head[trigger.end():].split(";")
    if not colon or len(pieces) < 2 or not duty.strip():
        return None
    if any(len(piece.split()) > _LISTED_WORDS for piece in pieces):
        return None
    clauses = [_clause(piece, matcher) for piece in pieces]
    # each piece after the first names bodies and nothing it is told to do
    if any(c.leads and not c.names_only() for c in clauses[1:]):
        return None
    # not the body they belong to ("… thuộc Ủy ban nhân dân Thành phố")
    codes = list(dict.fromkeys(c for clause in clauses for m in clause.mentions
                               if not m.related and clause.words[m.start - 1:m.start] != ["thuoc"] for c in m.codes))
    return (codes, duty.strip()) if codes else None


def _named_by_head(text: str, clause: _Clause | None, heads: dict[str, list[str]]) -> list[str]:
    """"Bộ cũng có nhiệm vụ phối hợp …" after "Bộ TT&TT …", "Tỉnh căn cứ …" in a notice to "tỉnh
    Điện Biên", "Viện có nhiệm vụ bàn giao …" after "Viện Nghiên cứu phát triển Thành phố": the unit last
    named with that head word, where the sentence has no subject of its own and goes on as a duty (not
    "Sở đã …")."""
    if clause is None or clause.leads or not _HEAD_ALONE.match(text):
        return []
    words = clause.words
    duty = (words[1:4] in (["co", "trach", "nhiem"], ["co", "nhiem", "vu"])
            or (len(words) > 1 and words[1] not in _NOT_DUTY))
    return heads.get(words[0], []) if duty and "vua" not in words[1:_REPORT_REACH] else []


def _introduces(folded: str) -> bool:
    """The sentence introduces the duties listed below it (not the details of its own duty); so does a purpose
    ending with ":" ("Để đấu thầu lựa chọn nhà đầu tư thực hiện dự án …:" then "- Đối với …: Khẩn trương …")."""
    return bool(_INTRODUCES.search(folded) or _PURPOSE_FIRST.match(folded)) and not _details(folded)


def _outside_the_tree(sentence: _Sentence, clauses: list[_Clause], heading: list[str]) -> bool:
    """A list item (or a paragraph with no marker) under a heading whose trigger names no unit of the tree ("(3)
    Đề nghị Ủy ban Kinh tế và Tài chính của Quốc hội … phối hợp …", "Đề nghị các doanh nghiệp …", "Đề nghị Công ty
    Cổ phần Cấp nước …: Cử cán bộ …"): a duty of other bodies, not the heading's units'."""
    if not ((sentence.opens_item or sentence.opens_line) and heading and clauses) or clauses[0].leads:
        return False
    # also bodies named by their kind: "(3) Đề nghị các doanh nghiệp trên địa bàn xây dựng phương án thưởng …"
    asked = _TRIGGER_ASKING.match(fold(clauses[0].text))
    # a name, in capitals: not "Yêu cầu các đơn vị hoạt động khoáng sản lắp đặt …" (the heading's unit requires them to)
    return bool(_TRIGGER_NAMING.match(clauses[0].text)) or bool(asked and _OUTSIDE_KINDS.match(asked.group(1)))


# A stance to hold: "… phải xác định công tác phòng, chống các loại tội phạm là nhiệm vụ trọng tâm, thường xuyên và
# cấp bách." — a field of work held as a main task, no output the office can urge or inspect; not an output named in
# it ("xác định nhiệm vụ xây dựng Bảng giá đất … là nhiệm vụ …", "xác định việc hoàn thành tuyến chính vào ngày … là
# …"), nor a duty going on after it ("… là nhiệm vụ trọng tâm, thường xuyên; rà soát, xử lý …")
_STANCE = re.compile(r"\bxac dinh cong tac\b[^.;]{1,150}?\bla (?:mot )?nhiem vu\b[^.;]{0,60}\.?$")
# a header's place-and-date line on its own ("Thành phố Hồ Chí Minh, ngày 16 tháng 4 năm 2020"): the place may be a unit
# of the tree, and nothing is asked of it
_PLACE_AND_DATE = re.compile(r"^[^\W\d_]+\.?(?: [^\W\d_]+){0,5}, ngay \d{1,2} thang \d{1,2} nam \d{4}\.?$")


# A letter's courtesy close, asking for the addressee's attention and nothing to be done: "… trân trọng đề nghị Bộ
# Xây dựng quan tâm, sớm xem xét, chỉ đạo giải quyết./.", "Đề nghị Sở X quan tâm, phối hợp giải quyết." (not "… quan
# tâm chỉ đạo các đơn vị rà soát …", a duty named)
_COURTESY = re.compile(r"\b(?:de nghi|mong)\b[^.;:]*?\bquan tam(?:[ ,]+(?:va|som|xem xet|giai quyet|chi dao|ho tro"
                       r"|tao dieu kien|phoi hop|cho y kien|giup do))*[ ./]*$")


def _no_duty(sentence: _Sentence, folded: str, clauses: list[_Clause], closing: bool) -> bool:
    """An introduction ("… như sau:"), a part's title, a line naming units and nothing else, a
    closing that restates the duties above it or exhorts (_EXHORTS), what a law or another text gave a body
    (_LAW_GAVE, _TEXT_GAVE), who
    attended, where a thing is held (_PLACE_LABEL), a rule for a work that names no body (_NORM), or praise
    (_COMMENDS), a stance to hold (_STANCE), the header's place and date (_PLACE_AND_DATE), a courtesy
    (_COURTESY), or what a body outside the tree has written asking (_told_request)."""
    return (_introduces(folded.rstrip()) or _is_title(sentence, clauses) or _names_only(clauses)
            or bool(_STANCE.search(folded) or _PLACE_AND_DATE.match(folded) or _COURTESY.search(folded))
            or bool(_PLACE_LABEL.match(folded))
            or (closing and (_is_closing(folded, clauses) or _exhorts(clauses)))
            or _restates(folded, clauses, closing)
            or bool(_LAW_GAVE.search(folded) or _TEXT_GAVE.match(folded)) or bool(_ATTENDING.match(folded))
            or (bool(_NORM.match(folded)) and not any(clause.mentions for clause in clauses))
            or bool(_COMMENDS.search(folded)) or _told_request(folded))


def _told_request(folded: str) -> bool:
    """A body outside the tree (_OUTSIDE_KINDS) opening the sentence, past a short opening ("Thứ ba, …"), told of
    having written asking (_WROTE_ASKING)."""
    told = _past_opening(folded)
    return bool(_OUTSIDE_KINDS.match(told) and _WROTE_ASKING.match(told))


def _exhorts(clauses: list[_Clause]) -> bool:
    """The units told how to do their duties, their duty opening with an exhortation (_EXHORTS)."""
    first = clauses[0] if clauses else None
    return first is not None and bool(first.leads) and bool(_EXHORTS.match(" ".join(first.words[first.lead_end:])))


def _details(folded: str) -> bool:
    """The list items below the line are the details of its duty (_DETAILS, _DATED_DETAILS)."""
    return bool(_DETAILS.search(folded)) or (bool(_DATED_DETAILS.search(folded))
                                              and find_deadline(folded, date.min) is not NO_DEADLINE)


def _named_one_by_one(clauses: list[_Clause], found: list[Proposal], matcher: UnitMatcher) -> list[str]:
    """The units a sentence names one at a time, in order: its mentions, its places, its leads."""
    return ([c for clause in clauses for m in clause.mentions if len(m.codes) == 1 for c in m.codes]
            + [c for clause in clauses for c in matcher.places(clause.words)]
            + [c for p in found if len(p.lead_units) == 1 for c in p.lead_units])


def _remember_heads(heads: dict[str, list[str]], codes: list[str], matcher: UnitMatcher) -> None:
    """The unit each head word ("so", "bo", "tinh") names next time it stands alone: the last named."""
    for code in codes:
        heads[matcher.head(code)] = [code]


# A minister heading an office or a bank, whose title a comma splits: "… của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ
# hướng dẫn …", "Bộ trưởng, Thống đốc Ngân hàng Nhà nước" — the cited text's author, not a subject after a recital
_TWO_PART_TITLE = re.compile(r"\bbo truong ?, ?(?:chu nhiem|thong doc|tong thanh tra)\b")


# The text's opening demand put after a recital or a purpose ("Thực hiện Chỉ thị số …, Chủ tịch UBND tỉnh yêu cầu …",
# "Nhằm …, …", "Để …, …", "Căn cứ Kế hoạch này, …") to every body at once — the departments and the local
# governments — undated, above the parts that give each body its own: the umbrella of those parts, as Chỉ thị and plans
# of People's Committees open, no task of its own (not "Đề nghị", "Đề xuất"; nor a purpose led by its subject)
_PURPOSE_FIRST_CLAUSE = re.compile(r"^(?:nham|de (?!nghi\b|xuat\b))[^,;]*,")
_EVERY_DEPARTMENT = re.compile(r"\bcac so, (?:ban, )?nganh\b|\bco quan chuyen mon\b")
_EVERY_LOCALITY = re.compile(r"\bdia phuong\b|\b(?:ubnd|uy ban nhan dan) cac (?:xa|phuong|huyen|quan)\b")


def _umbrella(folded: str, following: list[_Sentence], reference: date) -> bool:
    """The text's opening demand to every body under a recital or purpose, with items below (_EVERY_DEPARTMENT)."""
    return ((_recites(folded) or bool(_PURPOSE_FIRST_CLAUSE.match(folded)))
            and bool(_EVERY_DEPARTMENT.search(folded) and _EVERY_LOCALITY.search(folded))
            and find_deadline(folded, reference) is NO_DEADLINE
            and any(s.rank is not None for s in following))


def _recites(folded: str) -> bool:
    return folded.startswith(_RECITALS) or bool(_CARRYING_OUT.match(folded))


def _past_recital(sentence: _Sentence, matcher: UnitMatcher) -> _Sentence:
    """"Căn cứ Quy chế làm việc …, Văn phòng UBND tỉnh đề nghị Sở X khẩn trương trình …" — the duty
    after the recital's comma, where a trigger names its units; after a narrative ("Ngày 26/5, UBND
    tỉnh ban hành Công văn … Theo đó, giao …"), only what follows "Theo đó,". Otherwise the
    sentence as it is."""
    folded = fold(sentence.text)
    # a cited document's instruction ("Tại Công văn số …, Phó Chủ tịch UBND tỉnh giao Sở X …") is read as
    # after a recital, only where a trigger names the units: what it reports ("…, UBND X rà soát, báo
    # cáo có 215 dự án") and a day's account ("Ngày 26/5, UBND tỉnh ban hành …") assign nothing
    citing = bool(re.match(_CITING, folded))
    if _NARRATIVE.match(folded):
        accordingly = re.search(r"\bTheo đó,\s*", sentence.text, re.IGNORECASE)
        if accordingly:
            return replace(sentence, text=sentence.text[accordingly.end():])
        if not citing:
            return sentence
    commas = [m.end() for m in re.finditer(",", sentence.text)]
    # only where a trigger follows within a few words, and a few times at most: a recital of
    # thousands of commas stays linear
    near = [c for c in commas if any(" ".join(t) in fold(sentence.text[c:c + 80]) for t in _TRIGGERS)]
    for comma in list(dict.fromkeys(near[:_RECITAL_TRIES] + commas[:_RECITAL_TRIES])):
        if _TWO_PART_TITLE.search(fold(sentence.text[max(0, comma - 12):comma + 20])):
            continue
        rest = sentence.text[comma:].strip()
        if fold(rest).startswith("trong do"):   # "Thực hiện Văn bản số …, trong đó giao Sở X …": what it says
            continue
        clause = _clause(rest.split(";")[0], matcher)
        # a trigger names the units, or they open the rest as its subject ("Căn cứ nội dung Kế hoạch
        # …, các sở, ban, ngành, UBND các xã xây dựng …")
        # told of what was done before its leads ("…, Chủ tịch UBND tỉnh đã ban hành … văn bản chỉ đạo Sở X")
        first_lead = next((m.start for m in clause.mentions if set(m.codes) & set(clause.leads)), 0)
        done = "da" in clause.words[:first_lead]
        if clause.leads and not done and (any(_follows_trigger(clause.words, m) for m in clause.mentions)
                                          or (not citing and _opens_sentence(clause.words, clause.mentions[0]))):
            return replace(sentence, text=rest)
        if _asks_across_semicolons(rest, clause):
            return replace(sentence, text=rest)
    return sentence


def _asks_across_semicolons(rest: str, clause: _Clause) -> bool:
    """After a recital, the speaker asks bodies listed across ";", the first outside the tree: "…, Chủ tịch UBND tỉnh
    yêu cầu các thành viên Ban chỉ đạo …; Thủ trưởng các sở, …" (`clause` the part before the first ";")."""
    asking = fold(rest.split(";")[0])
    return (";" in rest and not clause.leads and bool(clause.mentions)
            and _opens_sentence(clause.words, clause.mentions[0]) and bool(_ASKS_BODIES.search(asking)))


def _past_topic(sentence: _Sentence) -> _Sentence:
    """"Về việc hỗ trợ 20 xe cứu thương: Tỉnh căn cứ …" — the duty after the topic it answers."""
    topic = _TOPIC.match(sentence.text)
    return replace(sentence, text=sentence.text[topic.end():]) if topic else sentence


@dataclass
class _Heading:
    """The units the list items below a line do their duties for: "1.3. Giao UBND các phường,
    xã:" and its "-" items; or "(1) Bộ Y tế chỉ đạo …." and the "-" items that go on with Bộ Y
    tế's duties. A list item of its rank or higher, or a line outside the list, ends it; the
    heading it was under (`outer`) is in force again."""

    leads: list[str] = field(default_factory=list)
    rank: int | None = None   # of the heading's own marker; None: every list item below
    outer: _Heading | None = None
    outside: bool = False   # a body outside the tree ("3. Cục Đường bộ Việt Nam"): its items are no one's here
    # an introduction's items written as paragraphs with no marker ("… các nhiệm vụ trọng tâm sau:" then
    # "Theo dõi sát …" then "Khẩn trương rà soát …"): until a list item shows the items are marked
    paragraphs: bool = False

    def opens(self, sentence: _Sentence) -> bool:
        """`sentence` opens one of the heading's items: a list item's first, or an unmarked paragraph's."""
        return sentence.opens_item or (self.paragraphs and sentence.rank is None and sentence.opens_line
                                       and not (self.rank is not None and _OWN_SUBJECT.match(fold(sentence.text))))

    def end_before(self, sentence: _Sentence) -> _Heading:
        """The heading in force for `sentence`."""
        if sentence.rank is None:   # a paragraph among the items ("1." then two paragraphs, then "2. …")
            return self
        if self.paragraphs:
            return replace(self, paragraphs=False).end_before(sentence)
        if sentence.opens_item and self.rank is not None and sentence.rank <= self.rank:
            return (self.outer or _Heading()).end_before(sentence)
        return self

    def after_item(self, sentence: _Sentence, leads: list[str]) -> _Heading:
        """A numbered item with a duty of its own heads the "-" items below it — unless it ends
        with ":" (they are parts of its duty, not duties of their own)."""
        if sentence.rank is None or sentence.rank == _RANKS.index("bullet") or sentence.item_goes_on:
            return self
        return _Heading(leads, sentence.rank, self)


def _sentences(text: str, compounds: set[tuple[str, str, str]]):
    """The sentences, wrapped lines joined (not across a blank line), list items and sentences split;
    `compounds` (UnitMatcher.dash_compounds) tell a name broken at its dash from a list item."""
    pieces: list[list[str]] = []   # the lines of each logical line (joined once: no quadratic copying)
    paragraphs: set[int] = set()   # the pieces a blank line comes before
    blank = False   # a blank line ends a paragraph: a title above "Ngày 9/11, UBND tỉnh …" is no part of it
    for line in text.splitlines():
        line = line.strip()
        if not line:
            blank = True
            continue
        # a line going on in lower case goes on with the one before, also after ";" ("…02 cấp;" then
        # "thường xuyên kiểm tra …"); an article ("Điều 9. Xử lý vi phạm") starts a line of its own, also below its
        # chapter's title ("Chương III" "XỬ LÝ VI PHẠM")
        if (pieces and not blank and not _titled(pieces[-1], line) and not _after_addressees(pieces[-1], line)
                and not _topic_ended(pieces[-1], line) and not _ARTICLE_NUMBER.match(line)
                and (not _MARKER.match(line) or _broken_at_dash(pieces[-1][-1], line, compounds)
                     or (pieces[-1] == [pieces[-1][-1]] and bool(_BARE_NUMBER.match(pieces[-1][-1]))
                         and line.startswith("- ")))
                and (not pieces[-1][-1].endswith((".", ":", "!", "?", "…")) or _joins(pieces[-1])
                     or line[:1].islower())):
            pieces[-1].append(line)
        else:
            if blank:
                paragraphs.add(len(pieces))
            pieces.append([line])
        blank = False
    items = [(item, n in paragraphs and not number) for n, p in enumerate(pieces) if not _distribution_row(p[0])
             for number, item in enumerate(_INLINE_ITEM.split(_untabled(" ".join(p))))]
    lines = [line for line, _ in items]
    ranks = _nested_numbers(lines)
    for at, (line, paragraph) in enumerate(items):
        rank, marker = ranks[at], _MARKER.match(line)
        body = line[marker.end():] if marker else line
        below = ranks[at + 1] if at + 1 < len(lines) else None
        heads = rank is not None and below is not None and below > rank and not line.endswith((".", ";", "!", "?", ":"))
        sentences = [part.strip() for part in _SENTENCE_END.split(body) if part.strip()]
        for number, sentence in enumerate(sentences):
            yield _Sentence(sentence, rank, rank is not None and number == 0, line.endswith(":"),
                            heads and number == len(sentences) - 1, number == 0, paragraph and number == 0)


def _quoting(line: str) -> bool:
    """In a letter (it has addressees), a line opening with a quotation mark quotes another text ("… trong đó có
    giao:" then "“Bộ Y tế khẩn trương rà soát …”"): what was asked there, not a duty the letter gives. A page
    reporting a directive quotes the directive itself ("Công văn nêu rõ:" then "“Giao cho Sở Xây dựng …”")."""
    return line.startswith(("“", '"'))


def _distribution_row(line: str) -> bool:
    """The distribution list and the signature written as one row of a table, a page's layout copied ("| Nơi
    nhận: - Như trên; - Lưu: VT. | KT. BỘ TRƯỞNG …"): no text, and a document appended may follow it (a
    decision's plan)."""
    return "|" in line and fold(line[:16]).lstrip("| ").startswith("noi nhan")


# The bars of a table's row and of the rule below it: "| Kính gửi: | - Sở X; - Sở Y. | |---|---|"
_CELL_BARS = re.compile(r"\s*\|(?:-+\|)*\s*")


def _untabled(line: str) -> str:
    """The addressees written as one row of a table, a page's layout copied ("| Kính gửi: | - Sở X; - Sở Y. |"):
    read as the line "Kính gửi: - Sở X; - Sở Y." is, not as duties of the bodies named."""
    if "|" in line and fold(line[:20]).lstrip("| ").startswith(("kinh gui", "dong kinh gui")):
        return _CELL_BARS.sub(" ", line).strip()
    return line


# A span of years a line breaks at its dash: "giai đoạn 2026" then "- 2030, …"
# … or of days, as a PDF's line breaks it: "(từ 30/4" then "- 03/5), gửi …", "từ ngày 25/12/2025" then "- 05/01/2026"
# — a day only after the "từ" opening the span: a schedule's "- Rà soát hồ sơ đến 15/4" then "- 16/4 - 30/4: …" are two
# items
_DAY = r"\d{1,2}/\d{1,2}(?:/(?:19|20)\d{2})?"
_SPAN_FROM = re.compile(r"(?:(?<![/.-])\b(?:19|20)\d{2}|\b[Tt]ừ (?:ngày )?" + _DAY + ")$")   # a year, not a date's
_SPAN_TO = re.compile(r"[-–] (?:(?:19|20)\d{2}|" + _DAY + r")\b")
# Compounds written with a dash that a line may break at: "tổ chức chính trị" then "- xã hội …"
_DASH_COMPOUNDS = {("chinh", "tri", "xa"), ("kinh", "te", "xa"), ("van", "hoa", "xa"), ("kinh", "te", "ky")}


def _broken_at_dash(last: str, line: str, compounds: set[tuple[str, str, str]]) -> bool:
    """`line` ("- Viễn thông Quân đội …", "- xã hội tại địa phương …") is no list item but the rest of
    a compound or a unit's name the line before breaks at its dash ("… Công nghiệp", "… chính trị")."""
    if not line.startswith(("- ", "– ")):
        return False
    if _SPAN_FROM.search(last) and _SPAN_TO.match(line):
        return True   # "… giai đoạn 2026" then "- 2030, tập trung …": a span of years or days
    before, after = fold(last).split()[-2:], fold(line[2:]).split()[:1]
    return len(before) == 2 and bool(after) and (*before, *after) in _DASH_COMPOUNDS | compounds


def _after_addressees(piece: list[str], line: str) -> bool:
    """"Kính gửi: Các đồng chí Bộ trưởng, …" then "Thực hiện Kết luận số …": the addressees end where a
    recital opens a line, though their line ends without a stop."""
    return bool(_ADDRESSED.search(fold(piece[0]))) and line[:1].isupper() and _recites(fold(line))


def _topic_ended(piece: list[str], line: str) -> bool:
    """A numbered topic ("5. Về công khai bản kê khai tài sản, thu nhập", no stop) or an article's title on a
    line of its own ("Điều 6. Điều khoản chuyển tiếp", then "Sở Tài chính … có trách nhiệm:") ends where a line
    opens with a capital — unless it broke off inside a phrase ("… Nghị quyết số 57 của" then "Bộ Chính trị") or
    a name ("… kiến nghị của tỉnh Điện" then "Biên vào …")."""
    marker = _MARKER.match(piece[0])
    last = piece[0].split()[-1]
    titled = (marker is not None and piece[0][marker.end():].startswith("Về ")) or _article_title(piece[0])
    return (len(piece) == 1 and titled and line[:1].isupper() and not last[:1].isupper()
            and fold(last) not in _BROKEN_OFF)


# An article's title is short: a body starting on the article's line fills it ("Điều 2. Giao Sở Tài chính chủ trì,
# phối hợp với … tổ chức triển khai" then "Quyết định …") and goes on on the next
_ARTICLE_TITLE_WORDS = 10


def _article_title(line: str) -> bool:
    """"Điều 6. Điều khoản chuyển tiếp": an article's number and a title of a few words, no comma at its end."""
    title = _ARTICLE_NUMBER.match(line)
    return title is not None and len(line[title.end():].split()) <= _ARTICLE_TITLE_WORDS and not line.endswith(",")


def _titled(piece: list[str], line: str) -> bool:
    """A part's title in capitals ("VII. CHẾ" "ĐỘ BÁO CÁO") ends where a line in lower case starts."""
    title = _MARKER.sub("", " ".join(piece), count=1)
    return title.isupper() and not line.isupper()


def _joins(piece: list[str]) -> bool:
    """The next line goes on with `piece`: a marker alone ("1." then "Sở Y tế:"), or a list item's
    heading ending with ":" above a paragraph with no marker ("3. Sở Tài chính:" then "Tham mưu …")."""
    return bool(_LONE_MARKER.match(piece[-1]) or (_MARKER.match(" ".join(piece)) and piece[-1].endswith(":")))


def _rank(line: str) -> int | None:
    marker = _MARKER.match(line)
    return _RANKS.index(marker.lastgroup) if marker and marker.lastgroup else None


def _nested_numbers(lines: list[str]) -> list[int | None]:
    """The lines' ranks: "(1)" is of the rank of "1." — but below it in the items right under a "1." line
    ending with ":", up to the next "1." line, and below an "a)" line ending with ":" in the items under it;
    "+" is of the rank of "-", but below a "-" line ending with ":" or with no stop (a heading, "- Bộ
    Công Thương") in the items under it, and so is "(i)" there."""
    ranks, under, under_letter, under_dash = [], False, False, False
    for line in lines:
        rank = _rank(line)
        if rank == _RANKS.index("bullet"):
            # "- Thủ trưởng các cơ quan … có trách nhiệm:" then "+ …" items: below it, up to the next "-"
            if not line.lstrip().startswith("+"):
                under_dash = not line.endswith((".", ";", "!", "?", "…"))
            elif under_dash:
                rank = _RANKS.index("plus")
        elif rank == _RANKS.index("sub") and under_dash:
            rank = _RANKS.index("plus")   # "- Bộ Xây dựng:" then "(i) …", "(ii) …": its items, as "+" ones
        if rank == _RANKS.index("number"):
            under, under_letter = line.endswith(":"), False
        elif rank == _RANKS.index("letter"):
            under_letter = line.endswith(":")
        elif rank == _RANKS.index("paren") and under_letter:
            rank = _RANKS.index("sub")   # "b) Các Bộ: … khắc phục …, cụ thể:" then "(1) …": below it
        elif rank == _RANKS.index("paren") and not under:
            rank = _RANKS.index("number")
        ranks.append(rank)
    return ranks


def _clause(part: str, matcher: UnitMatcher) -> _Clause:
    words, capitals, proper = tokens(part)
    found = matcher.mentions(words, capitals, proper)
    mentions = [m for m in found if not m.generic or _generic_subject(words, m) or _listed_before(words, m, found)]
    leads, lead_end = _leads(words, mentions, matcher)
    lead_set = set(leads)
    coordinating = [c for c in _coordinating(words, mentions, lead_end) if c not in lead_set]
    return _Clause(part, words, mentions, leads, coordinating, lead_end, proper)


# Bodies of kinds outside the tree going on with a generic name: "Các cơ quan, đơn vị, trường học, lực lượng vũ
# trang, doanh nghiệp … trên địa bàn xã thực hiện treo cờ …" — everyone on a territory, not the departments.
_OTHER_KINDS = (("truong", "hoc"), ("doanh", "nghiep"), ("luc", "luong", "vu", "trang"), ("benh", "vien"))


def _generic_subject(words: list[str], mention: Mention) -> bool:
    """"Các cơ quan, đơn vị (có TTHC …) tổ chức …", "Ngoài ra, các cơ quan, tổ chức, đơn vị …": the name is
    the sentence's subject — not one heading a list of named ones ("… sau đây") nor those already given a task
    ("… được giao chủ trì") nor one going on with bodies of other kinds (_OTHER_KINDS). Above items ("- Thủ
    trưởng các cơ quan, tổ chức, đơn vị có trách nhiệm:" then "+ …") it heads them (_responsible_for_items)."""
    return (_opens_sentence(words, mention)
            and words[mention.end:mention.end + 2] not in (["sau", "day"], ["duoc", "giao"])
            and not (words[mention.end:mention.end + 1] == [","]
                     and any(tuple(words[mention.end + 1:mention.end + 1 + len(k)]) == k for k in _OTHER_KINDS)))


def _listed_before(words: list[str], mention: Mention, found: list[Mention]) -> bool:
    """"đề nghị các cơ quan, đơn vị, UBND các huyện, thành phố tiếp tục …": the generic name opens a list
    going on with named bodies, so it is one of the addressees (the departments), not whoever is concerned."""
    return words[mention.end:mention.end + 1] == [","] and any(
        m.start == mention.end + 1 and not m.generic for m in found)


def _singled_out(words: list[str]) -> int:
    """Where ", trong đó (trọng tâm là) các tỉnh: …" starts: some of the units named before singled
    out, no more units of the heading ("Chủ tịch UBND các tỉnh, thành phố từ Hà Tĩnh đến Lâm Đồng, trong
    đó trọng tâm là các tỉnh: Đắk Lắk, …:"); the words' end if it is not there."""
    return next((at for at in range(1, len(words) - 1) if words[at - 1:at + 2] == [",", "trong", "do"]), len(words))


# The provinces' party secretaries addressed with their committees, and the units "nêu trên" (named above):
# "Bí thư tỉnh ủy, thành ủy và Chủ tịch UBND các tỉnh, thành phố nêu trên …:" is a heading of units
_SECRETARIES_ABOVE = {"bi", "thu", "tinh", "thanh", "uy", "neu", "tren"}
# The manner closing a heading of units: "… theo chức năng, nhiệm vụ, thẩm quyền (được giao):"
_MANNER_WORDS = {"chuc", "nang", "nhiem", "vu", "quyen", "han", "tham", "duoc", "giao", "cua", "minh", ",", "va"}


def _manner_tail(words: list[str]) -> int:
    """Where "theo chức năng, nhiệm vụ, thẩm quyền" closing the words starts (the units before it head the
    items below: "Bộ trưởng các Bộ: …; Chủ tịch UBND các tỉnh … theo chức năng, nhiệm vụ, thẩm quyền:"; also
    "… trực thuộc trung ương theo thẩm quyền:"); the words' end if they do not end so."""
    at = next((at for at in range(len(words) - 1)
               if words[at] == "theo" and words[at + 1] in {"chuc", "nhiem", "tham"}), len(words))
    return at if all(w in _MANNER_WORDS for w in words[at + 1:]) else len(words)


# The State's firms named by kind beside the groups of the tree in a heading of bodies: "…, Chủ tịch, Tổng Giám
# đốc các tập đoàn kinh tế, tổng công ty, doanh nghiệp nhà nước:" (then its items).
_STATE_FIRMS = (("kinh", "te"), ("tong", "cong", "ty", "nha", "nuoc"), ("tong", "cong", "ty"),
                ("doanh", "nghiep", "nha", "nuoc"))


def _state_firms(words: list[str]) -> set[int]:
    """The positions of the State's firms' kind names ("tập đoàn kinh tế": the words after "tập đoàn")."""
    found: set[int] = set()
    for at in range(len(words)):
        for name in _STATE_FIRMS:
            after_groups = name != ("kinh", "te") or words[at - 2:at] == ["tap", "doan"]
            if tuple(words[at:at + len(name)]) == name and after_groups:
                found.update(range(at, at + len(name)))
                break
    return found


def _aside(words: list[str]) -> set[int]:
    """The positions of words in parentheses: "Sở Nội vụ (Cơ quan thường trực Ban …):"."""
    aside, depth = set(), 0
    for at, word in enumerate(words):
        depth += (word == "(") - (word == ")")
        if depth > 0 or word == ")":
            aside.add(at)
    return aside


# A list of names after its head and a colon, written with ";" between them: "yêu cầu các Bộ: Nông nghiệp
# và Môi trường; Xây dựng; Khoa học và Công nghệ xây dựng phương án …" — one list of leads, not clauses.
_LIST_ACROSS = re.compile(r"\b(?:[Cc]ác )?(?:Bộ|Sở|Ban): (?:" + _CAPITAL + r"[^;:.]{0,60}; )+(?=" + _CAPITAL + ")")


# Words left out of a quoted text before the next duty given: "Giao cho Sở A làm rõ… giao cho Sở B …".
_LEFT_OUT = re.compile(r"(?:…|\.\.\.)(?=\s*(?:giao|yêu cầu|đề nghị)\s)")


def _parts(text: str, matcher: UnitMatcher) -> list[str]:
    """The clauses of a sentence: split at ";" (and at an ellipsis before "giao", "yêu cầu", "đề nghị"),
    and where "và", "đồng thời" or a comma (_COMMA_JOINT) opens a duty of other units ("Sở A rà soát … trước
    ngày 10/3 và Sở B kiểm tra … trước ngày 20/3")."""
    parts = []
    text = _LIST_ACROSS.sub(lambda m: m.group(0).replace(";", ","), _LEFT_OUT.sub(";", text))
    for part in (p for p in text.split(";") if p.strip()):
        start = 0
        joints = list(_JOINT.finditer(part))[:_JOINT_TRIES] + list(_COMMA_JOINT.finditer(part))[:_JOINT_TRIES]
        for joint in sorted(joints, key=lambda j: j.start()):
            if joint.start() > start and _opens_duty(part[start:joint.start()], part[joint.end():], matcher):
                parts.append(part[start:joint.start()])
                start = joint.end()
        parts.append(part[start:])
    return parts


def _opens_duty(before: str, after: str, matcher: UnitMatcher) -> bool:
    """`after` opens with units acting (its subject), and `before` is a duty of its own whose
    last words are not units (so "… phối hợp Sở A và Sở B kiểm tra" stays one list)."""
    first = _clause(after[:_JOINT_WINDOW], matcher)
    if not first.leads or not first.mentions or first.mentions[0].start != 0:
        return False
    previous = _clause(before, matcher)
    if (not previous.leads or previous.ends_with_others()
            or all(w in _FILLERS | _UNIT_NOUNS
                   for w in _BODIES.sub(" ", " ".join(previous.words[previous.lead_end:])).split())):
        return False   # "đề nghị các sở, ban, ngành, đơn vị chức năng có liên quan và UBND các xã …": one list
    tail = list(previous.words)
    while tail and tail[-1] in _FILLERS:
        tail.pop()
    # "… tổng hợp kết quả của các cơ quan, đơn vị và UBND các xã trong tháng 12": whose results, not a subject
    if tail[-1:] == ["cua"]:
        return False
    # "… chỉ đạo các đơn vị trực thuộc và UBND các xã tuyên truyền": units it directs, not a new subject
    near = tail[-_OBJECT_REACH:]
    return not any(near[n:n + 2] in _DIRECTING for n in range(len(near) - 1))


def _chain(words: list[str], mentions: list[Mention], first: int, gaps: set[str]) -> tuple[list[str], int]:
    """The units of mentions[first] and of the mentions after it separated only by `gaps` words;
    "các sở, ngành liên quan" and "các địa phương" beside units named one by one are those units'
    helpers, not leads ("Bộ Xây dựng, các địa phương, cơ quan chủ quản … tiếp tục chỉ đạo …")."""
    chained, owner = [mentions[first]], None
    for mention in mentions[first + 1:]:
        between = words[(owner or chained[-1]).end:mention.start]
        if between in (["truc", "thuoc"], ["thuoc"]):
            # "Các sở, ban, ngành trực thuộc UBND tỉnh; UBND các huyện …": whom the units belong to, not one of
            # them; the list goes on after it
            owner = mention
            continue
        if gaps is _LEAD_GAPS:   # a list of leads may name bodies outside the tree among its units
            between = _BODIES.sub(" ", " ".join(between)).split()
        if not all(w in gaps for w in between):
            break
        chained.append(mention)
        owner = None
    if any(len(m.codes) == 1 or m.by_name for m in chained):   # also a list "các Bộ: Xây dựng, Công Thương"
        chained = [m for m in chained if not (m.related or m.local)] or chained
    # a heading of a collective name with no stop, then one of its units as the paragraph's subject ("8. Các Ban
    # Quản lý dự án đầu tư xây dựng" then "Ban Quản lý dự án đầu tư xây dựng số 1 đẩy nhanh …"): that unit
    chained = [m for at, m in enumerate(chained)
               if not (at + 1 < len(chained) and chained[at + 1].start == m.end
                       and set(chained[at + 1].codes) < set(m.codes))]
    return list(dict.fromkeys(c for m in chained for c in m.codes)), (owner or chained[-1]).end


def _run_starts(words: list[str], mentions: list[Mention]) -> list[int]:
    """The first mention of each run of mentions joined only by separators ("Sở A, Sở B và Sở C")."""
    return [n for n, m in enumerate(mentions)
            if n == 0 or not all(w in _SEPARATORS for w in words[mentions[n - 1].end:m.start])]


def _directing(words: list[str], mentions: list[Mention], n: int,
               is_issuer: Callable[[str], bool]) -> tuple[list[str], int] | None:
    """"Bộ Công Thương chỉ đạo Tập đoàn Điện lực …", "UBND Thành phố X chỉ đạo các sở, ngành …": a
    unit that directs others leads — the subject before "chỉ đạo", where it is not the issuing
    committee ("UBND tỉnh chỉ đạo Sở X …": X's duty)."""
    subject = next((k for k, m in enumerate(mentions[:n]) if _opens_sentence(words, m)), None)
    if subject is None or words[mentions[n].start - 2:mentions[n].start] != ["chi", "dao"]:
        return None
    codes, end = _chain(words, mentions, subject, _LEAD_GAPS)
    return None if all(is_issuer(c) for c in codes) else (codes, end)


def _issuer_block(sentence: _Sentence, following: list[_Sentence]) -> bool:
    """The issuing bodies' names in capitals above the header, set apart from it by a rule ("BỘ CÔNG THƯƠNG /
    CỤC HÓA CHẤT / -------" beside "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM …"): the document's header, no duty."""
    return (sentence.rank is None and not any(c.islower() for c in sentence.text)
            and any(_HEADER.search(fold(s.text)) for s in following))


def _enacting_formula(sentence: _Sentence, folded: str, following: list[_Sentence]) -> bool:
    """The 2025 form's last words above the articles, "Ủy ban nhân dân thành phố X ban hành Quyết định quy định …"
    then "QUYẾT ĐỊNH:" or "Điều 1.": the document enacting itself, no duty of the committee it names."""
    return (sentence.rank is None and bool(_ENACTS.search(folded)) and bool(following)
            and bool(_ARTICLE.match(following[0].text) or fold(following[0].text).startswith("quyet dinh")))


def _led_by(words: list[str], mentions: list[Mention], n: int) -> bool:
    """"… đề án nhánh Kinh tế đô thị do Sở X chủ trì": led by X, told of, not X's duty here; also with a choice of
    leaders ("… kiểm tra liên ngành … do Sở Công Thương hoặc Công an tỉnh chủ trì")."""
    before = words[mentions[n].start - 1:mentions[n].start]
    if before == ["hoac"] and n > 0 and mentions[n - 1].end == mentions[n].start - 1:
        before = words[mentions[n - 1].start - 1:mentions[n - 1].start]
    return before == ["do"]


def _leads(words: list[str], mentions: list[Mention], matcher: UnitMatcher) -> tuple[list[str], int]:
    """The units a trigger names, or the units right before "chủ trì"; and where they end."""
    inside = {i for m in mentions for i in range(m.start, m.end)}
    for n, mention in enumerate(mentions):
        if _follows_trigger(words, mention, inside):
            return _directing(words, mentions, n, matcher.is_issuer) or _chain(words, mentions, n, _LEAD_GAPS)
    for n in _run_starts(words, mentions):
        codes, end = _chain(words, mentions, n, _LEAD_GAPS)
        verb = _past_manner(words, end)
        if words[verb:verb + 2] == ["chu", "tri"] and not _presides(words, verb) and not _led_by(words, mentions, n):
            return codes, end
    subject = next((n for n, m in enumerate(mentions) if _opens_sentence(words, m)), None)
    # "(3) Đối với các bộ, ngành, Ủy ban nhân dân các tỉnh, thành phố:" — the matter first is units, in one list
    # with those after the comma: all of them the subject (not "Đối với các dự án …, Sở X …")
    if (subject and words[:2] == ["doi", "voi"] and mentions[0].start == 2
            and _chain(words, mentions, 0, _LEAD_GAPS)[1] >= mentions[subject].end):
        subject = 0
    if subject is not None:
        codes, end = _chain(words, mentions, subject, _LEAD_GAPS)
        # "có trách nhiệm", and the passive "được yêu cầu / được đề nghị / được giao / được phân công …" are duties
        # "Bộ Xây dựng có ý kiến đề xuất cụ thể …" gives its view, asked to (not "… có ý kiến tại Văn bản số …")
        duty = (words[end:end + 3] in (["co", "trach", "nhiem"], ["duoc", "yeu", "cau"], ["duoc", "de", "nghi"],
                                       ["duoc", "phan", "cong"])
                or (words[end:end + 3] == ["co", "y", "kien"] and words[end + 3:end + 4] not in (["tai"], ["so"]))
                or words[end:end + 2] in (["co", "quan"], ["duoc", "giao"])
                # "đăng tải" (posts), "đăng ký" (registers) fold as "đang" ("is …-ing", a report)
                or words[end:end + 2] in (["dang", "tai"], ["dang", "ky"])
                or (words[end:end + 1] == ["la"] and words[end + 1:end + 3] in _ROLE_BODIES
                    and words[end + 3:end + 4] in _ROLES))
        # "UBND tỉnh Thanh Hóa vừa có văn bản …": a report of what was done, also after a name; so is "đã" after
        # the unit's place ("Sở Nông nghiệp và Phát triển nông thôn tỉnh Quảng Ninh đã ban hành văn bản …") or after
        # "cũng" ("… cũng đã có quyết định bổ sung …": a thing done besides)
        reports = ("vua" in words[end:end + _REPORT_REACH] or _done_after_place(words, end)
                   or words[end:end + 2] == ["cung", "da"])   # "UBND TP Cần Thơ cũng đã có quyết định …"
        # "Bộ trưởng Bộ X đồng ý mở rộng thí điểm …", "UBND tỉnh chấp thuận …": a body's consent, not its duty
        consents = words[end:end + 2] in (["dong", "y"], ["chap", "thuan"])
        # "Năm 2024, ngành Xây dựng đạt nhiều kết quả …", "Sở X đặt mục tiêu …": what a body achieved, or the target
        # it set itself ("đạt" and "đặt" fold alike), not its duty; nor what it thinks or tells (_STATES)
        results = tuple(words[end:end + 2]) in _RESULTS | _STATES
        # "Các cơ quan, đơn vị có TTHC … tổ chức …", "UBND các xã, phường có cụm công nghiệp …": "có" after a
        # collective name picks out those that have something, it does not tell what one of them has
        collective = mentions[subject].generic or (len(mentions[subject].codes) > 1 and not mentions[subject].by_name)
        picks_out = collective and ((words[end:end + 1] == ["co"] and words[end + 1:end + 2] != ["quyen"])   # a power
                                    or _lacking_then_told(words, end))
        if end < len(words) and (duty or picks_out or words[end] not in _NOT_DUTY) and not _presides(words, end) \
                and not reports and not consents and not results and not _asks(words, end) \
                and _past_asking(words, end, codes, matcher) is None:
            return codes, end
    return [], 0


def _lacking_then_told(words: list[str], end: int) -> bool:
    """"Các xã, phường chưa đạt khối lượng nạo vét … phải hoàn thành trước ngày 2/2/2026": "chưa" after a collective
    name picks out those that have not done a thing, told by "phải" (or "khẩn trương") what to do — not "Các xã chưa
    hoàn thành kế hoạch" (a report)."""
    if words[end:end + 1] != ["chua"]:
        return False
    rest = words[end + 1:]
    rest = rest[:rest.index(";")] if ";" in rest else rest
    return "phai" in rest or any(rest[at:at + 2] == ["khan", "truong"] for at in range(len(rest) - 1))


def _past_asking(words: list[str], end: int, codes: list[str] | tuple[str, ...], matcher: UnitMatcher) -> int | None:
    """Where the words after a People's Committee's "(cũng / tiếp tục) yêu cầu / đề nghị" at `end` start, if it
    asks there: "UBND tỉnh Ninh Bình yêu cầu rà soát, hoàn thiện …", "UBND tỉnh Gia Lai cũng yêu cầu các chủ đầu tư
    …" — it gives the duty and does not receive it, whether it names nobody after the trigger or bodies outside the
    tree (_asks: any body asking "các …", "quý …"). Not "phân công", "giao": after a committee, often its own duty
    ("… tiếp tục phân công nhiệm vụ cụ thể cho từng đồng chí …", heldout25)."""
    if not codes or not all(matcher.is_issuer(c) or matcher.is_locality(c) for c in codes):
        return None
    at = end + next((len(a) for a in _AGAIN if tuple(words[end:end + len(a)]) == a), 0)
    return next((at + len(t) for t in _REQUESTS if tuple(words[at:at + len(t)]) == t), None)


def _asks_again(clauses: list[_Clause], matcher: UnitMatcher) -> bool:
    """"UBND TP Đà Nẵng cũng yêu cầu tổ chức đợt cao điểm kiểm tra …" after its duty: the committee asks again and
    names nobody — the same units' next duty (not where it names bodies, outside the tree or by a name the tree
    lacks: "… cũng yêu cầu các chủ đầu tư …", "… cũng yêu cầu Chi cục …")."""
    first = clauses[0].mentions[:1] if clauses else []
    if not first or first[0].start > 0:
        return False
    words = clauses[0].words
    after = _past_asking(words, first[0].end, first[0].codes, matcher)
    return (after is not None and tuple(words[first[0].end:first[0].end + 1]) in _AGAIN
            and words[after:after + 1] not in (["cac"], ["quy"]) and clauses[0].proper[after:after + 1] != [True]
            and not any(m.start == after for m in clauses[0].mentions))


def _done_after_place(words: list[str], at: int) -> bool:
    """"… tỉnh Quảng Ninh đã …", "… thành phố Hà Nội đã …" at `at`: the unit's place, then a thing done."""
    place = 1 if words[at:at + 1] == ["tinh"] else 2 if words[at:at + 2] == ["thanh", "pho"] else 0
    return bool(place) and "da" in words[at + place + 1:at + place + _PLACE_NAME + 1]


def _asks(words: list[str], at: int) -> bool:
    """"Ủy ban nhân dân thành phố Hà Nội đề nghị các cơ quan, đơn vị của Trung ương; …": the units before
    "đề nghị", "yêu cầu", "giao" and the bodies they name ask; whoever they ask leads (here bodies outside
    the tree), not they ("… thì cơ quan, đơn vị yêu cầu kê khai bổ sung": a duty to ask for something); so do
    those asking the addressees by their courtesy name ("Văn phòng Chính phủ đề nghị quý Bộ khẩn trương …"), and
    those asking the heads of the bodies ("Bộ X yêu cầu Thủ trưởng các cơ quan, đơn vị được giao nhiệm vụ …")."""
    for trigger in _ASKING:
        if tuple(words[at:at + len(trigger)]) == trigger:
            after = at + len(trigger)
            after += next((len(t) for t in _HEADS_OF if tuple(words[after:after + len(t)]) == t), 0)
            return words[after:after + 1] in (["cac"], ["quy"])
    return False


def _units_before_colon(text: str, matcher: UnitMatcher) -> bool:
    """The sentence opens with units alone, then a colon and their duty: "UBND các huyện A, B: Huy động …"."""
    head, colon, duty = text.partition(":")
    return bool(colon and duty.strip()) and _clause(head, matcher).only_units()


def _spelt_out_after(folded: str, following: list[_Sentence]) -> bool:
    """"UBND TPHCM vừa có văn bản chỉ đạo Sở Xây dựng thực hiện …" then "Theo đó, Sở Xây dựng được giao …": a
    letter just sent, reported, whose tasks the next sentence spells out — no task of its own (reported
    alone, "Chủ tịch UBND tỉnh vừa có văn bản yêu cầu Sở X kiểm tra." is the only word of X's task). So
    is one asking for things it does not name ("… triển khai nhiều nội dung quan trọng.") before others."""
    return bool(_LETTER_SENT.match(folded)) and bool(following) and (
        fold(following[0].text).startswith("theo do") or bool(_UNNAMED_ASK.search(folded)))


def _shortened_heading(clause: _Clause, leads: list[str], heading: list[str]) -> bool:
    """"b) Trên cơ sở quy định này, các cơ quan, đơn vị xây dựng báo cáo …" under "3. Trách nhiệm các cơ quan,
    đơn vị cấp thành phố và Ủy ban nhân dân xã, phường": the generic name is the heading's bodies, shortened."""
    return set(leads) < set(heading) and any(m.generic and set(m.codes) == set(leads) for m in clause.mentions)


def _past_manner(words: list[str], at: int) -> int:
    """Past "theo chức năng, nhiệm vụ, thẩm quyền (được giao)" after the units that lead ("Bộ Quốc phòng,
    Bộ Công an theo chức năng, nhiệm vụ, thẩm quyền chủ trì, phối hợp …")."""
    if words[at:at + 3] != ["theo", "chuc", "nang"]:
        return at
    end = at + 3
    while end < len(words) and words[end] in _MANNER:
        end += 1
    return end


def _presides(words: list[str], at: int) -> bool:
    """"… chủ trì cuộc họp / hội nghị / buổi làm việc": presiding over a meeting, not leading a task."""
    return words[at:at + 2] == ["chu", "tri"] and bool(_MEETINGS & set(words[at + 2:at + 3]))


def _follows_trigger(words: list[str], mention: Mention, inside: set[int] | None = None) -> bool:
    """A trigger names the units, across titles ("giao cho", "đề nghị Giám đốc Sở …") that are
    not part of a unit's name (`inside`: the positions of the units named), and across bodies named in general
    ("yêu cầu các đơn vị, UBND xã, phường …")."""
    inside = inside or set()
    before = mention.start
    while True:
        before -= _front_before(words[max(0, before - _FRONT_WORDS):before])
        # checked at each title passed: "chỉ đạo" is made of title words too ("đồng chí", "lãnh đạo")
        if trigger := next((t for t in _TRIGGERS if tuple(words[before - len(t):before]) == t), None):
            # "… làm việc với Bộ X về việc giao UBND tỉnh Y là chủ đầu tư": a topic, not a duty given; "Thủ
            # tướng đã giao Bộ X …": one given before, recounted; "Bộ X … đề xuất phân công các tỉnh …": proposed
            ahead = words[max(0, before - len(trigger) - 2):before - len(trigger)]
            # "Ban Thường vụ Tỉnh ủy lãnh đạo, chỉ đạo các cấp ủy, chính quyền địa phương …": the subject leads
            # the bodies below it (the party's role), it does not give them a duty
            led = trigger == ("chi", "dao") and words[max(0, before - 5):before - 2] == ["lanh", "dao", ","]
            return (words[max(0, before - 3):before - 1] != ["ve", "viec"] and ahead[-1:] != ["da"]
                    and ahead != ["de", "xuat"] and not led)
        # "yêu cầu Giám đốc, Thủ trưởng các sở …": titles listed with commas before the units
        if words[before - 1:before] == [","] and before > 1 and words[before - 2] in _OFFICES:
            before -= 1
        if (start := _time_after_trigger(words, before)) < before:
            before = start   # "yêu cầu chậm nhất đến ngày 7/8, Sở Nội vụ phải hoàn thành …": the time limit first
            continue
        if (start := _secretary_from(words, before)) < before:
            before = start   # "yêu cầu Bí thư Đảng ủy, Chủ tịch UBND các xã …": the party secretary named with them
            continue
        if general := next((g for g in _GENERAL_BEFORE if tuple(words[before - len(g):before]) == g), None):
            before -= len(general)
            continue
        if (start := _singled_out_from(words, before)) < before:
            before = start
            continue
        if before == 0 or words[before - 1] not in _TITLES or before - 1 in inside:
            return False
        before -= 1


def _time_after_trigger(words: list[str], at: int) -> int:
    """Where a time limit written between a trigger and the units starts ("yêu cầu chậm nhất đến ngày 7/8, Sở Nội vụ
    …", "giao trước ngày 15/3, UBND các xã …"): its comma right before `at`, a trigger right before it; `at` if
    not so."""
    if words[at - 1:at] != [","]:
        return at
    for start in range(at - 2, max(0, at - 1 - _TIME_WORDS), -1):
        if (any(tuple(words[start:start + len(t)]) == t for t in _TIMES_FIRST)
                and any(tuple(words[start - len(t):start]) == t for t in _TRIGGERS)):
            return start
    return at


def _singled_out_from(words: list[str], at: int) -> int:
    """Where the staff or the bodies named in general begin before ", nhất là" and the unit at `at` ("cán bộ công
    chức, nhất là Trung tâm …"); `at` if not so."""
    single = next((s for s in _SINGLED_OUT if tuple(words[at - len(s):at]) == s), None)
    if single is None or words[at - len(single) - 1:at - len(single)] != [","]:
        return at
    start = at - len(single) - 1
    while start > 0 and words[start - 1] in _IN_GENERAL:
        start -= 1
    return start if start < at - len(single) - 1 else at


def _front_before(words: list[str]) -> int:
    """How many words the Fatherland Front's committee or the party committees take before the units told
    with them ("đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Thủ trưởng các sở …", "yêu cầu cấp ủy, chính
    quyền địa phương …"): asked beside them, outside the tree; 0 if not there."""
    front = _FRONT.search(" ".join(words))
    return len(front.group(0).split()) if front else 0


def _opens_sentence(words: list[str], mention: Mention) -> bool:
    """The units are the subject: "Sở Y tế khẩn trương …", "Đồng chí Bộ trưởng Bộ Y tế …",
    "Chủ tịch UBND các xã …", "Trên cơ sở đó, Bộ Tư pháp tổng hợp …", "Theo đó, trong thời gian …,
    Công an tỉnh …", "Riêng UBND huyện X …", "…; đồng thời UBND phường X đề xuất …" (no comma after
    "đồng thời", a clause of its own), "Trọng tâm là việc Sở X …", "Chủ tịch UBND tỉnh X khẩn trương …" — but
    not an official named with his own name ("Chủ tịch UBND tỉnh X Nguyễn Văn A chấp thuận …": told of).
    "Đảng ủy, UBND xã X …" too, "Các đơn vị thuộc Sở X …" (X's own units), "Năm 2019 các Bộ …" (the year
    first), "Đối với UBND các huyện cần …" (the units as the topic, then their duty) and "…, vì vậy các sở,
    ngành cần …" (a consequence drawn)."""
    # an official named with his own name is told of, not told: "Chủ tịch UBND tỉnh X Nguyễn Văn A chấp thuận …", and
    # so a department's head in a meeting's report ("Giám đốc Sở Xây dựng Phạm Hồng Quang cho biết …")
    named = len(mention.codes) == 1 and mention.person
    allowed = (_OFFICIALS if not named else set()) | _RESPONSIBILITY_OF | ({"chu", "tich"} if not named else set())
    before = _past_secretaries(_words_before(words, mention.start))
    while before and before[-1] in allowed:
        before.pop()
        before = _past_secretaries(before)
    if before and words[mention.start - 1:mention.start] == ["cua"]:
        return False   # "…; trong đó, làm rõ căn cứ pháp lý, trách nhiệm của các cơ quan, đơn vị liên quan và …": whose
    party = 2 if before[:2] == ["dang", "uy"] else 3 if before[:3] == ["cac", "cap", "uy"] else 0
    if (party and set(before[party:]) <= _SEPARATORS) or _steering_first(before):
        # "Đảng ủy, UBND xã X khẩn trương …", "Các cấp ủy, chính quyền địa phương …": the party committee (outside
        # the tree) beside it; so a steering committee
        before = []
    return (not before or (len(before) == 1 and before[0] in _SINGLING and mention.by_name)
            or before == ["dong", "thoi"] or tuple(before) in _FOCUS_FIRST or _own_units_first(before)
            or (before == ["doi", "voi"] and len(words) - mention.end > _TOPIC_HEADING_TAIL
                and words[mention.end] not in _NOT_DUTY)   # not "Đối với các bộ chưa hoàn thành, Bộ X …"
            or before[-3:] in _CONSEQUENCE
            or bool(_YEAR_FIRST.match(" ".join(before)))
            or (before[-1] == "," and any(tuple(before[:len(o)]) == o for o in _OPENERS)
                and before[:4] != ["trong", "thoi", "gian", "qua"])   # "Trong thời gian qua, …" tells what was done
            or (before[-1] == "," and before[:2] == _PERIOD_FROM and _PERIOD_TO in before)
            # a heading's topic first: "1. Quyết liệt trong chỉ đạo, …: Sở X …" — not the bodies "giữa" lists
            # ("Tăng cường phối hợp giữa các cơ quan: Sở X, Sở Y …": whom the duty is between)
            or (before[-1] == ":" and "giua" not in before[-_BETWEEN_REACH:])
            or _after_case(before, words[mention.end:]))


def _steering_first(before: list[str]) -> bool:
    """A steering committee (outside the tree), or its members, named first beside the units that act: "Ban chỉ đạo
    huyện và các xã, thị trấn tập trung …", "Ban Chỉ đạo 389 tỉnh và các sở, ngành …", "Các cơ quan thành viên Ban
    Chỉ đạo phòng, chống dịch COVID-19 tỉnh và UBND các huyện …" — its name and level only, then "và" or a comma."""
    name = before[len(_MEMBERS_OF):] if tuple(before[:len(_MEMBERS_OF)]) == _MEMBERS_OF else before
    return (tuple(name[:len(_STEERING)]) == _STEERING and name[-1:] in (["va"], [","])
            and len(name) <= _STEERING_NAME and not set(name[len(_STEERING):]) & _TRIGGER_WORDS)


def _words_before(words: list[str], start: int) -> list[str]:
    """The words before a unit, a long run kept as its two ends: every opening, title and list the subject
    checks read lies within _PREFIX_WORDS of one end, and copying whole prefixes made a sentence naming
    units thousands of times quadratic."""
    if start <= 2 * _PREFIX_WORDS:
        return words[:start]
    return [*words[:_PREFIX_WORDS], _ELIDED, *words[start - _PREFIX_WORDS:start]]


def _own_units_first(before: list[str]) -> bool:
    """The words before a unit name its own units, after an opening, their heads' title or none: "Các đơn vị thuộc
    Sở X …", "Trong thời hạn 03 tháng …, các cơ quan, đơn vị thuộc Bộ X có trách nhiệm …", "Thủ trưởng các đơn vị
    thuộc Bộ X, Giám đốc Sở Y … được yêu cầu …"."""
    for under in _UNITS_UNDER:
        rest = before[:-len(under)]
        if tuple(before[-len(under):]) == under and (
                set(rest) <= _OFFICIALS or (rest[-1] == "," and any(tuple(rest[:len(o)]) == o for o in _OPENERS))):
            return True
    return False


def _after_case(before: list[str], after: list[str]) -> bool:
    """The units carry out the consequence of a case ("Trường hợp bản kê khai không đúng mẫu thì cơ quan, tổ
    chức, đơn vị yêu cầu …") — not a sanction ("… chậm thực hiện thì Chủ tịch UBND xã X chịu trách nhiệm
    trước …")."""
    return (before[-1] == "thi" and (before[:2] == ["truong", "hop"] or before[0] == "neu")
            and "chiu trach nhiem truoc" not in " ".join(after))


def _secretary_from(words: list[str], at: int) -> int:
    """Where a party secretary named before the units' heads starts ("Bí thư Đảng ủy, Chủ tịch UBND các xã …",
    "Bí thư, Chủ tịch …", "Bí thư Tỉnh ủy và Chủ tịch …"): outside the tree, asked beside them; `at` if not there."""
    # its last word before the separator ("…, Chủ tịch"; a comma passed already after "Bí thư": at "thư")
    end = at - 1 if words[at - 1:at] == ["thu"] else at - 2 if words[at - 1:at] in ([","], ["va"]) else -1
    if end < 1:
        return at
    if words[end:end + 1] == ["uy"] and end > 2 and words[end - 1] in _PARTY_TIERS:
        end -= 2
    return end - 1 if words[end - 1:end + 1] == ["bi", "thu"] else at


def _past_secretaries(before: list[str]) -> list[str]:
    """The words before the units without the provinces' party secretaries addressed with them ("Bí thư
    Tỉnh ủy, Thành ủy, Chủ tịch UBND …", "Đồng chí Bí thư tỉnh ủy và Chủ tịch UBND các tỉnh: …")."""
    at = len(before)
    while at > 0 and before[at - 1] in {"va", ","}:
        at -= 1
    end = at
    while at > 1 and before[at - 1] == "uy" and before[at - 2] in {"tinh", "thanh"}:
        at -= 2
        at -= at > 0 and before[at - 1] == ","
    if end < len(before) and at < end and before[at - 2:at] == ["bi", "thu"]:
        return before[:at - 2]
    return before


def _coordinating(words: list[str], mentions: list[Mention], start: int) -> list[str]:
    mentions = [m for m in mentions if not m.related]   # "phối hợp với các sở, ngành liên quan": unnamed
    for at in range(start, len(words) - 1):
        if words[at:at + 2] == ["phoi", "hop"]:
            following = [n for n, m in enumerate(mentions) if m.start >= at + 2]
            if following and all(w in _FILLERS for w in words[at + 2:mentions[following[0]].start]):
                return _chain(words, mentions, following[0], _FILLERS)[0]
            return []
    return []


def _heading_leads(sentence: _Sentence, folded: str, clauses: list[_Clause], matcher: UnitMatcher,
                   localities: dict[str, None]) -> list[str]:
    """The units a list item heads the items below it for: a line of units only ("1. Sở Tài
    chính:"); a line naming its units with words of their own, ending without a stop, above items
    of a lower rank ("1. Giao người đứng đầu các cơ quan chuyên môn; Chủ tịch UBND các xã" then
    "- …"); or an item whose units are told to do "… các nội dung trọng tâm sau:" (also named as
    the bodies who "… thực hiện một số công việc sau:")."""
    if _is_heading(clauses):   # also "1. Sở Nội vụ (Cơ quan thường trực …):", "1. Trách nhiệm của Sở X"
        return clauses[0].named_units() or clauses[0].opening_units()
    if sentence.rank is not None and folded.endswith(":") and len(clauses) > 1 and _names_only(clauses):
        # "1. Bộ trưởng các Bộ: …; Bí thư tỉnh ủy, … Chủ tịch UBND các tỉnh, thành phố nêu trên …:"
        return list(dict.fromkeys(c for clause in clauses
                                  for c in _named_above(clause, localities) or clause.named_units()
                                  or clause.opening_units()))
    if len(clauses) > 1 and all(c.only_units() or not c.mentions for c in clauses[:-1]) and (
            _RESPONSIBLE.search(folded) or (sentence.rank is not None and _introduces(folded.rstrip()))):
        # "2.1. Người đứng đầu sở, ban, ngành; Chủ tịch UBND xã, phường; đơn vị … có trách nhiệm:" — the units
        # listed across ";" (the last clause's too where it opens with them), a party's secretaries among them
        # naming none ("2. Bí thư tỉnh ủy, thành ủy; Chủ tịch UBND các tỉnh … triển khai ngay các nhiệm vụ, …,
        # trong đó:")
        return list(dict.fromkeys(c for clause in clauses[:-1] for c in clause.opening_units())
                    | dict.fromkeys(clauses[-1].named_units()))
    if sentence.rank is not None and len(clauses) == 1 and clauses[0].only_units():
        return clauses[0].opening_units()   # "2. Sở Nông nghiệp và Môi trường" (no colon) above its items
    if sentence.heads_items and len(clauses) == 1 and (bracketed := clauses[0].listed_in_brackets()):
        return bracketed   # "1.3. Các cơ quan tham mưu quản lý ngành, lĩnh vực (gồm các Sở: Xây dựng, …)"
    if sentence.rank is not None and _EVERY_MINISTRY_AND_PROVINCE_ALONE.match(folded.strip()):
        return _every_ministry_and_province(matcher)
    if not clauses[0].leads:
        # "I. Nhiệm vụ chung … Thủ trưởng các sở, …, Chủ tịch UBND các huyện … thực hiện các công việc sau:"
        return _told_units(clauses[-1], folded.rstrip(), matcher) if sentence.rank is not None else []
    if sentence.heads_items:
        return list(dict.fromkeys(code for clause in clauses for code in clause.named_units()))
    if sentence.rank is not None and sentence.item_goes_on and _leads_with_others(clauses[0]):
        return clauses[0].leads   # "1. Bộ Tài chính chủ trì, phối hợp với các bộ, địa phương liên quan:"
    if sentence.rank is not None and (_introduces(folded.rstrip()) or _responsible_for_items(clauses[0])):
        return clauses[0].leads
    return []


def _named_above(clause: _Clause, named: dict[str, None]) -> list[str]:
    """"Chủ tịch UBND các tỉnh, thành phố nêu trên": the units of that tier the text named before (its
    addressees, the committees named by name); none where the clause does not say "nêu trên"."""
    last = clause.mentions[-1] if clause.mentions else None
    if last is None or clause.words[last.end:last.end + 2] != ["neu", "tren"]:
        return []
    above = [c for c in named if c in last.codes]
    return above if len(above) < len(last.codes) else []


def _responsible_for_items(clause: _Clause) -> bool:
    """"- Thủ trưởng các cơ quan, tổ chức, đơn vị có trách nhiệm:" above its "+ …" items: the units and the
    words alone — not "Giao Ban X chỉ đạo các đơn vị … có trách nhiệm:", whose items are X's duty's details;
    also closed by a stop for the colon ("2 - Sở Lao động, Thương binh và Xã hội có trách nhiệm.")."""
    words, mentions = clause.words, clause.mentions
    words = words[:-1] if words[-1:] == [":"] else words
    return (words[-3:] == ["co", "trach", "nhiem"] and bool(mentions) and mentions[-1].end == len(words) - 3
            and _opens_sentence(words, mentions[0]))


def _leads_with_others(clause: _Clause) -> bool:
    """Units that "chủ trì, phối hợp với …" other bodies and nothing else: the items below say what."""
    named = {at for m in clause.mentions for at in range(m.start, m.end)}
    start = _past_manner(clause.words, clause.lead_end)
    rest = [w for at, w in enumerate(clause.words[start:], start) if at not in named]
    return rest[:2] == ["chu", "tri"] and set(rest) <= _FILLERS | {"chu", "tri", "phoi", "hop", "bo", ":"}


def _manner_only(clauses: list[_Clause]) -> bool:
    """"a) Chủ trì, phối hợp với các sở, ban, ngành …", "b) Phối hợp với các sở, ngành" — a role and the
    bodies it is played with, no subject and no duty: a sub-heading of the duties listed below it."""
    if len(clauses) != 1 or clauses[0].leads:
        return False
    clause = clauses[0]
    named = {at for m in clause.mentions for at in range(m.start, m.end)}
    rest = [w for at, w in enumerate(clause.words) if at not in named]
    # the bodies may be named by their heads: "… phối hợp với Giám đốc Sở X", "… Thủ trưởng …", "… Chủ tịch …"
    return (bool(named) and rest[:2] in (["chu", "tri"], ["phoi", "hop"])
            and set(rest) <= _FILLERS | {"chu", "tri", "phoi", "hop", "voi", "lien", "quan", "co", ":",
                                         "giam", "doc", "thu", "truong", "tich"})


def _introduced_leads(text: str, folded: str, matcher: UnitMatcher) -> list[str]:
    """A line outside the list, ending with ":", that tells units to do what the items below say
    — "Ngày 9/11, UBND tỉnh ban hành văn bản yêu cầu các sở, ban, ngành, UBND các huyện … :" (a
    trigger names them, also in a narrative) or "Ban Chỉ huy …, Thủ trưởng các sở, ban, ngành,
    Chủ tịch UBND các huyện … tập trung thực hiện một số công việc sau:" (every unit it names, but
    the issuing committee). Its units are the leads of the items below."""
    if not folded.endswith(":") or _details(folded):
        return []
    clause = _clause(text.split(";")[-1], matcher)
    told = any(_follows_trigger(clause.words, m) for m in clause.mentions) or _RESPONSIBLE.search(folded)
    if clause.leads and told:
        return clause.leads
    return _told_units(clause, folded, matcher)


def _told_units(clause: _Clause, folded: str, matcher: UnitMatcher) -> list[str]:
    """"… Thủ trưởng các sở, ban, ngành, Chủ tịch UBND các huyện … tập trung thực hiện một số
    công việc sau:" — every unit named, but the issuing committee, the related bodies and those asking the
    others ("Sở Công Thương đề nghị các chủ đầu tư tập trung thực hiện các nội dung sau:": the investors')."""
    if not (_introduces(folded) and _CARRY_OUT.search(folded)):
        return []
    asked = next((at for at in range(len(clause.words)) if _asks(clause.words, at)
                  or any(tuple(clause.words[at:at + len(t)]) == t for t in _ASKING)), -1)
    return list(dict.fromkeys(c for m in clause.mentions if not m.related and m.start > asked for c in m.codes
                              if not matcher.is_issuer(c)))


def _topic_heading(sentence: _Sentence, folded: str, matcher: UnitMatcher, following: list[_Sentence]) -> bool:
    """"1. Về phân cấp, phân quyền …" (also "2. Về việc tháo gỡ …") above its "-" or "1.1." items, with no
    stop and no units told: a topic the items below are about, no duty. So is a list item "1.2. Đối với công tác
    lựa chọn nhà thầu:", or a part's title "2. Trách nhiệm của các đơn vị:", ending with ":" and naming no unit;
    and a list item naming no unit, with no stop, above a unit's heading ("c) Giảm thiểu phát sinh rác thải; …"
    then "- Bộ Nông nghiệp và Môi trường"): the units below do its duties, item by item."""
    if sentence.heads_items and folded.startswith("ve "):
        return not _clause(sentence.text, matcher).leads
    if sentence.heads_items and following and not _clause(sentence.text, matcher).mentions:
        return _clause(following[0].text, matcher).names_only()
    return (sentence.opens_item and folded.endswith(":") and folded.startswith(("doi voi ", "trach nhiem cua "))
            and not _clause(sentence.text, matcher).mentions)


def _is_title(sentence: _Sentence, clauses: list[_Clause]) -> bool:
    """"I. Phương hướng chung:", "I. ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN KẾ HOẠCH …" — a few words, or a line in
    capitals, naming a part of the text, no duty."""
    words = [w for c in clauses for w in c.words]
    return (sentence.opens_item and not any(c.mentions for c in clauses)
            and ((sentence.text.rstrip().endswith(":") and len(words) <= _TITLE_WORDS) or _in_capitals(sentence.text)))


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > _CAPITALS_TITLE and all(c.isupper() for c in letters)


def _is_heading(clauses: list[_Clause]) -> bool:
    """"1. Sở Tài chính:", "Giao Sở Y tế:", "1.3. Giao Ủy ban nhân dân các phường, xã, đặc khu" —
    units (and a colon), no duty of their own yet."""
    return len(clauses) == 1 and _names_only(clauses) and bool(clauses[0].named_units() or clauses[0].opening_units())


def _names_only(clauses: list[_Clause]) -> bool:
    return bool(clauses) and all(c.names_only() for c in clauses)


def _issuer_asks(clauses: list[_Clause], matcher: UnitMatcher) -> bool:
    """The issuer speaks again, asking ("11. Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các Sở, …, Chủ tịch UBND các
    xã, phường … nghiêm túc thực hiện."): a list item that may close the text as a sentence after it does."""
    first = clauses[0].mentions[:1] if clauses else []
    return (bool(first) and set(clauses[0].words[:first[0].start]) <= _OFFICES
            and all(matcher.is_issuer(code) for code in first[0].codes)
            and clauses[0].words[first[0].end:first[0].end + 2] in (["yeu", "cau"], ["de", "nghi"]))


def _is_closing(folded: str, clauses: list[_Clause]) -> bool:
    """"Chủ tịch UBND tỉnh yêu cầu Giám đốc Sở X và Thủ trưởng các đơn vị có liên quan triển
    khai thực hiện." — units told to carry out what the letter said, and nothing else ("Giao Sở
    X triển khai thực hiện." gives a task of its own)."""
    if len(clauses) != 1 or not clauses[0].leads or folded.startswith("giao "):
        return False
    rest = [w for w in clauses[0].words[clauses[0].lead_end:] if w not in _FILLERS | _TITLES | {"lien", "/"}]
    while rest and rest[-1] in {".", "!"}:
        rest.pop()
    return rest in _CLOSING


def _restates(folded: str, clauses: list[_Clause], closing: bool) -> bool:
    """Every clause restates (_RESTATES) or only names the units told so: "Yêu cầu Giám đốc các sở,
    ban, ngành; Chủ tịch UBND các xã … triển khai thực hiện nghiêm túc Chỉ thị này." — but "Giao Sở X
    triển khai thực hiện Kế hoạch này" gives a task of its own."""
    summary = folded.startswith("tren day la")   # "Trên đây là Kế hoạch …; tăng tốc, …; các cơ quan … thực hiện"
    return (bool(clauses) and not folded.startswith("giao ")
            and all(_restated(fold(c.text), closing) or c.names_only() or (summary and not c.leads)
                    or bool(_FRONT_ALONE.fullmatch(fold(c.text).strip(" ,;")))
                    for c in clauses))


# The Front among the bodies told, outside the tree: "Sở, ban, ngành; Mặt trận Tổ quốc và các tổ chức chính trị - xã
# hội Thành phố; Ủy ban nhân dân các quận … thực hiện nghiêm túc Quy chế này" restates as it does without it
_FRONT_ALONE = re.compile(r"(?:uy ban )?mat tran to quoc(?: viet nam)?"
                          r"(?: va cac (?:to chuc chinh tri - xa hoi|doan the))?(?: (?:tinh|thanh pho|cac cap))?")


def _restating(folded: str) -> bool:
    """A _RESTATES phrase, not telling what was done: "… khen thưởng các tập thể, cá nhân đã tích cực, nỗ
    lực triển khai nhiệm vụ được giao" praises, it does not restate; nor in the purpose put first: "Để kịp thời
    triển khai thực hiện có kết quả Chỉ thị này, UBND tỉnh yêu cầu Sở Y tế …" gives a duty for it."""
    purpose = _PURPOSE_OPENING.match(folded)
    return any("da" not in folded[max(0, m.start() - _DONE_CHARS):m.start()].split()[-_DONE_REACH:]
               for m in _RESTATES.finditer(folded, purpose.end() if purpose else 0))


def _restated(folded: str, closing: bool) -> bool:
    """Carrying out this text, as told (not overseeing others do so, not with a date of its own), or
    reporting difficulties."""
    carries_out = bool(_restating(folded) or _SUMMARY.search(folded)
                       or (closing and (_BARE_RESTATES.search(folded) or _ASKS_DIRECTION.search(folded))))
    return bool(_DIFFICULTIES.search(folded)) or (carries_out and not _OVERSEES.search(folded)
                                                  and find_deadline(folded, date.min) is NO_DEADLINE)


def _duties(sentence: str, clauses: list[_Clause], heading: list[str], reference: date,
            localities: dict[str, None], matcher: UnitMatcher) -> list[Proposal]:
    clauses = _past_bodies_outside(clauses)
    groups: list[list[_Clause]] = []
    extra: dict[int, list[str]] = {}   # leads a group's list of units goes on with after ";"
    listing = objects = False
    for number, clause in enumerate(clauses):
        if number == 0 and len(clauses) > 1 and not clause.leads and clause.only_units():
            # "2. Sở X;" then "UBND các xã, phường niêm yết …": the first of a list of leads across ";"
            clause = replace(clause, leads=clause.opening_units(), lead_end=len(clause.words))
        elif not clause.leads and _addressees_only(clause) and _asked_outside_the_tree(clauses[0], groups, heading,
                                                                                         number):
            clause = replace(clause, leads=clause.mentioned_units(), lead_end=len(clause.words))
        if listing and (more := clause.opening_units()):
            extra.setdefault(len(groups) - 1, []).extend(more)
            groups[-1].append(clause)
            listing = clause.only_units()
            continue
        listing = clause.ends_with_leads()
        # "…; chỉ đạo Công an các huyện …" goes on with the duty before: they are whom it directs
        # (also opening an item under a heading: "2. Sở X" then "- Chỉ đạo cơ quan chuyên môn …")
        directs = bool(groups or heading) and clause.words[:2] == ["chi", "dao"]
        if clause.leads and not (objects and clause.opening_units()) and not directs:
            groups.append([clause])
            objects = clause.ends_with_others()
        elif not groups:
            groups.append([replace(clause, leads=[])])
            # the heading's item "c) Phối hợp với Chánh Văn phòng …; Chủ tịch UBND các xã, phường tổ chức …": its
            # partners go on after ";", the next clause no subject of its own
            objects = bool(heading) and clause.ends_with_others()
        else:
            groups[-1].append(clause)
            objects = objects or clause.ends_with_others()
    duties = []
    for number, group in enumerate(groups):
        leads = list(dict.fromkeys(group[0].named_localities(localities, matcher) + extra.get(number, []))) or heading
        if _shortened_heading(group[0], leads, heading):
            leads = heading
        leads = list(dict.fromkeys(leads + _co_leads(group[0]))) if leads else leads
        text = "; ".join(c.text.strip() for c in group)
        # one of several duties in a sentence that only restates ("các sở, ban, ngành tổ chức thực hiện
        # nhiệm vụ được giao …; UBND các xã xây dựng kế hoạch …"): not a task
        several = len(groups) > 1 or bool(extra)   # also one list of leads across ";" ("Thủ trưởng …; Chủ tịch …")
        if not leads or (several and not fold(text).startswith("giao ") and _restated(fold(text), False)):
            continue
        # "…; thủ trưởng các sở, ngành chịu trách nhiệm trước Chủ tịch UBND tỉnh nếu không hoàn thành …": a sanction
        # the units face, not a duty
        if _SANCTION.match(fold(group[0].text).strip()):
            continue
        # "Triển khai đồng bộ các biện pháp …; đồng thời, ngành Thuế phối hợp …": a sector's part in a solution
        # no unit is given, not a task
        if number and not heading and not groups[0][0].leads and group[0].mentions[:1] and group[0].mentions[0].sector:
            continue
        lead_set = set(leads)
        coordinating = [c for c in group[0].coordinating if c not in lead_set]
        relay = _relayed(text, matcher, reference)
        own = relay[0] if relay else text
        duties.append(Proposal(content=_content(own), source=sentence, lead_units=leads,
                               coordinating_units=coordinating, deadline=find_deadline(fold(own), reference)))
        if relay:
            duties.append(Proposal(content=_content(relay[1]), source=sentence, lead_units=relay[2],
                                   deadline=find_deadline(fold(relay[1]), reference)))
    return duties


def _asked_outside_the_tree(first: _Clause, groups: list[list[_Clause]], heading: list[str], number: int) -> bool:
    """The sentence's first clause asks bodies outside the tree and names no lead ("Chủ tịch UBND tỉnh yêu cầu các
    thành viên Ban chỉ đạo … các cấp;"), the clause after it goes on with the addressees ("Thủ trưởng các sở, …;
    Chủ tịch UBND các xã … thực hiện …"): a list of leads, not what a duty acts on."""
    return (number == 1 and not heading and len(groups) == 1 and not first.leads
            and bool(_ASKS_BODIES.search(fold(first.text))))


def _addressees_only(clause: _Clause) -> bool:
    """Units with their heads' titles and nothing else: "Thủ trưởng các sở, ban, ngành, đoàn thể tỉnh, Chủ tịch UBND
    các huyện, thị xã, thành phố"."""
    inside = {i for m in clause.mentions for i in range(m.start, m.end)}
    return bool(inside) and all(w in _TITLES | _FILLERS for i, w in enumerate(clause.words) if i not in inside)


def _co_leads(clause: _Clause) -> list[str]:
    """"Đồng chủ trì với Bộ X, phối hợp với …": the bodies named right after it share the lead."""
    for at in range(len(clause.words) - 3):
        if clause.words[at:at + 4] == ["dong", "chu", "tri", "voi"]:
            named = next((n for n, m in enumerate(clause.mentions) if m.start == at + 4), None)
            return [] if named is None else _chain(clause.words, clause.mentions, named, _LEAD_GAPS)[0]
    return []


def _restating_units(sentence: _Sentence, folded: str, clauses: list[_Clause],
                     following: list[_Sentence]) -> list[str]:
    """The units of a list item that only restates, where unmarked paragraphs follow it: their subject."""
    if len(clauses) != 1 or not clauses[0].leads or not _restates(folded, clauses, False):
        return []
    paragraph = following[0] if following else None
    if paragraph is None or paragraph.rank is not None or not paragraph.opens_line or _ARTICLE.match(paragraph.text):
        return []   # "Điều 4. Hiệu lực …": the next article, no paragraph of the item
    return clauses[0].leads


def _authors_cited(words: list[str], mention: Mention) -> bool:
    """The unit is the author of a document the clause cites: "… Quyết định 01593/QĐ-UBND ngày 03 tháng 11 năm
    2025 của Ủy ban nhân dân tỉnh", "… văn bản số 123 của Sở X" (a number shortly before "của")."""
    return (words[mention.start - 1:mention.start] == ["cua"]
            and any(w.isdigit() for w in words[max(0, mention.start - 7):mention.start - 1]))


def _directs_below(clauses: list[_Clause]) -> list[str]:
    """The units a duty's last clause directs, with nothing after them but the colon: "…; (đồng thời) chỉ đạo Sở
    Y tế:" — none where that clause is the only one."""
    last = clauses[-1]
    opening = last.words[:5]
    directing = opening[:2] == ["chi", "dao"] or opening[:2] == ["dong", "thoi"] and "chi" in opening[2:4]
    return last.leads if len(clauses) > 1 and directing and last.words[last.lead_end:] == [":"] else []


def _item_leads(proposals: list[Proposal], item_start: int) -> list[str]:
    """The leads of the list item's last duty read so far (none before its first)."""
    return list(proposals[-1].lead_units) if len(proposals) > item_start else []


def _past_bodies_outside(clauses: list[_Clause]) -> list[_Clause]:
    """A list of leads across ";" with bodies outside the tree among them ("Văn phòng Đoàn Đại biểu Quốc hội …;
    Văn phòng UBND thành phố; các Sở, ban, ngành; các đơn vị sự nghiệp công lập, …; UBND các phường, xã chỉ đạo
    …", "…; Báo Đắk Lắk; …"): those bodies left out, so that the units before and after them stay one list."""
    kept: list[_Clause] = []
    for n in range(len(clauses) - 1, -1, -1):
        clause = clauses[n]
        if (kept and not clause.mentions and kept[-1].opening_units()
                and (_BODY_NAME.match(fold(clause.text.strip())) or _named_in_list(clauses[:n], clause))):
            continue
        kept.append(clause)
    return kept[::-1]


def _named_in_list(before: list[_Clause], clause: _Clause) -> bool:
    """A body's name alone, capitalised, after a list of leads or another such name: "giao các Sở, ban, ngành;
    Đài Phát thanh và Truyền hình tỉnh; Báo Đắk Lắk; UBND các huyện …"."""
    return (not clause.mentions and len(clause.words) <= _OUTSIDE_NAME_WORDS and clause.text.strip()[:1].isupper()
            and bool(before) and (before[-1].ends_with_leads() or _named_in_list(before[:-1], before[-1])))


def _relayed(text: str, matcher: UnitMatcher, reference: date) -> tuple[str, str, list[str]] | None:
    """"UBND các huyện báo cáo … qua Sở X trước ngày 10/5 để tổng hợp, báo cáo UBND tỉnh trước
    ngày 18/5": a second duty after "để" with a date of its own, of the unit the purpose names
    ("để Sở X tổng hợp …") or else the one the first duty's report goes through or to ("qua Sở
    X", "về Sở X"). The duty before "để", the one after, and the second one's leads."""
    for purpose in list(_PURPOSE.finditer(text))[:_JOINT_TRIES]:
        before, after = text[:purpose.start()], text[purpose.end():].split(";")[0]
        first, then = find_deadline(fold(before), reference), find_deadline(fold(after), reference)
        if NO_DEADLINE in (first, then) or then.due == first.due:
            continue
        named = _clause(after[:_JOINT_WINDOW], matcher)
        if named.mentions and named.mentions[0].start == 0:
            return before, after, named.opening_units()
        prior = _clause(before, matcher)
        receiving = [m for m in prior.mentions if prior.words[m.start - 1:m.start] in _RECEIVING]
        return (before, after, list(receiving[-1].codes)) if receiving else None
    return None


def _content(text: str) -> str:
    return re.sub(r"\s*\./\.\s*$|\s*[.;]\s*$", "", text.strip())
