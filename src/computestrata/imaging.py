"""Static images of plotly charts (PNG, SVG) and the printed report (PDF) through headless Chromium.

Why Chromium and not kaleido: Debian ships it (``apt-get install chromium``), it needs no
download at run time, and plotly.js itself draws the image (``Plotly.toImage``) in the same
engine that draws the HTML report, so a PNG looks like the chart on screen, CJK fonts included
(``fonts-noto-cjk``).  One browser run renders a whole batch of charts: Chromium prints the
page's DOM after the charts are drawn, and the images are read back from it as data URLs.

The browser is found at ``$STRATA_CHROMIUM``, then ``chromium``, ``chromium-browser``,
``google-chrome`` on ``PATH``; none found is an :class:`InputError` saying how to install one.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from computestrata.errors import InputError

__all__ = ["FORMATS", "clean", "find_chromium", "plotly_js", "print_pdf", "render_images", "write_atomic"]

FORMATS = ("png", "svg")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH, HEIGHT, SCALE = 1200, 650, 2
#: seconds one browser run may take before it is stopped (15 charts take ~10 s on a loaded machine)
TIMEOUT = 180

_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body{{font-family:{font}}}</style><script src="plotly.min.js"></script></head>
<body><pre id="out">pending</pre><script src="draw.js"></script></body></html>"""
_DRAW = """var figs = %s; var fmt = %s;
var font = %s;
Promise.all(figs.map(function (f) {
  f.layout = f.layout || {};
  f.layout.font = Object.assign({family: font, size: 13}, f.layout.font || {});
  var w = f.width, h = f.height;
  return Plotly.toImage({data: f.data, layout: f.layout}, {format: fmt, width: w, height: h, scale: %d});
})).then(function (r) { document.getElementById("out").textContent = JSON.stringify(r); })
  .catch(function (e) { document.getElementById("out").textContent = "ERROR " + e; });
"""
FONTS = {
    "en": '"Noto Sans", "Noto Sans CJK KR", "DejaVu Sans", sans-serif',
    "ko": '"Noto Sans CJK KR", "Noto Sans KR", "Noto Sans", sans-serif',
    "zh": '"Noto Sans CJK SC", "Noto Sans SC", "Noto Sans", sans-serif',
}


def clean(obj: Any) -> Any:
    """NaN/inf → None so chart JSON is valid (missing stays missing, never zero)."""
    import math

    if isinstance(obj, float):
        return None if math.isnan(obj) or math.isinf(obj) else obj
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    return obj


def _plain(obj: Any) -> Any:
    """numpy arrays and scalars (as in ``Figure.to_plotly_json()``) as plain JSON values."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    raise TypeError(f"cannot draw a {type(obj).__name__} in a chart")


def plotly_js() -> Path:
    """The plotly.js bundled with the installed ``plotly`` package (no CDN, no download)."""
    from importlib import resources

    try:
        path = Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))
    except ModuleNotFoundError as exc:
        raise InputError.keyed("report.error.needs", "report.error.needs_hint", package="plotly") from exc
    if not path.is_file():
        raise InputError(f"plotly.min.js not found at {path}", hint="reinstall plotly: pip install --force plotly")
    return path


def find_chromium() -> str:
    """The headless browser to draw with, or an InputError telling how to get one."""
    env = os.environ.get("STRATA_CHROMIUM")
    if env:
        if Path(env).is_file() and os.access(env, os.X_OK):
            return env
        raise InputError(
            f"STRATA_CHROMIUM={env} is not an executable file",
            hint="point STRATA_CHROMIUM at a Chromium or Chrome binary, or unset it to search PATH",
        )
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise InputError(
        "no Chromium found to draw PNG/SVG/PDF images (looked for " + ", ".join(BROWSERS) + " on PATH)",
        hint="install it (Debian: apt-get install chromium fonts-noto-cjk) or set STRATA_CHROMIUM; "
        "the HTML report needs no browser",
    )


def _run(browser: str, args: Sequence[str], timeout: int = TIMEOUT) -> str:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", *args]
    with tempfile.TemporaryDirectory(prefix="strata-chromium-") as profile:
        try:
            done = subprocess.run(
                [*cmd[:1], f"--user-data-dir={profile}", *cmd[1:]],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise InputError(
                f"the browser did not finish within {timeout} s", hint="try fewer charts, or check that Chromium starts"
            ) from exc
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise InputError(
            f"the browser failed (exit {done.returncode}): {' '.join(tail)}", hint="check the Chromium install"
        )
    return done.stdout


def render_images(
    specs: Sequence[dict[str, Any]],
    fmt: str = "png",
    lang: str = "en",
    width: int = WIDTH,
    height: int | None = None,
    scale: int = SCALE,
) -> list[bytes]:
    """Each plotly spec (``{"data", "layout"}``) as PNG or SVG bytes, in one browser run.

    The height is the chart's own ``layout.height`` unless given; a chart that fails to draw
    fails the whole batch (no half set of images)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown image format {fmt!r}", hint="use one of: " + ", ".join(FORMATS))
    if not specs:
        return []
    browser = find_chromium()
    figs = []
    for s in specs:
        layout = dict(s.get("layout") or {})
        h = height or int(layout.get("height") or HEIGHT)
        layout.update(width=width, height=h)
        title = layout.get("title")
        if isinstance(title, dict) and title.get("x") == 0:  # flush left is cut off in an image
            layout["title"] = {**title, "x": 0.01}
        figs.append({"data": s.get("data") or [], "layout": layout, "width": width, "height": h})
    with tempfile.TemporaryDirectory(prefix="strata-img-") as tmp:
        folder = Path(tmp)
        shutil.copyfile(plotly_js(), folder / "plotly.min.js")
        font = FONTS.get(lang, FONTS["en"])
        draw = _DRAW % (
            json.dumps(clean(figs), ensure_ascii=False, default=_plain),
            json.dumps(fmt),
            json.dumps(font),
            scale,
        )
        (folder / "draw.js").write_text(draw, encoding="utf-8")
        (folder / "page.html").write_text(_PAGE.format(font=font), encoding="utf-8")
        budget = 10000 + 3000 * len(figs)
        dom = _run(browser, [f"--virtual-time-budget={budget}", "--dump-dom", (folder / "page.html").as_uri()])
    m = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
    text = html.unescape(m.group(1)) if m else ""
    if not text.startswith("["):
        raise InputError(
            f"the browser did not draw the charts: {text[:200] or 'no output'}", hint="check the Chromium install"
        )
    urls = json.loads(text)
    return [_decode(u) for u in urls]


def _decode(url: str) -> bytes:
    head, _, body = url.partition(",")
    if head.endswith(";base64"):
        return base64.b64decode(body)
    from urllib.parse import unquote

    return unquote(body).encode("utf-8")


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` beside ``path`` and rename it into place: never a half-written image."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def print_pdf(page: Path, out: Path) -> Path:
    """Print the HTML report ``page`` to ``out`` (PDF, A4) with its charts drawn."""
    browser = find_chromium()
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        _run(
            browser,
            [
                "--virtual-time-budget=30000",
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp}",
                page.resolve().as_uri(),
            ],
        )
        if not tmp.is_file() or tmp.read_bytes()[:5] != b"%PDF-":
            raise InputError("the browser wrote no PDF", hint="check the Chromium install")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
