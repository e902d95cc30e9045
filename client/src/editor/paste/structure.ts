/** Tags whose content is text (a line), where a `<br>` is a line break rather than a gap between blocks. */
const TEXT_PARENTS = new Set(["P", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "TD", "TH", "PRE", "BLOCKQUOTE", "SPAN", "A", "B", "I", "EM", "STRONG", "CODE", "S", "U", "DIV"]);

/**
 * Tables: the schema has none, and their cells would run together ("cell Acell B"). Each row becomes
 * a paragraph whose cells are separated by " | "; a header row is bold; a cell holding several
 * paragraphs keeps them on one line.
 */
export function flattenTables(root: HTMLElement): void {
  const doc = root.ownerDocument;
  // Innermost tables first, so a table inside a cell becomes text before its parent row is read.
  const tables = [...root.querySelectorAll("table")].reverse();
  for (const table of tables) {
    const rows = [...table.querySelectorAll("tr")].filter((tr) => tr.closest("table") === table);
    const blocks = rows
      .map((tr) => {
        const cells = [...tr.children].filter((c) => c.tagName === "TD" || c.tagName === "TH");
        if (!cells.length) return undefined;
        const p = doc.createElement("p");
        cells.forEach((cell, i) => {
          if (i > 0) p.append(doc.createTextNode(" | "));
          const holder = cell.tagName === "TH" ? doc.createElement("strong") : doc.createElement("span");
          const lines = [...cell.querySelectorAll("p, div, li, h1, h2, h3, h4, h5, h6")];
          if (lines.length > 1) {
            lines.forEach((line, j) => {
              if (j > 0) holder.append(doc.createTextNode(" "));
              holder.append(...line.childNodes);
            });
          } else {
            holder.append(...(lines[0] ?? cell).childNodes);
          }
          p.append(holder);
        });
        return p;
      })
      .filter((p): p is HTMLParagraphElement => !!p);
    // Google Docs and Word wrap tables in a div of their own: replace that too when it holds only the table.
    const wrapper = table.parentElement && table.parentElement !== root && table.parentElement.children.length === 1 && table.parentElement.tagName === "DIV" ? table.parentElement : table;
    wrapper.replaceWith(...blocks);
  }
}

/**
 * A list directly inside a list (Google Docs nests that way) belongs in the item before it; otherwise
 * it would be lifted out and the indentation lost.
 */
export function nestStrayLists(root: HTMLElement): void {
  for (const list of root.querySelectorAll("ul > ul, ul > ol, ol > ul, ol > ol")) {
    const previous = list.previousElementSibling;
    if (previous?.tagName === "LI") previous.append(list);
  }
}

/**
 * List items written as `[ ] text` or `[x] text` (Markdown, Notion's plain lists) are tasks.
 */
export function tasksFromBrackets(root: HTMLElement): void {
  for (const list of root.querySelectorAll("ul")) {
    const items = [...list.children].filter((c) => c.tagName === "LI");
    if (!items.length || !items.every((li) => /^\s*\[[ xX]\]\s/.test(li.textContent ?? ""))) continue;
    list.setAttribute("data-type", "tasks");
    for (const li of items) {
      const walker = li.ownerDocument.createTreeWalker(li, 4 /* NodeFilter.SHOW_TEXT */);
      let text = walker.nextNode() as Text | null;
      while (text && !text.data.trim()) text = walker.nextNode() as Text | null;
      if (!text) continue;
      const match = /^\s*\[([ xX])\]\s/.exec(text.data);
      if (!match) continue;
      li.setAttribute("data-checked", String(match[1] !== " "));
      text.data = text.data.slice(match[0].length);
    }
  }
}

/** `<br>`s between blocks (Google Docs puts one between paragraphs) would become empty lines: drop them. */
export function dropStrayBreaks(root: HTMLElement): void {
  for (const br of root.querySelectorAll("br")) {
    const parent = br.parentElement;
    if (br.classList.contains("Apple-interchange-newline") || !parent || !TEXT_PARENTS.has(parent.tagName) || parent === root) br.remove();
  }
}
