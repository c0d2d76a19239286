"""How offices write a unit's name (engine/org/names.py), the one rule the imports, the proposals and the seed read."""
from __future__ import annotations

import pytest

from engine.org.names import as_committee, spelled_out


@pytest.mark.parametrize(("written", "key"), [
    ("UBND TT Diêu Trì", "uy ban nhan dan thi tran dieu tri"),     # a township (thị trấn) before 2025
    ("UBND TT. Diêu Trì", "uy ban nhan dan thi tran dieu tri"),
    ("Ủy ban nhân dân TT Diêu Trì", "uy ban nhan dan thi tran dieu tri"),
    ("Huyện Tuy Phước", "uy ban nhan dan huyen tuy phuoc"),         # a committee by its tier and place alone
    ("Xã Phước An", "uy ban nhan dan xa phuoc an"),
    ("Thị trấn Diêu Trì", "uy ban nhan dan thi tran dieu tri"),
    ("TP Quy Nhơn", "uy ban nhan dan thanh pho quy nhon"),
    ("Phường 3", "uy ban nhan dan phuong 3"),
    ("UBND huyện Tuy Phước", "uy ban nhan dan huyen tuy phuoc"),    # as before
    ("Sở TN&MT", "so tai nguyen va moi truong"),
    ("UBND H.Bắc Bình", "uy ban nhan dan huyen bac binh"),          # the press's tier letters with a dot
    ("UBND Q.1", "uy ban nhan dan quan 1"),
    ("Ủy ban nhân dân P. Bến Nghé", "uy ban nhan dan phuong ben nghe"),
    ("UBND X.Phước An", "uy ban nhan dan xa phuoc an"),
])
def test_the_ways_offices_write_a_committee_give_its_name(written, key):
    """"UBND TT Diêu Trì", "Huyện Tuy Phước", "Xã Phước An" were no unit's name: a register's row naming them so was
    refused, suggesting the unit it meant ("UBND thị trấn Diêu Trì")."""
    assert spelled_out(written) == key


@pytest.mark.parametrize(("written", "key"), [
    ("TT Diêu Trì", "tt dieu tri"),                        # no "UBND" before it: "Trung tâm …" as well
    ("TT Y tế huyện Tuy Phước", "tt y te huyen tuy phuoc"),  # a centre (Trung tâm Y tế)
    ("Sở TT&TT", "so thong tin va truyen thong"),            # TT of another abbreviation
    ("UBND TT", "uy ban nhan dan tt"),                       # no place's name after it
    ("Ông Nguyễn H. Nam", "ong nguyen h nam"),               # a letter with a dot elsewhere: an initial
    ("UBND H Bắc Bình", "uy ban nhan dan h bac binh"),       # no dot: no tier
    ("Xã hội", "xa hoi"),                                    # no place's name: a word
    ("Trung tâm Y tế huyện", "trung tam y te huyen"),
])
def test_tt_is_a_township_only_after_ubnd_before_a_place_and_a_tier_a_committee_only_before_one(written, key):
    assert spelled_out(written) == key


def test_a_committee_named_by_its_tier_and_place_gets_its_ubnd_and_nothing_else_does():
    assert [as_committee(text) for text in ("Huyện Tuy Phước", " Xã Phước An ", "UBND xã Phước An", "Sở Tài chính",
                                            "xã hội hóa")] == [
        "UBND Huyện Tuy Phước", "UBND Xã Phước An", "UBND xã Phước An", "Sở Tài chính", "xã hội hóa"]
