"""How offices write a unit's name: folded words with the abbreviations they use spelled out ("Sở TN&MT",
"UBND TP. Tuy Hòa", "UBND TT Diêu Trì"), and a committee named by its tier and place alone ("Huyện Tuy Phước" for
"UBND huyện Tuy Phước"). Read by the proposals' unit matcher, the imports and the organisation seed alike, so a name
typed one way or another finds the same unit everywhere."""
from __future__ import annotations

import re

from engine.org.home import COMMITTEE
from engine.text import fold


def phrase(words: str) -> tuple[str, ...]:
    return tuple(words.split())


_TOKEN = re.compile(r"\w+|&|[,;:()]")
_ETH = str.maketrans("Ðð", "Đđ")   # the Latin eth some pages type for "Đ": "Bộ Kế hoạch và Ðầu tư"
# Abbreviations as written (folded, "&" read as "và") → the words they stand for.
_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "uy ban mttq": "uy ban mat tran to quoc",
    "tn va mt": "tai nguyen va moi truong", "tnmt": "tai nguyen va moi truong",
    "kh va dt": "ke hoach va dau tu", "khdt": "ke hoach va dau tu",
    "nn va ptnt": "nong nghiep va phat trien nong thon", "nnptnt": "nong nghiep va phat trien nong thon",
    "ptnt": "phat trien nong thon", "nn va mt": "nong nghiep va moi truong", "nnmt": "nong nghiep va moi truong",
    "tt va tt": "thong tin va truyen thong", "tttt": "thong tin va truyen thong",
    "gd va dt": "giao duc va dao tao", "gddt": "giao duc va dao tao",
    "kh va cn": "khoa hoc va cong nghe", "khcn": "khoa hoc va cong nghe",
    "vh , tt va dl": "van hoa , the thao va du lich", "vhttdl": "van hoa , the thao va du lich",
    "vh tt va dl": "van hoa , the thao va du lich",
    "ldtb va xh": "lao dong thuong binh va xa hoi", "ldtbxh": "lao dong thuong binh va xa hoi",
    "gtvt": "giao thong van tai", "tp": "thanh pho", "tx": "thi xa", "qlda": "quan ly du an",
    "bql": "ban quan ly", "bqlda": "ban quan ly du an", "chqs": "chi huy quan su",
    # the committees' offices, "VP UBND tỉnh", "VP HĐND và UBND huyện" ("VP" alone ends symbols: 123/UBND-VP)
    "vp ubnd": "van phong uy ban nhan dan", "vp hdnd": "van phong hoi dong nhan dan",
    # written with a dash, which is no token: "Sở TN-MT", "Sở KH-ĐT", "Sở LĐ-TB&XH"
    "tn mt": "tai nguyen va moi truong", "kh dt": "ke hoach va dau tu",
    "nn ptnt": "nong nghiep va phat trien nong thon", "gd dt": "giao duc va dao tao",
    "nn mt": "nong nghiep va moi truong",   # 2025's merged department: "Sở NN-MT"
    "ld tb va xh": "lao dong thuong binh va xa hoi",
    "vhtt va dl": "van hoa , the thao va du lich", "kh cn": "khoa hoc va cong nghe",
}
# By first word, longest first.
_EXPANSIONS: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
for _short, _long in sorted(((phrase(k), phrase(v)) for k, v in _ABBREVIATIONS.items()), key=lambda kv: -len(kv[0])):
    _EXPANSIONS.setdefault(_short[0], []).append((_short, _long))



# "TT" is "thị trấn" (a township, a tier before 2025) only after "UBND" and before a place's name: "UBND TT Diêu Trì".
# Elsewhere it is another word's ("TT Y tế huyện": "Trung tâm"; "Sở TT&TT"), left as written.
_TOWNSHIP = ("thi", "tran")
# The press writes a committee's tier as its capital with a dot, glued to the place's name or number: "UBND H.Bắc
# Bình", "UBND Q.1", "UBND P.Bến Nghé", "UBND X.Phước An" — read so on the same terms as "TT" (after "UBND", before
# a name), as a single letter elsewhere is an initial.
_TIER_LETTERS = {"H": ("huyen",), "Q": ("quan",), "P": ("phuong",), "X": ("xa",)}
# The local tiers a committee is named by, before its place's name.
_LOCAL_TIERS = (("huyen",), ("quan",), ("thi", "xa"), ("thanh", "pho"), ("xa",), ("phuong",), _TOWNSHIP,
                ("dac", "khu"))


