"""Split ``---`` front matter from Markdown and read its YAML with line numbers.

PyYAML's safe loader builds the values; its node tree gives each key's line so that a
problem in the metadata can be reported where the author will look for it.

Front matter needs only plain YAML: keys, values, lists. The parts of YAML an activity never
needs are refused while the document is composed, before anything is built from them: anchors
and aliases (a 1.4 KB "billion laughs" document expands to gigabytes, and an alias inside
itself recurses forever), explicit tags (``!!int x`` makes PyYAML raise instead of report),
nesting deeper than any setting uses, and characters written as escapes that no page or
database can hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from quizapp.content import yaml_advice

KeyPath = tuple[str | int, ...]
MERGE_TAG = "tag:yaml.org,2002:merge"
YAML_TAG_PREFIX = "tag:yaml.org,2002:"
MAX_NESTING = 10
"""How deep lists and mappings may nest; the deepest setting (a faculty disclosure) uses 5."""
MAX_VALUE_CHARS = 5000
"""The longest text a front-matter value may hold. Statements and the citation are rendered
as Markdown, whose work grows with the square of a paragraph; the longest real value, an
accreditation statement, is under 1,000 characters."""
FORBIDDEN_VALUE_RE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)
"""Characters a quoted value can only hold through an escape (``"\\x01"``, ``"\\ud800"``):
control characters other than tab and line feed, line separators, lone surrogates (which no
encoding can store) and non-characters."""


@dataclass(frozen=True)
class RepeatedKey:
    """A mapping key written a second time; YAML would silently keep only the last value."""

    name: str
    line: int
    first_line: int


class _Refused(Exception):
    """A construct front matter may not use, found at ``line`` (counted from 0)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Checks:
    """PyYAML's safe loader, except that the constructs front matter never needs are refused,
    a value PyYAML cannot convert stays text, and a repeated key is noted.

    The safe loader raises a bare ``ValueError`` for an impossible date (2024-02-30) or an
    empty binary number (``0b_``); kept as text, the checker reports it at its key's line like
    any other malformed value. A key given twice in one mapping is accepted by PyYAML, which
    keeps the last value; it is recorded in ``repeated`` (lines counted from 0) so the checker
    can report it alongside every other problem instead of publishing a value the author may
    not have meant.
    """

    repeated: list[RepeatedKey]
    _checked: set[int]
    _depth: int

    def _start_checks(self) -> None:
        self.repeated = []
        self._checked = set()
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        """Refuse an alias, an anchor, a tag or too deep a nesting before PyYAML composes it."""
        event = self.peek_event()
        line = event.start_mark.line
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                line,
                f"front matter may not use YAML aliases ('*{event.anchor}'); write the value "
                "out in full where it is needed",
            )
        if getattr(event, "anchor", None) is not None:
            raise _Refused(
                line,
                f"front matter may not use YAML anchors ('&{event.anchor}'); remove it and "
                "write the value out in full wherever it is needed",
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            written = (
                "!!" + tag.removeprefix(YAML_TAG_PREFIX) if tag.startswith(YAML_TAG_PREFIX) else tag
            )
            raise _Refused(
                line,
                f"front matter may not use YAML tags ('{written}'); remove it and write a plain "
                "value, in quotes if it is text",
            )
        if isinstance(event, yaml.ScalarEvent):
            if len(event.value) > MAX_VALUE_CHARS:
                raise _Refused(
                    line,
                    f"this front-matter value is {len(event.value):,} characters long, more than "
                    f"the {MAX_VALUE_CHARS:,} allowed; put long text in the article",
                )
            character = FORBIDDEN_VALUE_RE.search(event.value)
            if character is not None:
                raise _Refused(
                    line,
                    f"front matter holds U+{ord(character.group()):04X} (written as an escape in "
                    "quotes), which cannot be shown or stored; remove the escape",
                )
            return super().compose_node(parent, index)
        if self._depth >= MAX_NESTING:
            raise _Refused(
                line,
                f"front matter nests lists and mappings more than {MAX_NESTING} levels deep; "
                "no setting needs more than 5, so check the indentation",
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> object:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            self._note_repeated_keys(node)
        return super().construct_mapping(node, deep=deep)

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        """Check a mapping merged in with ``<<`` before the merge rewrites its keys."""
        self._note_repeated_keys(node)
        super().flatten_mapping(node)

    def _note_repeated_keys(self, node: yaml.MappingNode) -> None:
        """Record keys repeated among those written in ``node`` itself.

        Keys brought in by a ``<<`` merge are left out: overriding them is what a merge is for.
        """
        if id(node) in self._checked:
            return
        self._checked.add(id(node))
        first_of: dict[Any, yaml.Node] = {}
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == MERGE_TAG:
                continue
            first = first_of.setdefault(self.construct_object(key_node), key_node)
            if first is not key_node:
                self.repeated.append(
                    RepeatedKey(key_node.value, key_node.start_mark.line, first.start_mark.line)
                )


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class RefusedFrontMatter(FrontMatterError):
    """Front matter that uses a construct refused for safety: nothing of the folder is shown."""


@dataclass
class FrontMatter:
    data: dict[str, Any]
    lines: dict[KeyPath, int] = field(default_factory=dict)
    start_line: int = 1
    body: str = ""
    body_line: int = 1
    repeated_keys: list[RepeatedKey] = field(default_factory=list)

    def line_of(self, *path: str | int) -> int:
        """The line of the deepest known part of ``path``, falling back to the opening ``---``."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.start_line


class _Loader(_Checks, yaml.SafeLoader):
    """The checks on PyYAML's pure-Python parser: the reference, and what reports a problem."""

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self._start_checks()


if yaml.__with_libyaml__:

    class _FastLoader(
        _Checks,
        yaml.composer.Composer,
        yaml.cyaml.CParser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """The same checks on libyaml's parser, five times faster: libyaml only reads the
        events, and the nodes are composed by PyYAML's composer through :class:`_Checks`, so
        aliases, anchors, tags and depth are refused exactly as above (``CSafeLoader`` would
        compose in C, past every check)."""

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start_checks()

else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = _Loader  # type: ignore[misc, assignment]


for _loader in {_Loader, _FastLoader}:
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _Checks.construct_yaml_timestamp)
    _loader.add_constructor("tag:yaml.org,2002:int", _Checks.construct_yaml_int)
    _loader.add_constructor("tag:yaml.org,2002:value", _loader.construct_yaml_str)


def split(text: str) -> FrontMatter:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(1, "the file must start with YAML front matter between '---' lines")
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            yaml_text = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            front = _parse_yaml(yaml_text, first_line=2)
            front.body = body
            front.body_line = index + 2
            return front
    raise FrontMatterError(1, "the front matter is not closed by a '---' line")


def _parse_yaml(text: str, *, first_line: int) -> FrontMatter:
    """Parsed with libyaml when it reads the text without a problem; any problem is then
    found again by the pure-Python parser, so its report is the same whichever parser ran."""
    if yaml.reader.Reader.NON_PRINTABLE.search(text) is None:
        try:
            return _parse_with(_FastLoader, text, first_line=first_line)
        except (FrontMatterError, yaml.YAMLError, ValueError):
            pass
    return _parse_with(_Loader, text, first_line=first_line)


def _parse_with(loader_class: type[_Loader], text: str, *, first_line: int) -> FrontMatter:
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as error:
        line = first_line + text.count("\n", 0, max(error.position, 0))
        raise RefusedFrontMatter(
            line,
            f"front matter holds the character U+{error.character:04X}, which YAML does not "
            "allow; delete it",
        ) from None
    try:
        node = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        if node is not None:
            _record_lines(node, (), lines, first_line)
        data = loader.construct_document(node) if node is not None else None
    except _Refused as refused:
        raise RefusedFrontMatter(first_line + refused.line, refused.message) from None
    except yaml.MarkedYAMLError as error:
        line, message = yaml_advice.explain(error, text, first_line)
        raise FrontMatterError(line, message) from None
    except yaml.YAMLError as error:
        first = str(error).splitlines()[0] if str(error) else "invalid YAML"
        raise FrontMatterError(first_line, f"front matter is not valid YAML: {first}") from None
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(first_line, "front matter must be a mapping of keys to values")
    repeated = [
        RepeatedKey(key.name, first_line + key.line, first_line + key.first_line)
        for key in loader.repeated
    ]
    return FrontMatter(data=data, lines=lines, start_line=first_line - 1, repeated_keys=repeated)


def _record_lines(
    node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], first_line: int
) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, str(key_node.value))
            lines[key_path] = first_line + key_node.start_mark.line
            _record_lines(value_node, key_path, lines, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            item_path = (*path, index)
            lines[item_path] = first_line + item.start_mark.line
            _record_lines(item, item_path, lines, first_line)
