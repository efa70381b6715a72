"""Return the negotiation memo as Markdown, for pasting into an email.

Renders the same `Memo` blocks as the Word document (see `memo_content`): the same
headings, paragraphs, quotes and tables; heat-map shading becomes the cell's label.
"""

from __future__ import annotations

from typing import List

from redline.export.memo_blocks import (Bullets, Heading, Memo, PageBreak, Para, Quote, Table,
                                       Toc)


def _escape(text: str) -> str:
    """Return `text` safe inside a table cell; prose stays as written, to read as plain text."""
    return text.replace("|", "\\|")


def _inline(para: Para) -> str:
    out = []
    for r in para.runs:
        text = r.text
        core = text.strip()
        if core and (r.bold or r.italic):
            mark = "**" if r.bold else "*"
            if r.bold and r.italic:
                mark = "***"
            pre = text[: len(text) - len(text.lstrip())]
            post = text[len(text.rstrip()):]
            text = f"{pre}{mark}{core}{mark}{post}"
        out.append(text)
    return "".join(out)


def _table(block: Table) -> List[str]:
    lines = ["| " + " | ".join(_escape(h) for h in block.header) + " |",
             "|" + "|".join(" --- " for _ in block.header) + "|"]
    for row in block.rows:
        cells = []
        for c in row:
            text = _escape(" ".join(c.text.split()))
            if c.bold and text:
                text = f"**{text}**"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render_markdown(memo: Memo) -> str:
    """Return `memo` as Markdown text."""
    lines: List[str] = [f"**{memo.banner}**", "", f"# {memo.title}", ""]
    for label, value in memo.meta:
        lines.append(f"- **{label}:** {value}")
    lines.append("")
    for block in memo.blocks:
        if isinstance(block, Heading):
            lines += ["#" * min(block.level + 1, 6) + " " + block.text, ""]
        elif isinstance(block, Para):
            lines += [_inline(block), ""]
        elif isinstance(block, Quote):
            lines += [f"> “{block.text}”", ""]
        elif isinstance(block, Bullets):
            lines += [f"- {_inline(item)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            lines += _table(block) + [""]
        elif isinstance(block, Toc):
            heads = [b for b in memo.blocks if isinstance(b, Heading) and b.level == 1]
            lines += [f"**{block.title}**", ""] + [f"- {h.text}" for h in heads] + [""]
        elif isinstance(block, PageBreak):
            continue
    return "\n".join(lines).rstrip() + "\n"