def as_committee(text: str) -> str:
    """`text` naming a place by its tier alone ("Huyện Tuy Phước", "Xã Phước An", "TP Quy Nhơn", "Phường 3"), as a
    register's or a task table's lead cell names the committee that answers for it, with "UBND" before it; any other
    text as it is ("Sở Tài chính", "UBND xã Phước An", "xã hội")."""
    words, _, proper = tokens(text)
    named = [is_proper or word.isdigit() for word, is_proper in zip(words, proper, strict=True)]
    for tier in _LOCAL_TIERS:
        if tuple(words[:len(tier)]) == tier and len(words) > len(tier) and all(named[len(tier):]):
            return f"UBND {text.strip()}"
    return text


def tokens(text: str) -> tuple[list[str], list[bool], list[bool]]:
    """Folded words with abbreviations expanded ("&" as "va"), whether each was written in
    capitals (a code or initials are recognised only then), and whether it opens with a capital
    (a proper name: "Phú Yên")."""
    return tokens_at(text)[:3]


def spelled_out(text: str) -> str:
    """`text` folded with the abbreviations offices write expanded ("Sở TN&MT": "so tai nguyen va moi truong", "UBND
    TP. Tuy Hòa": "uy ban nhan dan thanh pho tuy hoa"), a committee named by its tier and place with its "UBND"
    ("Xã Phước An": "uy ban nhan dan xa phuoc an"), without commas: one key for the ways a unit's name is
    written."""
    return " ".join(word for word in tokens(as_committee(text))[0] if word != ",")


def tokens_at(text: str) -> tuple[list[str], list[bool], list[bool], list[tuple[int, int]]]:
    """`tokens`, and where in `text` each word was written (an expanded abbreviation's words where it was)."""
    text = text.translate(_ETH)
    found = list(_TOKEN.finditer(text))
    raw = [m.group() for m in found]
    words = ["va" if t == "&" else fold(t) for t in raw]
    capitals = [t.isupper() and len(t) > 1 for t in raw]
    out: list[str] = []
    caps: list[bool] = []
    proper: list[bool] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for short, long in _EXPANSIONS.get(words[i], ()):
            if tuple(words[i:i + len(short)]) == short:
                out.extend(long)
                caps.extend([False] * len(long))
                proper.extend([False] * len(long))
                spans.extend([(found[i].start(), found[i + len(short) - 1].end())] * len(long))
                i += len(short)
                break
        else:
            tier = _tier_written(text, found, i, out)
            out.extend(tier or [words[i]])
            caps.extend([False] * len(tier) if tier else [capitals[i]])
            proper.extend([False] * len(tier) if tier else [raw[i][:1].isupper()])
            spans.extend([found[i].span()] * (len(tier) or 1))
            i += 1
    return out, caps, proper, spans


def _tier_written(text: str, found: list[re.Match], i: int, read: list[str]) -> tuple[str, ...]:
    """The tier the word at `i` stands for when it is "TT" (thị trấn) or a tier's capital with a dot ("H.", "Q.",
    "P.", "X."), after a committee (`read`: the words before it, expanded) and before a place's name or number;
    else ()."""
    if tuple(read[-len(COMMITTEE):]) != COMMITTEE or i + 1 >= len(found):
        return ()
    word, after = found[i].group(), found[i + 1].group()
    if word.upper() == "TT" and after[:1].isupper():
        return _TOWNSHIP
    dotted = text[found[i].end():found[i].end() + 1] == "."
    if word in _TIER_LETTERS and dotted and (after[:1].isupper() or after.isdigit()):
        return _TIER_LETTERS[word]
    return ()
