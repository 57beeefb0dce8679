"""Read a QTI 2.1 or 3.0 content package back into questions quizapp can hold.

Every item that quizapp cannot represent (another interaction than one choice interaction, no
correct response, more than 26 choices, …) is kept out and reported with its reason: the
importer never drops an item silently. XML is parsed by defusedxml, which refuses DTDs,
entities and external references, so a package cannot read the server's files (XXE) or expand
entities without bound.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from quizapp.content.folder import FIGURE_TYPES, MAX_FIGURE_BYTES
from quizapp.content.model import Option, Question
from quizapp.content.posttest import ID_RE, LETTERS
from quizapp.exchange.bank import ExchangeError
from quizapp.exchange.qti import MANIFEST_FILE, passing_score_of, question_id_of
from quizapp.exchange.safezip import read_zip
from quizapp.exchange.xhtml import Lost, inline_markdown, xhtml_to_markdown

MAX_DEPTH = 60
UNSHOWN_IN_STEM = frozenset(
    {"feedbackBlock", "qti-feedback-block", "rubricBlock", "qti-rubric-block", "templateBlock"}
)


@dataclass(frozen=True)
class Skipped:
    item: str
    reason: str

    def __str__(self) -> str:
        return f"{self.item}: not imported: {self.reason}"


@dataclass
class ImportedBank:
    title: str
    questions: list[Question] = field(default_factory=list)
    figures: dict[str, bytes] = field(default_factory=dict)
    """``figures/name`` in the new activity folder -> bytes."""
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Items imported with a loss the author should know of."""
    passing_score: Decimal | None = None
    partial_credit: bool = False


def read_qti_package(data: bytes) -> ImportedBank:
    files = read_zip(data)
    if MANIFEST_FILE not in files:
        raise ExchangeError(
            f"the package has no {MANIFEST_FILE} at its top; is it a QTI content package?"
        )
    manifest = _parse(files, MANIFEST_FILE)
    items: list[str] = []
    tests: list[str] = []
    for resource in manifest.iter():
        if _local(resource.tag) != "resource":
            continue
        kind = resource.get("type", "")
        href = resource.get("href", "")
        if kind.startswith("imsqti_item_xml"):
            items.append(_resolve("", href))
        elif kind.startswith("imsqti_test_xml"):
            tests.append(_resolve("", href))
    result = ImportedBank(title="Imported posttest")
    threshold: Decimal | None = None
    if tests and tests[0] in files:
        test = _parse(files, tests[0])
        result.title = test.get("title") or result.title
        base = posixpath.dirname(tests[0])
        ordered = [
            _resolve(base, ref.get("href", ""))
            for ref in test.iter()
            if _local(ref.tag) in ("assessmentItemRef", "qti-assessment-item-ref")
        ]
        items = list(dict.fromkeys([*ordered, *items]))
        threshold = _pass_threshold(test)
    if not items:
        raise ExchangeError("the package's manifest lists no QTI items")
    used_ids: set[str] = set()
    for path in items:
        if path not in files:
            result.skipped.append(Skipped(path, "the package does not hold this file"))
            continue
        try:
            root = _parse(files, path)
        except ExchangeError as error:
            result.skipped.append(Skipped(path, str(error)))
            continue
        _read_item(root, path, files, result, used_ids)
    if threshold is not None and result.questions:
        result.passing_score = passing_score_of(threshold, len(result.questions))
    return result


def _parse(files: dict[str, bytes], path: str) -> ET.Element:
    try:
        return SafeET.fromstring(files[path], forbid_dtd=True)
    except DefusedXmlException:
        raise ExchangeError(
            f"{path} declares a DTD or entities, which are refused (they can read server "
            "files or expand without limit)"
        ) from None
    except (ET.ParseError, ValueError):
        raise ExchangeError(f"{path} is not well-formed XML") from None


