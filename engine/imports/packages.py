"""Office Open XML input (.xlsx, .docx) is a zip archive. Before a reader unpacks one, every
member is checked against bounds, so that a small upload cannot make the server unpack
hundreds of megabytes into memory (an xlsx holding one 200 MB shared string is 206 KB on the
wire). The sizes the archive declares are what is checked: Python's zipfile, which openpyxl
reads through, never unpacks a member past its declared size (a member lying
about it ends short and fails its CRC check), so the declared size bounds the actual one."""
from __future__ import annotations

import io
import zipfile

from engine.errors import EngineError

MAX_MEMBER_BYTES = 32 * 1024 * 1024   # an import sheet of MAX_ROWS full rows stays well below
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100                       # unpacked / packed, for members above RATIO_FROM
RATIO_FROM = 1024 * 1024              # small XML parts compress far better than that, harmlessly


class PackageTooLarge(EngineError):
    pass


def check_bounds(data: bytes) -> None:
    """Refuse (PackageTooLarge) an archive whose members unpack beyond the bounds; an archive
    that is not a zip at all is left to its reader to refuse."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    with archive:
        members = archive.infolist()
        for member in members:
            _check_member(member.filename, member.file_size, member.compress_size)
        if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
            raise _too_large("", MAX_TOTAL_BYTES)


def _check_member(name: str, size: int, packed: int) -> None:
    if size > MAX_MEMBER_BYTES:
        raise _too_large(name, MAX_MEMBER_BYTES)
    if size > RATIO_FROM and size > MAX_RATIO * max(packed, 1):
        raise PackageTooLarge("The file is refused: its part %(name)s unpacks to more than %(ratio)s times "
                              "its size.", name=name, ratio=MAX_RATIO)


def _too_large(name: str, limit: int) -> PackageTooLarge:
    return PackageTooLarge("The file is refused: once unpacked it would exceed %(mb)s MB%(part)s.",
                           mb=limit // 2**20, part=f" ({name})" if name else "")
