"""Where things are: the repository and ../shared (which may be absent)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "examples" / "seed-2023.yaml"
PUBLISHED_TXT = SHARED / "examples" / "000_3ee1f57b4b1cc898.txt"
PUBLISHED_PDF = SHARED / "examples" / "hzq-2023.pdf"  # a real report, made with WPS
PUBLISHED_PDF_TRUTH = SHARED / "examples" / "hzq-2023.yaml"  # its figures, read by hand
