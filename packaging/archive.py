"""Writes the release archive of one target and its checksum file, in the
layout cargo-dist gives its archives (and the install scripts expect):
`ssg-{target}.tar.gz` (`.zip` for Windows) holding `ssg-{target}/ssg`
and the README, and `ssg-{target}.tar.gz.sha256` holding
`{sha256}  {archive name}`, as `sha256sum` writes and `sha256sum -c` reads.

Written with Python's tarfile and zipfile rather than tar and zip: the same
on every release runner (macOS's tar takes other flags, Windows has no
zip), and byte-for-byte the same for the same binary (fixed dates, owners
and order).

usage: archive.py BINARY TARGET README OUT_DIR  (prints the archive's path)
"""

import gzip
import hashlib
import io
import sys
import tarfile
import zipfile
from pathlib import Path

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FIXED_MTIME = 315532800  # 1980-01-01, the zip format's earliest date


def members(binary: Path, target: str, readme: Path) -> list[tuple[str, bytes, int]]:
    exe = "ssg.exe" if target.endswith("-windows-msvc") else "ssg"
    folder = f"ssg-{target}"
    return [
        (f"{folder}/{exe}", binary.read_bytes(), 0o755),
        (f"{folder}/README.md", readme.read_bytes(), 0o644),
    ]


def write_tar_gz(path: Path, files: list[tuple[str, bytes, int]]) -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data, mode in files:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, FIXED_MTIME
            tar.addfile(info, io.BytesIO(data))
    with open(path, "wb") as out, gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as gz:
        gz.write(raw.getvalue())


def write_zip(path: Path, files: list[tuple[str, bytes, int]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in files:
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def main() -> None:
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    binary, target, readme, out_dir = sys.argv[1:]
    files = members(Path(binary), target, Path(readme))
    if target.endswith("-windows-msvc"):
        archive = Path(out_dir) / f"ssg-{target}.zip"
        write_zip(archive, files)
    else:
        archive = Path(out_dir) / f"ssg-{target}.tar.gz"
        write_tar_gz(archive, files)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    Path(f"{archive}.sha256").write_text(f"{digest}  {archive.name}\n")
    print(archive)


if __name__ == "__main__":
    main()
