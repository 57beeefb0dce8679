"""An activity folder on disk: which files it holds, how they are read, and its content hash.

The names here (article.md, posttest.md, figures/) are the author's contract, shared by the
checker, the sync and the author preview. The hash covers every file an activity is built
from, so that the sync makes a new version only when one of them changed.

Authors are trusted to write an activity, not to read the server. Everything under an activity
folder is therefore read without following links (a ``figures/x.png`` linked to the server's
secret key would otherwise be stored and served to anyone), only regular files are read, and
each file and each of its lines has a size limit that is checked before any regular expression
or Markdown sees the text. A folder that breaks one of these rules is *refused*: its problems
are reported and nothing in it is rendered, not even in the author preview.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from quizapp.content.model import Problem, printable

ARTICLE = "article.md"
POSTTEST = "posttest.md"
FIGURES = "figures"
FIGURE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
MAX_FIGURE_BYTES = 5 * 1024 * 1024
KB = 1024
MAX_TEXT_BYTES = {ARTICLE: 100 * KB, POSTTEST: 50 * KB}
MAX_LINE_CHARS = 10_000
MAX_BLOCK_LINES = 300
"""Lines in a row without a blank line. Python-Markdown splits such a block one heading or
rule at a time, searching the rest of the block each time, so its work grows with the square
of the block (8,000 rules in one block took 17 seconds)."""
MAX_PARAGRAPH_CHARS = 20_000
"""Characters in one paragraph. Python-Markdown copies a paragraph's whole text for every
link, escape or emphasis in it, so its work grows with the square of the paragraph. A list
item and a table row starting with ``|`` are paragraphs of their own."""
NEW_PARAGRAPH_RE = re.compile(r"[ \t]*+(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|[ \t]*+\|")

FORBIDDEN_CHARACTER_RE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]"
)
"""Characters refused in article.md and posttest.md: C0 and C1 control characters other than
tab, line feed and carriage return, the Unicode line and paragraph separators and the two
non-characters. None of them shows in an editor, several count as a line break for one reader
and not another (so line numbers would disagree), and YAML refuses them."""

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NON_BLOCKING = getattr(os, "O_NONBLOCK", 0)

LINKED_FOLDER = (
    "the activity folder is a link to another folder; an activity must be a real folder inside "
    "the content folder, so copy the folder in instead"
)
LINKED_FIGURE = (
    "figures must be regular files inside the activity folder, not links; copy the file in instead"
)
LINKED_FILE = (
    "files in an activity folder must be regular files, not links; copy the file in instead"
)
LINKED_SUBFOLDER = (
    "folders in an activity folder must be real folders, not links; copy the folder in instead"
)


@dataclass
class FolderFiles:
    """What :func:`read_folder` found: the two texts (``None`` when unreadable), the figures by
    name, and whether anything in the folder was refused as unsafe to render."""

    article: str | None = None
    posttest: str | None = None
    figures: dict[str, Path] = field(default_factory=dict)
    refused: bool = False


def activity_folders(root: Path) -> list[Path]:
    """Every folder under ``root`` that should be an activity. A link to a folder is included,
    so that the loader reports it instead of silently skipping it."""
    return sorted(
        child
        for child in root.iterdir()
        if child.is_dir() and not child.name.startswith((".", "_"))
    )


def has_article(folder: Path) -> bool:
    """Whether ``folder`` has an article.md entry, even a broken link (which is then reported)."""
    return os.path.lexists(folder / ARTICLE)


def read_folder(folder: Path, problems: list[Problem]) -> FolderFiles:
    """Read an activity folder's files, reporting each problem, without following any link."""
    if folder.is_symlink():
        problems.append(Problem(str(folder), 1, LINKED_FOLDER))
        return FolderFiles(refused=True)
    files = FolderFiles()
    files.refused = _report_links(folder, problems)
    for name in (ARTICLE, POSTTEST):
        text, refused = _read_text(folder / name, MAX_TEXT_BYTES[name], problems)
        setattr(files, "article" if name == ARTICLE else "posttest", text)
        files.refused = files.refused or refused
    files.figures = find_figures(folder, problems)
    return files


def _report_links(folder: Path, problems: list[Problem]) -> bool:
    """Report every link in ``folder``, at any depth; True when there is one.

    Entries whose name starts with a dot are left out, as everywhere else: nothing reads them,
    and editors keep their lock files there (Emacs's ``.#article.md`` is a link).
    """
    found = False
    for directory, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        base = Path(directory)
        for name in sorted([*folders, *files]):
            path = base / name
            if name.startswith(".") or not path.is_symlink():
                continue
            found = True
            if path.parent == folder and name in (ARTICLE, POSTTEST):
                message = (
                    f"{name} must be a regular file inside the activity folder, not a link; "
                    "copy the file in instead"
                )
            elif name in folders:
                message = LINKED_SUBFOLDER
            elif path.relative_to(folder).parts[0] == FIGURES:
                message = LINKED_FIGURE
            else:
                message = LINKED_FILE
            problems.append(Problem(str(path), 1, message))
    return found


