"""Front matter is read with libyaml's parser for speed; what it yields, and every problem
reported, must be what the pure-Python parser gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quizapp.content import frontmatter
from tests.conftest import SAMPLE_CONTENT

CORPUS = Path(__file__).parent / "corpus"


def front_matters() -> list[Path]:
    files = [*CORPUS.rglob("*.md"), *SAMPLE_CONTENT.rglob("*.md")]
    return sorted(p for p in files if p.read_text(encoding="utf-8").startswith("---"))


def parsed(loader: type, text: str) -> object:
    try:
        result = frontmatter._parse_with(loader, text, first_line=2)
    except frontmatter.FrontMatterError as error:
        return (type(error).__name__, error.line, str(error))
    return (result.data, result.lines, result.repeated_keys)


def yaml_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---\n", 2)[1]


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
@pytest.mark.parametrize("path", front_matters(), ids=lambda p: str(p.relative_to(p.parents[2])))
def test_front_matter_reads_the_same_with_either_parser(path: Path) -> None:
    text = yaml_of(path)
    python = parsed(frontmatter._Loader, text)
    try:
        fast = frontmatter._parse_yaml(text, first_line=2)
        assert (fast.data, fast.lines, fast.repeated_keys) == python
    except frontmatter.FrontMatterError as error:
        assert (type(error).__name__, error.line, str(error)) == python


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")
@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "a: !!python/object:os.system x\n",
        "a: " + "[" * 50 + "]" * 50 + "\n",
        "a: 1\na: 2\n",
        "when: 2024-02-30\n",
    ],
    ids=["alias", "tag", "nesting", "repeated-key", "impossible-date"],
)
def test_libyaml_events_still_pass_through_the_checks(text: str) -> None:
    """The fast loader composes with PyYAML's composer, so the refusals hold on it alone."""
    assert parsed(frontmatter._FastLoader, text) == parsed(frontmatter._Loader, text)
