"""Make what a student wrote safe to show as HTML: the feedback page and nbgrader's formgrader.

nbconvert copies the HTML inside markdown cells and `text/html` outputs into the page as it is,
turns `[x](javascript:...)` into a live link and wraps `application/javascript` outputs in a
`<script>`; formgrader shows the autograded notebooks the same way, inside the instructor's
Jupyter server. So every piece of student HTML goes through nh3 (the Ammonia sanitizer, an
allowlist of tags and attributes): no scripts, event handlers, styles or `javascript:` URLs; links
only to http(s), mailto and relative targets; pictures only as embedded PNG/JPEG/GIF/WebP.

- `safe_html(fragment)`: an HTML fragment, sanitized.
- `safe_svg(svg)`: an SVG picture that keeps its drawing (matplotlib's included) and loses scripts,
  handlers, links and `<style>`.
- `markdown_as_safe_html(source, attachments)`: a markdown cell rendered by nbconvert's own renderer
  (as the page would show it), sanitized, and returned as markdown source that renders as exactly
  that HTML (`html_block`).
- `safe_output(output)`: one code-cell output with its HTML/SVG/markdown sanitized, scripts and
  unknown kinds dropped, picture sizes and execution counts forced to numbers (nbconvert puts them
  into the page unescaped). Pictures (PNG, JPEG) and plain text are kept byte for byte. An output
  with nothing left says so in the current language (autograder.i18n).
"""
from __future__ import annotations

import html
from typing import Any

import nh3
from nbformat.notebooknode import from_dict

from .i18n import _

# -------------------------------------------------------------------------------------------
# HTML fragments

_URL_SCHEMES = {"http", "https", "mailto", "data"}  # data: only for raster pictures, see _url_filter
_RASTER_DATA = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;")


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("href", "src") and value.strip().lower().startswith("data:"):
        return value if (tag, attribute) == ("img", "src") and value.strip().lower().startswith(_RASTER_DATA) else None
    return value


def safe_html(fragment: str) -> str:
    """`fragment` with only nh3's default allowlist of tags and attributes left."""
    return nh3.clean(str(fragment), url_schemes=_URL_SCHEMES, attribute_filter=_url_filter)


# -------------------------------------------------------------------------------------------
# SVG pictures

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_SVG_TAGS = {
    "svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "title", "desc", "metadata", "marker", "pattern", "mask", "stop",
    "clipPath", "clippath", "linearGradient", "lineargradient", "radialGradient", "radialgradient",
}
_SVG_ATTRIBUTES = {
    "id", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "width", "height",
    "d", "points", "transform", "viewBox", "preserveAspectRatio", "version", "offset", "opacity",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "clip-path",
    "clip-rule", "clipPathUnits", "mask", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "stop-color", "stop-opacity", "gradientUnits",
    "gradientTransform", "patternUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
    "style", "href", "xlink:href",
}
_SVG_STYLES = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity",
    "font", "font-family", "font-size", "font-weight", "font-style", "text-anchor", "clip-path",
    "stop-color", "stop-opacity", "dominant-baseline",
}


def _svg_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("href", "xlink:href"):
        return value if value.startswith("#") else None  # references inside the picture only
    return value


def safe_svg(svg: str) -> str:
    """An SVG document with its drawing kept and everything active removed. The namespaces are
    set again on <svg>, so the result stays a well-formed picture when shown as an <img>."""
    return nh3.clean(
        str(svg),
        tags=_SVG_TAGS,
        attributes={"*": _SVG_ATTRIBUTES},
        filter_style_properties=_SVG_STYLES,
        attribute_filter=_svg_filter,
        url_schemes=set(),
        link_rel=None,
        set_tag_attribute_values={"svg": {"xmlns": _SVG_NS, "xmlns:xlink": _XLINK_NS}},
    ).strip()


# -------------------------------------------------------------------------------------------
# markdown


def html_block(fragment: str) -> str:
    """Markdown source that renders as exactly `fragment`: one <div> on one line is a single HTML
    block, which markdown renderers (nbconvert's, JupyterLab's) pass through without reading it as
    markdown again. Newlines become &#10;, which HTML reads as the same newline."""
    return '<div class="autograder-sanitized">' + fragment.replace("\r\n", "\n").replace("\n", "&#10;") + "</div>"


def markdown_as_safe_html(source: str, attachments: dict | None = None) -> str:
    """A student's markdown cell as nbconvert would render it, sanitized, as an HTML block.

    Sanitizing the markdown text itself would miss `[x](javascript:...)` (markdown, not HTML) and
    mangle `a < b` in code spans; the rendered HTML has neither problem. A cell nbconvert cannot
    render (e.g. `attachment:` of a picture that is not attached, which stops the whole feedback
    page) is shown as its text."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    try:
        renderer = IPythonRenderer(escape=False, attachments=dict(attachments or {}))
        rendered = MarkdownWithMath(renderer=renderer).render(str(source))
    except Exception:  # noqa: BLE001 - whatever the renderer trips on, the text itself is safe to show
        rendered = "<pre>" + html.escape(str(source)) + "</pre>"
    return html_block(safe_html(rendered))


# -------------------------------------------------------------------------------------------
# code-cell outputs

# shown escaped (text, LaTeX) or as <img src="data:..."> by nbconvert: kept as they are
_KEPT = {"text/plain", "text/latex", "image/png", "image/jpeg", "image/gif", "application/json"}
_SANITIZED = {"text/html": safe_html, "image/svg+xml": safe_svg, "text/markdown": markdown_as_safe_html}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    return None


def safe_count(value: Any) -> int | None:
    """An execution count as nbconvert may print it into the page: an int, or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def safe_output(output: dict) -> dict:
    """`output` (an nbformat output) cleaned in place, see the module doc; returns it."""
    if "execution_count" in output:
        output["execution_count"] = safe_count(output.get("execution_count"))
    if output.get("output_type") not in ("display_data", "execute_result", "update_display_data"):
        return output  # stream and error outputs are escaped by nbconvert (ansi2html)
    data, dropped = {}, []
    for mime, value in dict(output.get("data", {})).items():
        if mime in _KEPT:
            data[mime] = value
        elif mime in _SANITIZED:
            data[mime] = _SANITIZED[mime](_text(value))
        else:
            dropped.append(str(mime)[:80])
    if not data and dropped:
        data["text/plain"] = _("[output not shown: {kinds} (scripts and unknown output types are "
                               "left out)]", kinds=", ".join(dropped))
    elif not data:
        data["text/plain"] = _("[output not shown: empty (scripts and unknown output types are "
                               "left out)]")
    output["data"] = from_dict(data)
    metadata = {}
    for mime, value in dict(output.get("metadata", {})).items():
        if mime in ("image/png", "image/jpeg", "image/gif") and isinstance(value, dict):
            sizes = {k: _number(value.get(k)) for k in ("width", "height")}
            metadata[mime] = {k: v for k, v in sizes.items() if v is not None}
    output["metadata"] = from_dict(metadata)
    return output
