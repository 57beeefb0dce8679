"""The export formats by name, as ``--format`` and the preview's download take them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from quizapp.exchange.bank import Bank
from quizapp.exchange.gift import write_gift
from quizapp.exchange.moodle import write_moodle_xml
from quizapp.exchange.qti import QTI21, QTI30, write_package


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    suffix: str
    mimetype: str
    write: Callable[[Bank], bytes]


EXPORT_FORMATS = {
    export.key: export
    for export in (
        ExportFormat(
            "qti21",
            "QTI 2.1 package",
            ".zip",
            "application/zip",
            lambda bank: write_package(bank, QTI21),
        ),
        ExportFormat(
            "qti30",
            "QTI 3.0 package",
            ".zip",
            "application/zip",
            lambda bank: write_package(bank, QTI30),
        ),
        ExportFormat("moodle-xml", "Moodle XML", ".xml", "application/xml", write_moodle_xml),
        ExportFormat("gift", "GIFT", ".gift.txt", "text/plain; charset=utf-8", write_gift),
    )
}
