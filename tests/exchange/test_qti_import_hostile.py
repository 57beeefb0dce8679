"""An imported package is hostile input: each attack ends in one clear message, exit status 1
and nothing written; an item quizapp cannot represent is reported with its reason, never
dropped silently."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quizapp.authoring.cli import content_cli
from quizapp.exchange.bank import bank_from_activity
from quizapp.exchange.qti import QTI21, write_package
from tests.exchange.helpers import CORPUS_GOOD, activity, unzip, zip_of

GOOD = unzip(write_package(bank_from_activity(activity(CORPUS_GOOD / "statin-basics")), QTI21))


def run_import(tmp_path: Path, package: bytes) -> tuple[Result, Path]:
    path = tmp_path / "package.zip"
    path.write_bytes(package)
    into = tmp_path / "out" / "imported"
    into.parent.mkdir()
    result = CliRunner().invoke(content_cli, ["import", str(path), "--into", str(into)])
    return result, into


def assert_refused(result: Result, into: Path, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), "a message, never a stack trace"
    assert list(into.parent.iterdir()) == [], "nothing may be written"


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    result, into = run_import(tmp_path, b"<html>not a package</html>")
    assert_refused(result, into, "the file is not a zip archive")


@pytest.mark.parametrize(
    "name",
    ["../escape.xml", "items/../../escape.xml", "/etc/escape.xml", "C:/escape.xml", "a\\..\\b.xml"],
)
def test_a_name_that_leaves_the_package_is_refused(tmp_path: Path, name: str) -> None:
    result, into = run_import(tmp_path, zip_of({**GOOD, name: b"<x/>"}))
    assert_refused(result, into, "is not a plain relative path inside the package; refused")


def test_a_link_in_the_package_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in GOOD.items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("items/figures/passwd.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    result, into = run_import(tmp_path, buffer.getvalue())
    assert_refused(
        result, into, "'items/figures/passwd.png' is a link; a package may hold only files"
    )


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in GOOD.items():
            archive.writestr(name, data)
        archive.writestr("items/figures/bomb.png", bytes(4 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    result, into = run_import(tmp_path, buffer.getvalue())
    assert_refused(
        result, into, "'items/figures/bomb.png' unpacks to more than 100 times its packed size"
    )


def test_an_entry_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    big = zip_of({**GOOD, "items/figures/huge.png": bytes(11 * 1024 * 1024)})
    result, into = run_import(tmp_path, big)
    assert_refused(result, into, "'items/figures/huge.png' is larger than 10 MB once unpacked")


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    many = {**GOOD, **{f"items/n{n}.txt": b"" for n in range(1001)}}
    result, into = run_import(tmp_path, zip_of(many))
    assert_refused(result, into, "the package holds more than 1000 files")


def test_a_package_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("quizapp.exchange.safezip.MAX_PACKAGE_BYTES", 1024)
    result, into = run_import(tmp_path, zip_of(GOOD) + bytes(2048))
    assert_refused(result, into, "package.zip is larger than 0 MB")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M">&secret;</manifest>
"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M">&lol3;</manifest>
"""


@pytest.mark.parametrize("manifest", [XXE, LAUGHS], ids=["external-entity", "billion-laughs"])
def test_a_manifest_with_a_dtd_or_entities_is_refused(tmp_path: Path, manifest: bytes) -> None:
    result, into = run_import(tmp_path, zip_of({**GOOD, "imsmanifest.xml": manifest}))
    assert_refused(result, into, "imsmanifest.xml declares a DTD or entities, which are refused")


def test_an_item_with_an_external_entity_is_reported_and_the_others_imported(
    tmp_path: Path,
) -> None:
    (item,) = [name for name in GOOD if name.startswith("items/")]
    hostile = GOOD[item].replace(
        b"<assessmentItem",
        b'<!DOCTYPE assessmentItem [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<assessmentItem',
        1,
    )
    result, into = run_import(tmp_path, zip_of({**GOOD, item: hostile}))
    assert result.exit_code == 1
    assert f"{item}: not imported: {item} declares a DTD or entities" in result.output
    assert "the package holds no item quizapp can represent; nothing written" in result.output
    assert list(into.parent.iterdir()) == []


def test_a_package_without_a_manifest_is_refused(tmp_path: Path) -> None:
    files = {name: data for name, data in GOOD.items() if name != "imsmanifest.xml"}
    result, into = run_import(tmp_path, zip_of(files))
    assert_refused(result, into, "the package has no imsmanifest.xml at its top")


def test_malformed_xml_is_refused(tmp_path: Path) -> None:
    result, into = run_import(tmp_path, zip_of({**GOOD, "imsmanifest.xml": b"<manifest"}))
    assert_refused(result, into, "imsmanifest.xml is not well-formed XML")


TEXT_ENTRY = b"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="dose"
  title="dose" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">
    <correctResponse><value>15</value></correctResponse>
  </responseDeclaration>
  <itemBody>
    <p>The weekly dose in mg: <textEntryInteraction responseIdentifier="RESPONSE"/></p>
  </itemBody>
</assessmentItem>
"""


def test_an_item_quizapp_cannot_represent_is_reported_with_its_reason(tmp_path: Path) -> None:
    manifest = GOOD["imsmanifest.xml"].replace(
        b"</resources>",
        b'<resource identifier="RES-dose" type="imsqti_item_xmlv2p1" href="items/dose.xml">'
        b'<file href="items/dose.xml"/></resource><resource identifier="RES-gone" '
        b'type="imsqti_item_xmlv2p1" href="items/gone.xml"/></resources>',
    )
    package = zip_of({**GOOD, "imsmanifest.xml": manifest, "items/dose.xml": TEXT_ENTRY})
    result, into = run_import(tmp_path, package)
    assert result.exit_code == 0, result.output
    assert (
        "dose: not imported: it uses textEntryInteraction; quizapp has only true-false, single "
        "and multiple choice questions" in result.output
    )
    assert "items/gone.xml: not imported: the package does not hold this file" in result.output
    assert "Imported 1 of 3 items" in result.output
    assert (into / "posttest.md").read_text().count("### ") == 1


def test_importing_into_an_existing_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "package.zip"
    path.write_bytes(zip_of(GOOD))
    into = tmp_path / "existing"
    into.mkdir()
    result = CliRunner().invoke(content_cli, ["import", str(path), "--into", str(into)])
    assert result.exit_code == 1
    assert f"{into} already exists; import into a new folder" in result.output
    assert list(into.iterdir()) == []


def test_an_item_nested_deeper_than_any_question_needs_is_reported(tmp_path: Path) -> None:
    (item,) = [name for name in GOOD if name.startswith("items/")]
    deep = GOOD[item].replace(b"<itemBody>", b"<itemBody>" + b"<div>" * 5000 + b"</div>" * 5000)
    result, into = run_import(tmp_path, zip_of({**GOOD, item: deep}))
    assert result.exit_code == 1
    assert "not imported: it nests elements more than 60 deep" in result.output
    assert list(into.parent.iterdir()) == []