def _read_text(path: Path, limit: int, problems: list[Problem]) -> tuple[str | None, bool]:
    """The text of ``path`` when it is a readable UTF-8 file within the limits, and whether the
    file was refused as unsafe (a link, not a regular file, too large, a control character or
    an overlong line). A missing file or one that is not UTF-8 is a problem but not unsafe."""
    if path.is_symlink():
        return None, True
    data = _read_regular_file(path, limit, problems)
    if data is None:
        return None, path.exists()
    if len(data) > limit:
        problems.append(
            Problem(
                str(path),
                1,
                f"{path.name} is larger than {limit // KB} KB, the most it may hold; shorten it "
                "or split the activity in two",
            )
        )
        return None, True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(Problem(str(path), line, "file is not valid UTF-8"))
        return None, False
    refused = _report_forbidden_characters(path, text, problems)
    refused = _report_long_lines(path, text, problems) or refused
    refused = _report_long_blocks(path, text, problems) or refused
    return (None, True) if refused else (text, False)


def _read_regular_file(path: Path, limit: int, problems: list[Problem]) -> bytes | None:
    """At most ``limit + 1`` bytes of ``path``, opened without following a link and without
    waiting on a named pipe; ``None`` (with a problem) unless it is a regular file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NO_FOLLOW | _NON_BLOCKING)
    except FileNotFoundError:
        problems.append(Problem(str(path), 1, "file is missing"))
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            problems.append(
                Problem(str(path), 1, f"{path.name} must be a regular file, not a link")
            )
        else:
            reason = os.strerror(error.errno) if error.errno else str(error)
            problems.append(Problem(str(path), 1, f"file cannot be read ({reason.lower()})"))
        return None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            problems.append(
                Problem(str(path), 1, f"{path.name} is a folder; it must be a Markdown file")
            )
            return None
        if not stat.S_ISREG(mode):
            problems.append(
                Problem(
                    str(path),
                    1,
                    f"{path.name} is not a regular file (a pipe or a device); it must be a "
                    "Markdown file",
                )
            )
            return None
        return _read_at_most(descriptor, limit + 1)
    finally:
        os.close(descriptor)


def _read_at_most(descriptor: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(descriptor, min(size, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _report_forbidden_characters(path: Path, text: str, problems: list[Problem]) -> bool:
    first = FORBIDDEN_CHARACTER_RE.search(text)
    if first is None:
        return False
    line = text.count("\n", 0, first.start()) + 1
    others = sum(1 for _ in FORBIDDEN_CHARACTER_RE.finditer(text)) - 1
    more = f" ({others:,} more in the file)" if others else ""
    problems.append(
        Problem(
            str(path),
            line,
            f"the invisible control character U+{ord(first.group()):04X} is not allowed{more}; "
            "delete it (retype the line if your editor does not show it)",
        )
    )
    return True


def _report_long_lines(path: Path, text: str, problems: list[Problem]) -> bool:
    long_lines = [
        (number, len(line))
        for number, line in enumerate(text.split("\n"), start=1)
        if len(line) > MAX_LINE_CHARS
    ]
    if not long_lines:
        return False
    number, length = long_lines[0]
    more = f" ({len(long_lines) - 1} more lines are too long)" if len(long_lines) > 1 else ""
    problems.append(
        Problem(
            str(path),
            number,
            f"line is {length:,} characters long, more than the {MAX_LINE_CHARS:,} allowed{more}; "
            "break it into shorter lines (the lines of a paragraph are joined when shown)",
        )
    )
    return True


def _report_long_blocks(path: Path, text: str, problems: list[Problem]) -> bool:
    """Report the first block of more than :data:`MAX_BLOCK_LINES` lines and the first
    paragraph of more than :data:`MAX_PARAGRAPH_CHARS` characters."""
    long_block: tuple[int, int] | None = None
    long_paragraph: tuple[int, int] | None = None
    block_start = paragraph_start = 1
    block_lines = paragraph_chars = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            block_lines = paragraph_chars = 0
            continue
        if block_lines == 0:
            block_start = number
        if paragraph_chars == 0 or NEW_PARAGRAPH_RE.match(line):
            paragraph_start, paragraph_chars = number, 0
        block_lines += 1
        paragraph_chars += len(line) + 1
        if block_lines > MAX_BLOCK_LINES and long_block is None:
            long_block = (block_start, block_lines)
        if paragraph_chars > MAX_PARAGRAPH_CHARS and long_paragraph is None:
            long_paragraph = (paragraph_start, paragraph_chars)
    if long_block is not None:
        problems.append(
            Problem(
                str(path),
                long_block[0],
                f"more than {MAX_BLOCK_LINES} lines follow one another from here without a "
                "blank line; add a blank line between paragraphs (split a longer list or table "
                "in two)",
            )
        )
    if long_paragraph is not None:
        problems.append(
            Problem(
                str(path),
                long_paragraph[0],
                f"the paragraph starting here is longer than {MAX_PARAGRAPH_CHARS:,} "
                "characters; split it with a blank line (each list item and each table row "
                "starting with | counts on its own)",
            )
        )
    return long_block is not None or long_paragraph is not None


def find_figures(folder: Path, problems: list[Problem]) -> dict[str, Path]:
    """The figures of ``folder`` by name (``figures/x.png``): regular image files within the
    size limit, found without following links. Each other file is reported; links are reported
    by :func:`read_folder`, and a linked activity or figures folder has no figures."""
    figures: dict[str, Path] = {}
    root = folder / FIGURES
    if folder.is_symlink() or root.is_symlink() or not root.is_dir():
        return figures
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for file_name in sorted(files):
            file = Path(directory, file_name)
            if file_name.startswith("."):
                continue
            info = file.lstat()
            if not stat.S_ISREG(info.st_mode):
                continue
            name = file.relative_to(folder).as_posix()
            if printable(name) != name:
                problems.append(
                    Problem(
                        str(file),
                        1,
                        "the file name holds control characters or bytes that are not UTF-8 "
                        "(shown escaped in the path); rename the file",
                    )
                )
            elif file.suffix.lower() not in FIGURE_TYPES:
                problems.append(
                    Problem(
                        str(file),
                        1,
                        f"figures must be one of {', '.join(sorted(FIGURE_TYPES))}",
                    )
                )
            elif info.st_size > MAX_FIGURE_BYTES:
                problems.append(Problem(str(file), 1, "figure is larger than 5 MB"))
            else:
                figures[name] = file
    return figures


def read_figure(path: Path) -> bytes:
    """The bytes of a figure found by :func:`find_figures`, read without following a link.

    Raises :class:`OSError` when the file has since been replaced by a link or by something
    that is not a regular file, or has grown past the size limit.
    """
    descriptor = os.open(path, os.O_RDONLY | _NO_FOLLOW | _NON_BLOCKING)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        data = _read_at_most(descriptor, MAX_FIGURE_BYTES + 1)
    finally:
        os.close(descriptor)
    if len(data) > MAX_FIGURE_BYTES:
        raise OSError(errno.EFBIG, "figure is larger than 5 MB", str(path))
    return data


def content_hash(article: str, posttest: str, figures: dict[str, Path]) -> str:
    return _hash_files(article.encode(), posttest.encode(), figures)


def _hash_files(article: bytes, posttest: bytes, figures: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for name, data in ((ARTICLE, article), (POSTTEST, posttest)):
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    for name, path in sorted(figures.items()):
        digest.update(f"{name}\0{hashlib.sha256(read_figure(path)).hexdigest()}\0".encode())
    return digest.hexdigest()


def folder_content_hash(folder: Path) -> str | None:
    """The :func:`content_hash` the checker would give ``folder``, from its bytes alone, or
    ``None`` when the folder holds anything the checker reports that the hash does not cover.

    The hash covers the bytes of the two texts and of the figures found, so a match with a
    version the checker accepted proves those bytes were accepted. What else the checker reads
    in a folder is looked at here too, without parsing anything: a link anywhere, a text that
    is not a regular file, and a file under figures/ that is not a figure (a wrong type, an
    unprintable name, too large). Each of these gives ``None``, and the folder is checked in
    full. Text that is not UTF-8 or is over its limit cannot match an accepted version.
    """
    problems: list[Problem] = []
    if folder.is_symlink() or _report_links(folder, problems):
        return None
    texts = []
    for name in (ARTICLE, POSTTEST):
        data = _read_regular_file(folder / name, MAX_TEXT_BYTES[name], problems)
        if data is None:
            return None
        texts.append(data)
    figures = find_figures(folder, problems)
    if problems:
        return None
    try:
        return _hash_files(texts[0], texts[1], figures)
    except OSError:
        return None
