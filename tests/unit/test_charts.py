"""SVG charts: valid, self-contained, accessible, and every author-supplied label escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from quizapp.statistics.charts import efficiency_chart, facility_chart, option_bar_chart
from quizapp.statistics.item_analysis import (
    AttemptResponses,
    ItemResponse,
    ItemSpec,
    OptionSpec,
    analyse,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>&"'

OPTIONS = [
    ("a. Aspirin", 3, False),
    (f"b. {HOSTILE}", 1, True),
    ("c. Clopidogrel", 1, False),
    ("d. Dabigatran", 0, None),
]


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def assert_self_contained_and_accessible(svg: str, title: str) -> ET.Element:
    root = ET.fromstring(svg)  # parses as XML
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
    assert root.get("width") is None and root.get("height") is None  # scales to its container

    title_element = root.find(f"{SVG}title")
    desc_element = root.find(f"{SVG}desc")
    assert title_element is not None and desc_element is not None
    assert title_element.text == title
    assert root.get("aria-labelledby") == title_element.get("id")
    assert root.get("aria-describedby") == desc_element.get("id")

    assert "<script" not in svg.lower()
    for element in root.iter():
        assert element.tag.startswith(SVG), element.tag  # nothing foreign (no HTML, no xlink)
        assert element.tag not in {f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject"}
        assert element.tag not in {f"{SVG}image", f"{SVG}use", f"{SVG}a"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name  # no event handlers
            assert "href" not in name.lower(), name
            assert name != "style", "inline styles are blocked by the app's CSP"
            for reference in re.findall(r"url\(([^)]*)\)", value):
                assert reference.startswith("#"), value  # only references inside the SVG
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    return root


# Option chart --------------------------------------------------------------------------------


def test_the_option_chart_is_valid_self_contained_and_accessible() -> None:
    svg = option_bar_chart(OPTIONS, title="Q1 — which antiplatelet?")
    assert_self_contained_and_accessible(svg, "Q1 — which antiplatelet?")


def test_every_option_label_is_shown_and_escaped() -> None:
    svg = option_bar_chart(OPTIONS, title=f"Q1 {HOSTILE}")
    root = ET.fromstring(svg)
    shown = texts(root)
    for label, _, _ in OPTIONS:
        assert label in shown
    assert f"Q1 {HOSTILE}" in shown
    assert root.find(f"{SVG}title").text == f"Q1 {HOSTILE}"
    assert "&lt;script&gt;&amp;&quot;" in svg
    assert HOSTILE not in svg
    assert "<script" not in svg


def test_counts_and_percentages_are_written_out() -> None:
    root = ET.fromstring(option_bar_chart(OPTIONS, title="Q1"))
    shown = texts(root)
    # 3 + 1 + 1 + 0 = 5 choices
    assert "3 (60%)" in shown
    assert "1 (20%) ✓ key" in shown
    assert "1 (20%)" in shown
    assert "0 (0%)" in shown


def test_the_key_is_marked_by_text_and_pattern_not_colour_alone() -> None:
    svg = option_bar_chart(OPTIONS, title="Q1")
    root = ET.fromstring(svg)
    assert sum("✓ key" in text for text in texts(root)) == 1
    pattern = root.find(f"{SVG}defs/{SVG}pattern")
    assert pattern is not None
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("height") == "18"]
    assert len(bars) == len(OPTIONS)
    hatched = [bar for bar in bars if bar.get("fill") == f"url(#{pattern.get('id')})"]
    assert len(hatched) == 1
    outlines = [rect for rect in root.iter(f"{SVG}rect") if rect.get("stroke")]
    assert len(outlines) == 1
    # The description says it in words too.
    assert 'b. <script>&": chosen 1 time (20%), the correct answer' in root.find(f"{SVG}desc").text


def test_bar_lengths_follow_the_share() -> None:
    root = ET.fromstring(option_bar_chart([("a", 3, True), ("b", 1, False)], title="Q"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("height") == "18"]
    assert widths[0] == pytest.approx(3 * widths[1])


def test_multiple_answer_percentages_are_of_the_attempts() -> None:
    root = ET.fromstring(
        option_bar_chart([("a", 4, True), ("b", 1, False), ("c", 3, True)], title="Q", total=5)
    )
    assert texts(root)[1:] == ["a", "4 (80%) ✓ key", "b", "1 (20%)", "c", "3 (60%) ✓ key"]


def test_no_choices_at_all_still_draws_a_chart() -> None:
    root = ET.fromstring(option_bar_chart([("a", 0, True), ("b", 0, False)], title="Q"))
    assert "0 ✓ key" in texts(root)
    empty = option_bar_chart([], title="Nothing")
    assert "No options to show." in texts(assert_self_contained_and_accessible(empty, "Nothing"))


def test_characters_xml_cannot_carry_are_dropped() -> None:
    svg = option_bar_chart([("a\x00b\x0bc", 1, True)], title="T\x1b")
    root = assert_self_contained_and_accessible(svg, "T")
    assert "abc" in texts(root)


def test_a_long_label_is_shortened_on_screen_but_complete_in_the_description() -> None:
    label = "a. " + "very long option text " * 10
    root = ET.fromstring(option_bar_chart([(label, 1, True)], title="Q"))
    shown = texts(root)[1]
    assert shown.endswith("…") and len(shown) <= 80
    assert label.strip() in root.find(f"{SVG}desc").text


def test_charts_on_one_page_get_distinct_ids() -> None:
    first = ET.fromstring(option_bar_chart(OPTIONS, title="Q1"))
    second = ET.fromstring(option_bar_chart(OPTIONS, title="Q2"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")
    named = ET.fromstring(option_bar_chart(OPTIONS, title="Q1", chart_id="q1-options"))
    assert named.get("aria-labelledby") == "q1-options-title"
    assert named.find(f"{SVG}defs/{SVG}pattern").get("id") == "q1-options-key"


@pytest.mark.parametrize("chart_id", ['x" onload="alert(1)', "1abc", "", "a b"])
def test_a_chart_id_that_is_not_a_plain_name_is_refused(chart_id: str) -> None:
    with pytest.raises(ValueError):
        option_bar_chart(OPTIONS, title="Q", chart_id=chart_id)


@pytest.mark.parametrize("count", [-1, 1.5, True])
def test_a_count_must_be_a_whole_number(count: object) -> None:
    with pytest.raises(ValueError):
        option_bar_chart([("a", count, True)], title="Q")


# Facility chart ------------------------------------------------------------------------------

ITEMS = [("Q1 Aspirin", 20), (f"Q2 {HOSTILE}", Fraction(200, 3)), ("Q3", None), ("Q4", 100.0)]


def test_the_facility_chart_is_valid_self_contained_and_accessible() -> None:
    svg = facility_chart(ITEMS, title="Facility index")
    assert_self_contained_and_accessible(svg, "Facility index")


def test_every_item_label_and_facility_is_shown_and_escaped() -> None:
    svg = facility_chart(ITEMS, title=f"Facility {HOSTILE}")
    root = ET.fromstring(svg)
    shown = texts(root)
    for label, _ in ITEMS:
        assert label in shown
    assert f"Facility {HOSTILE}" in shown
    values = [
        text.text
        for text in root.iter(f"{SVG}text")
        if text.get("font-size") is None and text.text.endswith("%")  # not the scale's ticks
    ]
    assert values == ["20%", "67%", "100%"]
    assert "no attempts" in shown
    assert HOSTILE not in svg and "<script" not in svg
    assert 'Q2 <script>&": 67%' in root.find(f"{SVG}desc").text
    assert "Q3: no attempts" in root.find(f"{SVG}desc").text


def test_facility_bars_are_on_a_zero_to_hundred_scale() -> None:
    root = ET.fromstring(facility_chart([("a", 25), ("b", 100), ("c", 0)], title="F"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("height") == "18"]
    assert widths[1] == pytest.approx(4 * widths[0])
    assert widths[2] == 0


@pytest.mark.parametrize("value", [-1, 100.5, float("nan")])
def test_a_facility_outside_zero_to_hundred_is_refused(value: float) -> None:
    with pytest.raises(ValueError):
        facility_chart([("Q1", value)], title="F")


def test_an_empty_facility_chart_is_still_valid() -> None:
    root = assert_self_contained_and_accessible(facility_chart([], title="None yet"), "None yet")
    assert "No items to show." in texts(root)


# Efficiency chart ----------------------------------------------------------------------------


def test_the_efficiency_chart_is_valid_and_says_every_value_in_words() -> None:
    svg = efficiency_chart(
        [("Q1", Fraction(100, 3)), (f"Q2 {HOSTILE}", -20), ("Q3", None), ("Q4", Fraction(-5, 2))],
        title="Discriminative efficiency",
    )
    root = assert_self_contained_and_accessible(svg, "Discriminative efficiency")
    description = root.find(f"{SVG}desc").text
    assert 'Q1: 33%; Q2 <script>&": −20%; Q3: not defined; Q4: −3%' in description
    assert "not defined" in texts(root)
    assert HOSTILE not in svg


def test_efficiency_bars_grow_both_ways_from_the_zero_line() -> None:
    root = ET.fromstring(efficiency_chart([("a", 50), ("b", -100), ("c", 0)], title="E"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "18"]
    (a_x, a_w), (b_x, b_w), (c_x, c_w) = [(float(r.get("x")), float(r.get("width"))) for r in bars]
    assert b_w == pytest.approx(2 * a_w) and c_w == 0
    assert b_x + b_w == pytest.approx(a_x) == pytest.approx(c_x)  # all meet at zero


@pytest.mark.parametrize("value", [-100.5, 101, float("inf")])
def test_an_efficiency_outside_minus_to_plus_hundred_is_refused(value: float) -> None:
    with pytest.raises(ValueError):
        efficiency_chart([("Q1", value)], title="E")


# From analysis to chart ----------------------------------------------------------------------


def test_an_analysis_feeds_the_charts() -> None:
    item = ItemSpec(
        "q1",
        (OptionSpec("a", "Aspirin", True), OptionSpec("b", f"Beta {HOSTILE}", False)),
    )
    attempts = [
        AttemptResponses({"q1": ItemResponse(1, frozenset("a"))}),
        AttemptResponses({"q1": ItemResponse(0, frozenset("b"))}),
        AttemptResponses({"q1": ItemResponse(1, frozenset("a"))}),
    ]
    stats = analyse([item], attempts).item("q1")
    options_svg = option_bar_chart(
        [(f"{o.option_id}. {o.text}", o.count, o.correct) for o in stats.options],
        title="q1",
        total=3,
    )
    facility_svg = facility_chart([("q1", stats.facility_percent)], title="Facility")
    assert "2 (67%) ✓ key" in texts(ET.fromstring(options_svg))
    assert "67%" in texts(ET.fromstring(facility_svg))
