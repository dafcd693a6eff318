"""A page's source as a browser shows its text, for assertions on what users read: a run of
spaces and line breaks is one space, and none is kept next to a block-level tag (a table
cell, a list item, a paragraph, a heading...), where whitespace is not rendered. The
templates are laid out over several lines (djlint, lines of at most 160 characters), so
an assertion on a sentence or a table row must not depend on where their lines break."""

import re

BLOCK = (
    "address|article|aside|blockquote|br|caption|dd|details|div|dl|dt|fieldset|figcaption"
    "|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|option|p|section|select|summary"
    "|table|tbody|td|tfoot|th|thead|tr|ul"
)
AROUND_BLOCK_TAG = re.compile(rf"\s*(</?(?:{BLOCK})\b[^>]*>)\s*")


def shown(html: str) -> str:
    """``html`` with its source whitespace as a browser renders it (see the module)."""
    return AROUND_BLOCK_TAG.sub(r"\1", re.sub(r"\s+", " ", html))
