"""Read an uploaded zip as hostile input: every limit is checked before a byte is inflated.

A package comes from outside: it may name files ``../../etc/x`` or ``/root/x``, hold links,
declare a small size and inflate to gigabytes, or hold thousands of entries. Each of these is
refused with a message naming the entry, and nothing is written anywhere while reading: the
caller gets the files as bytes in memory or an :class:`ExchangeError`.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib

from quizapp.exchange.bank import ExchangeError

MAX_PACKAGE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_ENTRY_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
"""A deflated XML file rarely shrinks more than 20 times; a zip bomb shrinks thousands."""


def read_zip(data: bytes) -> dict[str, bytes]:
    if len(data) > MAX_PACKAGE_BYTES:
        raise ExchangeError(f"the package is larger than {MAX_PACKAGE_BYTES // 2**20} MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ExchangeError("the file is not a zip archive (a QTI package is a .zip)") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ExchangeError(f"the package holds more than {MAX_ENTRIES} files")
        total = 0
        files: dict[str, bytes] = {}
        for info in infos:
            name = _checked_name(info)
            if info.is_dir():
                continue
            if name in files:
                raise ExchangeError(f"the package holds '{name}' twice")
            if info.flag_bits & 0x1:
                raise ExchangeError(f"'{name}' is encrypted; export the package without a password")
            if info.file_size > MAX_ENTRY_BYTES:
                raise ExchangeError(
                    f"'{name}' is larger than {MAX_ENTRY_BYTES // 2**20} MB once unpacked"
                )
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise ExchangeError(
                    f"'{name}' unpacks to more than {MAX_RATIO} times its packed size; "
                    "refused as a possible zip bomb"
                )
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise ExchangeError(
                    f"the package unpacks to more than {MAX_TOTAL_BYTES // 2**20} MB"
                )
            files[name] = _read_entry(archive, info, name)
    return files


def _checked_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    mode = info.external_attr >> 16
    shown = name.encode("unicode_escape").decode()
    if stat.S_ISLNK(mode):
        raise ExchangeError(f"'{shown}' is a link; a package may hold only files")
    parts = name.rstrip("/").split("/")
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or any(part in ("..", "") for part in parts)
    ):
        raise ExchangeError(f"'{shown}' is not a plain relative path inside the package; refused")
    return name


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """The entry's bytes, never more than it declared (a lying header stops the read)."""
    try:
        with archive.open(info) as entry:
            content = entry.read(info.file_size + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error, EOFError, OSError):
        raise ExchangeError(f"'{name}' cannot be unpacked; the package is damaged") from None
    if len(content) > info.file_size:
        raise ExchangeError(f"'{name}' holds more than its header says; refused")
    return content