def _resolve(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, href)) if href else ""


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _is(element: ET.Element, name: str) -> bool:
    """Whether ``element`` is the QTI element ``name`` (its 2.1 name) in either binding."""
    local = _local(element.tag)
    return local == name or local == "qti-" + re.sub(r"([A-Z])", r"-\1", name).lower()


def _attr(element: ET.Element, name: str) -> str | None:
    kebab = re.sub(r"([A-Z])", r"-\1", name).lower()
    return element.get(name, element.get(kebab))


def _pass_threshold(test: ET.Element) -> Decimal | None:
    for setter in test.iter():
        if _is(setter, "setOutcomeValue") and _attr(setter, "identifier") == "PASS":
            for value in setter.iter():
                if _is(value, "baseValue"):
                    try:
                        return Decimal((value.text or "").strip())
                    except InvalidOperation:
                        return None
    return None


def _read_item(
    root: ET.Element,
    path: str,
    files: dict[str, bytes],
    result: ImportedBank,
    used_ids: set[str],
) -> None:
    name = _attr(root, "identifier") or path
    if _depth(root) > MAX_DEPTH:
        result.skipped.append(
            Skipped(name, f"it nests elements more than {MAX_DEPTH} deep; no question needs that")
        )
        return
    if not _is(root, "assessmentItem"):
        result.skipped.append(Skipped(name, f"{path} is not a QTI assessment item"))
        return
    interactions = [
        e for e in root.iter() if _local(e.tag).endswith(("Interaction", "-interaction"))
    ]
    if len(interactions) != 1:
        kinds = ", ".join(sorted({_local(e.tag) for e in interactions})) or "none"
        result.skipped.append(
            Skipped(name, f"a quizapp question has one choice interaction; this item has {kinds}")
        )
        return
    interaction = interactions[0]
    if not _is(interaction, "choiceInteraction"):
        result.skipped.append(
            Skipped(
                name,
                f"it uses {_local(interaction.tag)}; quizapp has only true-false, single and "
                "multiple choice questions",
            )
        )
        return
    choices = [c for c in interaction if _is(c, "simpleChoice")]
    if not 2 <= len(choices) <= len(LETTERS):
        result.skipped.append(
            Skipped(name, f"it has {len(choices)} choices; a question needs 2 to {len(LETTERS)}")
        )
        return
    response_id = _attr(interaction, "responseIdentifier")
    correct_values = _correct_values(root, response_id)
    choice_ids = [_attr(c, "identifier") for c in choices]
    if not correct_values:
        result.skipped.append(Skipped(name, "it declares no correct response"))
        return
    if not correct_values <= set(choice_ids):
        result.skipped.append(
            Skipped(name, "its correct response names a choice the interaction does not hold")
        )
        return
    max_choices = _attr(interaction, "maxChoices") or "1"
    single = max_choices == "1"
    if single and len(correct_values) > 1:
        result.skipped.append(
            Skipped(name, "it allows one choice but declares several correct ones")
        )
        return

    lost = Lost()
    base = posixpath.dirname(path)
    _bring_figures(root, base, files, result, name)
    stem_parts = [xhtml_to_markdown(_body(root), lost, skip=frozenset({_local(interaction.tag)}))]
    for prompt in interaction:
        if _is(prompt, "prompt"):
            stem_parts.append(xhtml_to_markdown(prompt, lost))
    stem = "\n\n".join(part for part in stem_parts if part)
    shuffle = (_attr(interaction, "shuffle") or "false") == "true"
    texts = [inline_markdown(choice, lost) for choice in choices]
    kind = "single" if single else "multiple"
    if single and [text.lower() for text in texts] == ["true", "false"]:
        kind, shuffle = "true-false", False
    options = tuple(
        Option(
            id=LETTERS[index],
            text=text,
            correct=choice_ids[index] in correct_values,
            pinned=shuffle and (_attr(choice, "fixed") == "true"),
            line=0,
        )
        for index, (choice, text) in enumerate(zip(choices, texts, strict=True))
    )
    feedback = [e for e in root.iter() if _is(e, "modalFeedback")]
    rationale = "\n\n".join(xhtml_to_markdown(_content(e), lost) for e in feedback).strip()
    if len(feedback) > 1:
        result.notes.append(
            f"{name}: its {len(feedback)} feedbacks, each shown for some answers, were joined "
            "into one rationale that every learner sees"
        )
    if not rationale:
        result.notes.append(f"{name}: it has no feedback; write its rationale")
    if any(_is(e, "feedbackInline") or _local(e.tag) in UNSHOWN_IN_STEM for e in root.iter()):
        result.notes.append(f"{name}: its inline or block feedback was left out")
    if lost:
        result.notes.append(
            f"{name}: formatting Markdown cannot hold was reduced to text ("
            + ", ".join(sorted(set(lost)))
            + ")"
        )
    if any(_is(e, "mapResponse") for e in root.iter()) and kind == "multiple":
        result.partial_credit = True
    question_id = _question_id(name, used_ids, len(result.questions) + 1)
    result.questions.append(
        Question(
            id=question_id,
            type=kind,
            shuffle=shuffle,
            stem=stem,
            options=options,
            rationale=rationale,
            line=0,
        )
    )


