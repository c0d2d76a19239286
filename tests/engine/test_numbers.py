"""One way to write a number for people (engine/numbers.py): the web pages and the report
files use it alike."""
from engine.numbers import vn_number, vn_percent


def test_numbers_are_written_the_vietnamese_way():
    assert [vn_number(v) for v in (66.667, 50.0, 0.5, 100, None)] == ["66,67", "50", "0,5", "100", "–"]
    # a no-break space: a line never ends between the figure and its sign
    assert [vn_percent(v) for v in (50.0, 66.67, None)] == ["50\u00a0%", "66,67\u00a0%", "–"]
