"""Reading the trends' YAML files (shipped or a user's) with every failure as an InputError.

Why a module of its own: a user's bloc or instrument file can fail before validation even
starts — not UTF-8, not YAML, or a date YAML itself cannot build (``2024-02-30`` makes
PyYAML raise a bare ``ValueError``) — and each of those must be a clear message naming the
file and line, never a traceback.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from computestrata.errors import InputError


def _loader(fast: bool = False) -> Any:
    """A SafeLoader whose impossible dates are YAML errors with a line number.

    ``fast``: on libyaml's CSafeLoader (same data, a tenth of the time) — for the shipped files,
    which are known to parse; a user's file keeps the pure-Python loader's error messages."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader

    class Loader(base):  # type: ignore[valid-type,misc]
        pass

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a valid date ({exc})", node.start_mark
            ) from None

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


def read_yaml(path: Path | None, shipped: str, what: str, fmt_hint: str, yaml_hint: str) -> tuple[object, str]:
    """The parsed content of ``path`` (None = the shipped ``trends/data/<shipped>``) and its name.

    ``what`` names the file in messages ("bloc file"); ``fmt_hint`` says where the format is
    documented; ``yaml_hint`` what to check when the YAML does not parse.
    """
    import yaml

    if path is None:
        text, name = (resources.files("computestrata.trends") / "data" / shipped).read_text(encoding="utf-8"), shipped
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{what} {p} not found", hint=fmt_hint)
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{what} {p} is not UTF-8 text (byte {exc.start} cannot be decoded)", hint="save the file as UTF-8"
            ) from None
        except OSError as exc:
            raise InputError(f"{what} {p} cannot be read: {exc.strerror}", hint=fmt_hint) from None
        name = str(p)
    try:
        data = yaml.load(text, Loader=_loader(fast=path is None))  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        bad_date = "is not a valid date" in str(problem)
        hint = "write a real date as YYYY-MM-DD" if bad_date else yaml_hint
        raise InputError(f"{what} {name} is not valid YAML: {problem}{where}", hint=hint) from None
    return data, name
