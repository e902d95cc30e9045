/**
 * Notion: to-dos come as `ul.to-do-list > li` with a `div.checkbox(-on|-off)` instead of a checkbox,
 * toggles as `<details><summary>` (read as our collapsible block, as Confer's own copies are), callouts
 * as `figure.callout` with an emoji icon. Make tasks of the to-dos and plain blocks of the rest.
 */
export function cleanNotion(root: HTMLElement): void {
  for (const list of root.querySelectorAll("ul.to-do-list")) {
    list.setAttribute("data-type", "tasks");
    for (const item of list.children) {
      if (item.tagName !== "LI") continue;
      const box = item.querySelector(":scope > .checkbox");
      item.setAttribute("data-checked", String(!!box?.classList.contains("checkbox-on")));
      box?.remove();
    }
  }
  for (const callout of root.querySelectorAll("figure.callout")) {
    // The icon is decoration; the text becomes a quote, the closest block we have.
    const quote = root.ownerDocument.createElement("blockquote");
    const parts = [...callout.children];
    const icon = parts[0];
    if (parts.length > 1 && icon && !icon.textContent?.match(/[\p{L}\p{N}]/u)) icon.remove();
    quote.append(...callout.childNodes);
    callout.replaceWith(quote);
  }
}