def _depth(root: ET.Element) -> int:
    """How deep the elements nest, counted without recursion (the Markdown writer recurses)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _correct_values(root: ET.Element, response_id: str | None) -> set[str]:
    for declaration in root:
        if _is(declaration, "responseDeclaration") and _attr(declaration, "identifier") == (
            response_id
        ):
            return {
                (value.text or "").strip()
                for correct in declaration
                if _is(correct, "correctResponse")
                for value in correct
                if _is(value, "value")
            }
    return set()


def _body(root: ET.Element) -> ET.Element:
    """The item body without the blocks a learner does not see before answering."""
    body = next((e for e in root if _is(e, "itemBody")), ET.Element("itemBody"))
    for parent in list(body.iter()):
        for child in list(parent):
            if _local(child.tag) in UNSHOWN_IN_STEM:
                parent.remove(child)
    return body


def _content(feedback: ET.Element) -> ET.Element:
    """QTI 3.0 wraps modal feedback in ``qti-content-body``; 2.1 does not."""
    return next((e for e in feedback if _local(e.tag) == "qti-content-body"), feedback)


def _bring_figures(
    root: ET.Element, base: str, files: dict[str, bytes], result: ImportedBank, name: str
) -> None:
    """Copy each image the item shows into the new folder's figures/ and point at the copy."""
    for image in root.iter():
        if _local(image.tag) != "img":
            continue
        source = image.get("src", "")
        packaged = _resolve(base, source) if "://" not in source else ""
        suffix = posixpath.splitext(packaged)[1].lower()
        if packaged not in files or suffix not in FIGURE_TYPES:
            result.notes.append(
                f"{name}: the image '{source}' is not a figure file in the package; "
                "replace it with a file in figures/"
            )
            continue
        if len(files[packaged]) > MAX_FIGURE_BYTES:
            result.notes.append(f"{name}: the image '{source}' is larger than 5 MB; left out")
            continue
        target = _figure_name(posixpath.basename(packaged), files[packaged], result.figures)
        result.figures[target] = files[packaged]
        image.set("src", target)


def _figure_name(basename: str, content: bytes, taken: dict[str, bytes]) -> str:
    stem, suffix = posixpath.splitext(basename)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "figure"
    candidate = f"figures/{stem}{suffix.lower()}"
    number = 2
    while candidate in taken and taken[candidate] != content:
        candidate = f"figures/{stem}-{number}{suffix.lower()}"
        number += 1
    return candidate


def _question_id(identifier: str, used: set[str], position: int) -> str:
    candidate = question_id_of(identifier).lower()
    candidate = re.sub(r"[^a-z0-9-]+", "-", candidate).strip("-")
    if not ID_RE.match(candidate) or candidate in used:
        candidate = f"item-{position}"
    while candidate in used:
        position += 1
        candidate = f"item-{position}"
    used.add(candidate)
    return candidate
