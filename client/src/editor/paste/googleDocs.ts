/**
 * Google Docs: everything it copies sits in `<b style="font-weight:normal" id="docs-internal-guid-…">`,
 * which would make the whole paste bold; its formatting lives in inline styles (font-weight:700,
 * font-style:italic), which the schema's parse rules read. Unwrap the guid wrapper and turn its
 * checklist items (`li role=checkbox aria-checked`) into tasks.
 */
export function cleanGoogleDocs(root: HTMLElement): void {
  for (const wrapper of root.querySelectorAll('[id^="docs-internal-guid-"]')) wrapper.replaceWith(...wrapper.childNodes);
  for (const item of root.querySelectorAll('li[role="checkbox"]')) {
    item.setAttribute("data-checked", String(item.getAttribute("aria-checked") === "true"));
    // Docs strikes done items through in their style; that is how it draws them, not formatting.
    item.removeAttribute("style");
    item.parentElement?.setAttribute("data-type", "tasks");
  }
}
