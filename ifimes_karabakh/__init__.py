"""Build, validate and release the IFIMES 2020 Karabakh data package.

Run from the repository root: `python -m ifimes_karabakh validate|schemas|docs|release|benchmark`.
"""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent  # the repository root: the one place that knows it
