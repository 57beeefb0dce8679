"""QTI 2.1 and 3.0 content packages of a posttest.

One ``assessmentItem`` per question: a ``choiceInteraction`` with ``maxChoices`` 1 (single and
true-false) or 0 (multiple), ``shuffle`` from the question and ``fixed`` on each pinned option,
the key as the correct response, and the rationale as modal feedback that is always shown once
the item is scored. Scoring is the ``match_correct`` template's rules written out (or
``map_response``'s, for partial credit with quizapp's fractions), followed by one rule that
selects the rationale: a template cannot also set the feedback outcome. The ``assessmentTest``
sums the items' scores and sets ``PASS`` at the activity's passing score.

QTI 3.0 is the same document with the names of its binding: elements ``qti-`` and kebab-case,
attributes kebab-case, the ``imsqtiasi_v3p0`` namespace and the QTI 3.0 manifest types
(:class:`Dialect`). The XHTML inside the bodies is in the QTI namespace in both versions.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from quizapp.content.model import Question
from quizapp.exchange.bank import Bank
from quizapp.exchange.xhtml import KEPT_ELEMENTS, image_sources, markdown_to_xhtml

XSI = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_FOLDER = "items"
TEST_FILE = "assessment.xml"
MANIFEST_FILE = "imsmanifest.xml"
RESPONSE = "RESPONSE"
RATIONALE = "RATIONALE"


@dataclass(frozen=True)
class Dialect:
    key: str
    namespace: str
    schema_location: str
    manifest_namespace: str
    manifest_schema_location: str
    item_type: str
    test_type: str
    schema_name: str
    kebab: bool

    def tag(self, name: str) -> str:
        """A QTI element name written as in 2.1 (``choiceInteraction``), in this binding."""
        local = f"qti-{_kebab(name)}" if self.kebab else name
        return f"{{{self.namespace}}}{local}"

    def attr(self, name: str) -> str:
        return _kebab(name) if self.kebab else name


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower()


QTI21 = Dialect(
    key="qti21",
    namespace="http://www.imsglobal.org/xsd/imsqti_v2p1",
    schema_location="http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd",
    manifest_namespace="http://www.imsglobal.org/xsd/imscp_v1p1",
    manifest_schema_location="http://www.imsglobal.org/xsd/imscp_v1p1.xsd",
    item_type="imsqti_item_xmlv2p1",
    test_type="imsqti_test_xmlv2p1",
    schema_name="QTIv2.1 Package",
    kebab=False,
)
QTI30 = Dialect(
    key="qti30",
    namespace="http://www.imsglobal.org/xsd/imsqtiasi_v3p0",
    schema_location="https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd",
    manifest_namespace="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1",
    manifest_schema_location=(
        "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
    ),
    item_type="imsqti_item_xmlv3p0",
    test_type="imsqti_test_xmlv3p0",
    schema_name="QTI Package",
    kebab=True,
)
DIALECTS = {dialect.key: dialect for dialect in (QTI21, QTI30)}


def item_identifier(question_id: str) -> str:
    """A QTI identifier for a question id: ids may start with a digit, identifiers may not."""
    return question_id if question_id[0].isalpha() else f"Q_{question_id}"


def question_id_of(identifier: str) -> str:
    return identifier.removeprefix("Q_")


def write_package(bank: Bank, dialect: Dialect) -> bytes:
    """The zip of the manifest, the test, one file per item and the figures the items show."""
    files: dict[str, bytes] = {}
    item_files: list[tuple[str, str, list[str]]] = []
    for question in bank.questions:
        identifier = item_identifier(question.id)
        path = f"{ITEM_FOLDER}/{identifier}.xml"
        root = build_item(question, dialect, partial_credit=bank.partial_credit)
        figures = []
        for source in dict.fromkeys(image_sources(root)):
            if source in bank.figures:
                packaged = posixpath.join(ITEM_FOLDER, source)
                files[packaged] = bank.figures[source]
                figures.append(packaged)
        files[path] = _serialize(root)
        item_files.append((identifier, path, figures))
    files[TEST_FILE] = _serialize(build_test(bank, dialect))
    files[MANIFEST_FILE] = _serialize(build_manifest(bank, dialect, item_files))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [MANIFEST_FILE, TEST_FILE, *sorted(set(files) - {MANIFEST_FILE, TEST_FILE})]:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _serialize(root: ET.Element) -> bytes:
    _indent(root, 0)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _indent(element: ET.Element, level: int) -> None:
    """Indent the structure of a document but never the authored XHTML, where whitespace is
    content."""
    if not len(element) or _local(element.tag) in KEPT_ELEMENTS or (element.text or "").strip():
        return
    if any((child.tail or "").strip() for child in element):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in element:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    element[-1].tail = "\n" + "  " * level


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _root(dialect: Dialect, name: str, **attributes: str) -> ET.Element:
    ET.register_namespace("", dialect.namespace)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(dialect.tag(name))
    root.set(f"{{{XSI}}}schemaLocation", f"{dialect.namespace} {dialect.schema_location}")
    for key, value in attributes.items():
        root.set(dialect.attr(key), value)
    return root


def _sub(
    parent: ET.Element, dialect: Dialect, name: str, text: str | None = None, **attributes: str
) -> ET.Element:
    element = ET.SubElement(parent, dialect.tag(name))
    for key, value in attributes.items():
        element.set(dialect.attr(key), value)
    if text is not None:
        element.text = text
    return element


def build_item(question: Question, dialect: Dialect, *, partial_credit: bool) -> ET.Element:
    d = dialect
    multiple = question.type == "multiple"
    item = _root(
        d,
        "assessmentItem",
        identifier=item_identifier(question.id),
        title=question.id,
        adaptive="false",
        timeDependent="false",
    )
    declaration = _sub(
        item,
        d,
        "responseDeclaration",
        identifier=RESPONSE,
        cardinality="multiple" if multiple else "single",
        baseType="identifier",
    )
    correct = _sub(declaration, d, "correctResponse")
    for option in question.options:
        if option.correct:
            _sub(correct, d, "value", option.id)
    mapped = multiple and partial_credit
    if mapped:
        mapping = _sub(declaration, d, "mapping", lowerBound="0", upperBound="1", defaultValue="0")
        for option, value in zip(question.options, _partial_values(question), strict=True):
            _sub(mapping, d, "mapEntry", mapKey=option.id, mappedValue=_number(value))
    score = _sub(
        item, d, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float"
    )
    _sub(_sub(score, d, "defaultValue"), d, "value", "0")
    _sub(
        item,
        d,
        "outcomeDeclaration",
        identifier="FEEDBACK",
        cardinality="single",
        baseType="identifier",
    )

    body = _sub(item, d, "itemBody")
    markdown_to_xhtml(body, question.stem, d.namespace, inline=False)
    interaction = _sub(
        body,
        d,
        "choiceInteraction",
        responseIdentifier=RESPONSE,
        shuffle=_bool(question.shuffle),
        maxChoices="0" if multiple else "1",
    )
    for option in question.options:
        choice = _sub(interaction, d, "simpleChoice", identifier=option.id)
        if option.pinned and question.shuffle:
            choice.set(d.attr("fixed"), "true")
        markdown_to_xhtml(choice, option.text, d.namespace, inline=True)

    processing = _sub(item, d, "responseProcessing")
    if mapped:
        set_score = _sub(processing, d, "setOutcomeValue", identifier="SCORE")
        _sub(set_score, d, "mapResponse", identifier=RESPONSE)
    else:
        condition = _sub(processing, d, "responseCondition")
        when = _sub(condition, d, "responseIf")
        match = _sub(when, d, "match")
        _sub(match, d, "variable", identifier=RESPONSE)
        _sub(match, d, "correct", identifier=RESPONSE)
        _sub(
            _sub(when, d, "setOutcomeValue", identifier="SCORE"),
            d,
            "baseValue",
            "1",
            baseType="float",
        )
        otherwise = _sub(condition, d, "responseElse")
        _sub(
            _sub(otherwise, d, "setOutcomeValue", identifier="SCORE"),
            d,
            "baseValue",
            "0",
            baseType="float",
        )
    _sub(
        _sub(processing, d, "setOutcomeValue", identifier="FEEDBACK"),
        d,
        "baseValue",
        RATIONALE,
        baseType="identifier",
    )
    feedback = _sub(
        item,
        d,
        "modalFeedback",
        outcomeIdentifier="FEEDBACK",
        showHide="show",
        identifier=RATIONALE,
    )
    if d.kebab:  # QTI 3.0 modal feedback holds its flow content in a content body
        feedback = _sub(feedback, d, "contentBody")
    markdown_to_xhtml(feedback, question.rationale, d.namespace, inline=False)
    return item


def _partial_values(question: Question) -> list[Fraction]:
    """quizapp's partial credit: +1/(correct options) per correct option chosen, -1/(wrong
    options) per wrong one, bounded to 0..1 by the mapping."""
    correct = sum(option.correct for option in question.options)
    wrong = len(question.options) - correct
    return [
        Fraction(1, correct) if option.correct else Fraction(-1, wrong)
        for option in question.options
    ]


def _number(value: Fraction | Decimal) -> str:
    if isinstance(value, Fraction):
        if 10**12 % value.denominator == 0:
            return _number(Decimal(value.numerator) / Decimal(value.denominator))
        return repr(float(value))
    return f"{value.normalize():f}"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def build_test(bank: Bank, dialect: Dialect) -> ET.Element:
    d = dialect
    test = _root(d, "assessmentTest", identifier=_ncname(bank.identifier), title=bank.title)
    count = len(bank.questions)
    _sub(
        test,
        d,
        "outcomeDeclaration",
        identifier="SCORE",
        cardinality="single",
        baseType="float",
        normalMaximum=str(count),
    )
    _sub(test, d, "outcomeDeclaration", identifier="PASS", cardinality="single", baseType="boolean")
    part = _sub(
        test,
        d,
        "testPart",
        identifier="posttest",
        navigationMode="nonlinear",
        submissionMode="simultaneous",
    )
    section = _sub(
        part, d, "assessmentSection", identifier="questions", title=bank.title, visible="true"
    )
    for question in bank.questions:
        identifier = item_identifier(question.id)
        _sub(
            section,
            d,
            "assessmentItemRef",
            identifier=identifier,
            href=f"{ITEM_FOLDER}/{identifier}.xml",
        )
    processing = _sub(test, d, "outcomeProcessing")
    total = _sub(_sub(processing, d, "setOutcomeValue", identifier="SCORE"), d, "sum")
    _sub(total, d, "testVariables", variableIdentifier="SCORE")
    passed = _sub(_sub(processing, d, "setOutcomeValue", identifier="PASS"), d, "gte")
    _sub(passed, d, "variable", identifier="SCORE")
    _sub(passed, d, "baseValue", _number(bank.passing_score * count / 100), baseType="float")
    return test


def passing_score_of(threshold: Decimal, count: int) -> Decimal:
    """The passing score (percent) that :func:`build_test` wrote as ``threshold`` points."""
    if not count:
        return Decimal(70)
    value = threshold * 100 / count
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _ncname(text: str) -> str:
    return text if text[:1].isalpha() else f"T_{text}"


def build_manifest(
    bank: Bank, dialect: Dialect, item_files: list[tuple[str, str, list[str]]]
) -> ET.Element:
    namespace = dialect.manifest_namespace
    ET.register_namespace("", namespace)
    ET.register_namespace("xsi", XSI)

    def tag(name: str) -> str:
        return f"{{{namespace}}}{name}"

    manifest = ET.Element(tag("manifest"), {"identifier": f"MANIFEST-{bank.identifier}"})
    manifest.set(f"{{{XSI}}}schemaLocation", f"{namespace} {dialect.manifest_schema_location}")
    metadata = ET.SubElement(manifest, tag("metadata"))
    ET.SubElement(metadata, tag("schema")).text = dialect.schema_name
    ET.SubElement(metadata, tag("schemaversion")).text = "1.0.0" if dialect.kebab else "2.1"
    ET.SubElement(manifest, tag("organizations"))
    resources = ET.SubElement(manifest, tag("resources"))
    test = ET.SubElement(
        resources,
        tag("resource"),
        {"identifier": "RES-TEST", "type": dialect.test_type, "href": TEST_FILE},
    )
    ET.SubElement(test, tag("file"), {"href": TEST_FILE})
    for identifier, _, _ in item_files:
        ET.SubElement(test, tag("dependency"), {"identifierref": f"RES-{identifier}"})
    for identifier, path, figures in item_files:
        resource = ET.SubElement(
            resources,
            tag("resource"),
            {"identifier": f"RES-{identifier}", "type": dialect.item_type, "href": path},
        )
        ET.SubElement(resource, tag("file"), {"href": path})
        for figure in figures:
            ET.SubElement(resource, tag("file"), {"href": figure})
    return manifest
