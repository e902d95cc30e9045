/** The bullet or number Word draws itself in front of a list paragraph, e.g. "1." or "a)" or "·". */
function listMarker(p: Element): string {
  return p.querySelector('[style*="mso-list:Ignore"], [style*="mso-list: Ignore"]')?.textContent?.replace(/\s+/g, "") ?? "";
}

/** The list level of a Word list paragraph (`mso-list:l0 level2 lfo1` → 2), or 0 when it is not one. */
function listLevel(p: Element): number {
  const style = p.getAttribute("style") ?? "";
  const match = /mso-list:\s*l\d+\s+level(\d+)/i.exec(style);
  return match ? Number(match[1]) : 0;
}

/**
 * Microsoft Word: lists are plain paragraphs (`class=MsoListParagraphCxSp…`, `mso-list:l0 level1`)
 * with the bullet drawn as text in a `mso-list:Ignore` span, and every paragraph ends in an empty
 * `<o:p>`. Rebuild real (nested) lists, drop the drawn bullets and the Office-only elements, and read
 * the title styles as headings.
 */
export function cleanWord(root: HTMLElement): void {
  // Office's own elements (<o:p>, <v:shape>, <w:…>) carry nothing a document needs.
  for (const el of root.querySelectorAll("*")) if (el.tagName.includes(":")) el.remove();
  for (const el of root.querySelectorAll("xml, style, meta, link")) el.remove();
  for (const p of root.querySelectorAll("p.MsoTitle")) rename(p, "h1");
  for (const p of root.querySelectorAll("p.MsoSubtitle")) rename(p, "h2");

  const paragraphs = [...root.querySelectorAll("p")].filter((p) => listLevel(p) > 0);
  // The lists being built, innermost last, reset whenever a run of list paragraphs ends.
  let stack: HTMLElement[] = [];
  let previous: Element | null = null;
  for (const p of paragraphs) {
    if (previous === null || p.previousElementSibling !== previous) stack = [];
    previous = p;
    const level = listLevel(p);
    const marker = listMarker(p);
    const ordered = /^[\dA-Za-z]{1,4}[.)]$/.test(marker) && !/^[oO§]$/.test(marker);
    for (const ignored of p.querySelectorAll('[style*="mso-list:Ignore"], [style*="mso-list: Ignore"]')) ignored.remove();
    const item = root.ownerDocument.createElement("li");
    const body = root.ownerDocument.createElement("p");
    body.append(...p.childNodes);
    item.append(body);
    while (stack.length > level) stack.pop();
    while (stack.length < level) {
      const list = root.ownerDocument.createElement(ordered ? "ol" : "ul");
      const parent = stack[stack.length - 1];
      if (parent) (parent.lastElementChild ?? parent).append(list);
      else p.before(list);
      stack.push(list);
    }
    stack[stack.length - 1]!.append(item);
    // The paragraph stays in place (now empty) as the anchor for its successor, then goes.
    p.replaceChildren();
    p.setAttribute("data-word-list-done", "");
  }
  for (const p of root.querySelectorAll("p[data-word-list-done]")) p.remove();
  // Word spaces paragraphs with empty ones (`<p class=MsoNormal><o:p>&nbsp;</o:p></p>`).
  for (const p of root.querySelectorAll("p.MsoNormal")) if (!p.textContent?.replace(/\u00a0/g, " ").trim() && !p.querySelector("img, br")) p.remove();
}

function rename(el: Element, tag: string): void {
  const next = el.ownerDocument.createElement(tag);
  next.append(...el.childNodes);
  el.replaceWith(next);
}
