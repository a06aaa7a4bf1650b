"""Student HTML made inert (autograder.student_html): what reaches the feedback page and formgrader."""
import base64
import io
import xml.etree.ElementTree as ET

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from autograder.student_html import (
    html_block,
    markdown_as_safe_html,
    safe_html,
    safe_output,
    safe_svg,
)
from course_helpers import live_script

ATTACKS = [
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(2)">',
    '<a href="javascript:alert(3)">click</a>',
    '<svg onload="alert(4)"><circle r="1"/></svg>',
    '<a href="JaVaScRiPt:alert(5)">click</a>',
    '<iframe src="javascript:alert(6)"></iframe>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==">x</a>',
    '<math><mi xlink:href="javascript:alert(8)">x</mi></math>',
    '<div style="background:url(javascript:alert(9))">x</div>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_html_attacks_are_removed_and_text_is_kept(attack):
    cleaned = safe_html(f"<p>before {attack} after</p>")
    assert live_script(cleaned) == [] and "alert(" not in cleaned.replace("&amp;", "&"), cleaned
    assert "before" in cleaned and "after" in cleaned


def test_ordinary_html_survives():
    table = '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1 &lt; 2</td></tr></tbody></table>'
    assert safe_html(table) == table
    assert (safe_html('<a href="https://example.org/x">x</a>')
            == '<a href="https://example.org/x" rel="noopener noreferrer">x</a>')
    png = "data:image/png;base64,iVBORw0KGgo="
    assert f'src="{png}"' in safe_html(f'<img src="{png}">')


@pytest.mark.parametrize("markdown", [
    "[click](javascript:alert(1))",
    "<javascript:alert(2)>",
    '<img src=x onerror="alert(3)"> and <script>alert(4)</script>',
    "![pic](javascript:alert(5))",
    '<details open ontoggle="alert(6)"><summary>x</summary></details>',
])
def test_markdown_links_and_html_are_made_inert(markdown):
    stored = markdown_as_safe_html(markdown)
    # what nbconvert (feedback) and formgrader render from the stored source
    assert live_script(markdown2html_mistune(stored)) == [], stored


def test_markdown_keeps_its_text_code_math_and_tables():
    source = ("Some *emphasis*, `a < b` in code, $x < y$ in math.\n\n```\nfor i in x:\n\n    print(i)\n```\n\n"
              "| a | b |\n|---|---|\n| 1 | 2 |\n")
    page = markdown2html_mistune(markdown_as_safe_html(source))
    assert "<em>emphasis</em>" in page
    assert "<code>a &lt; b</code>" in page  # not double-escaped
    assert "$x &lt; y$" in page  # MathJax reads the text, entities decoded
    assert "for i in x:&#10;&#10;    print(i)" in page  # one HTML block: blank lines kept as &#10;
    assert "<td>2</td>" in page


def test_a_missing_attachment_is_shown_as_text_instead_of_stopping_the_page():
    from nbconvert.filters.markdown_mistune import (
        InvalidNotebook,
        IPythonRenderer,
        MarkdownWithMath,
    )

    with pytest.raises(InvalidNotebook):  # what nbconvert does with it on the feedback page
        MarkdownWithMath(renderer=IPythonRenderer(escape=False, attachments={})).render("![x](attachment:gone.png)")
    assert "attachment:gone.png" in markdown_as_safe_html("![x](attachment:gone.png)")


def test_an_attached_png_is_kept_an_attached_svg_is_not():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n0000").decode()
    shown = markdown_as_safe_html("![x](attachment:a.png)", {"a.png": {"image/png": png}})
    assert f"data:image/png;base64,{png}" in shown
    shown = markdown_as_safe_html("![x](attachment:a.svg)", {"a.svg": {"image/svg+xml": "PHN2Zz4="}})
    assert "data:image/svg" not in shown


def test_an_html_block_renders_as_itself():
    fragment = "<p>one</p>\n<pre><code>a\n\nb</code></pre>"
    assert markdown2html_mistune(html_block(fragment)).strip() == html_block(fragment)


def _matplotlib_svg() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 3, 2])
    ax.set_title("a < b & c")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return buffer.getvalue()


def test_an_svg_picture_keeps_its_drawing_and_stays_well_formed():
    original = _matplotlib_svg()
    cleaned = safe_svg(original)
    root = ET.fromstring(cleaned)  # shown as <img src="data:image/svg+xml...">: must be XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert cleaned.count("<path") == original.count("<path") and cleaned.count("<use") == original.count("<use")


def test_an_svg_loses_scripts_handlers_and_links():
    attack = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
              '<a href="javascript:alert(3)"><rect width="5" height="5" onclick="alert(4)"/></a>'
              '<foreignObject><img src=x onerror="alert(5)"/></foreignObject>'
              '<use href="javascript:alert(6)"/><animate attributeName="href" to="javascript:alert(7)"/></svg>')
    cleaned = safe_svg(attack)
    assert "alert" not in cleaned, cleaned
    assert "<rect" in cleaned


def test_outputs_keep_pictures_and_text_and_lose_scripts():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\npicture").decode()
    output = nbformat.v4.new_output(
        "display_data",
        data={"image/png": png, "text/plain": "<Figure>", "text/html": '<b onclick="alert(1)">hi</b>',
              "application/javascript": "alert(2)", "application/vnd.jupyter.widget-view+json": {"model_id": "x"}},
        metadata={"image/png": {"width": '1 onerror="alert(3)"', "height": 40}},
    )
    safe_output(output)
    assert output.data["image/png"] == png and output.data["text/plain"] == "<Figure>"
    assert output.data["text/html"] == "<b>hi</b>"
    assert set(output.data) == {"image/png", "text/plain", "text/html"}
    assert output.metadata == {"image/png": {"height": 40}}


def test_an_output_that_was_only_a_script_says_so_and_counts_are_numbers():
    output = nbformat.v4.new_output("execute_result", data={"application/javascript": "alert(1)"})
    output.execution_count = "<img src=x onerror=alert(2)>"  # what a kernel that packs its own messages can send
    safe_output(output)
    assert output.execution_count is None
    assert "application/javascript" in output.data["text/plain"] and "alert" not in output.data["text/plain"]
    stream = nbformat.v4.new_output("stream", name="stdout", text="<script>alert(3)</script>")
    assert safe_output(stream)["text"] == "<script>alert(3)</script>"  # nbconvert escapes streams itself
