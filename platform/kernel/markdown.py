"""Markdown in, safe HTML out: message bodies, group posts and legal pages are written in
Markdown and sanitised with a small allow-list before anyone sees them."""

import markdown  # type: ignore[import-untyped]
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def markdown_to_html(text: str) -> str:
    """Render Markdown, then keep only a small allow-list of tags (raw HTML is dropped)."""
    html = markdown.markdown(text, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
