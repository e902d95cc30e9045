import MarkdownIt from "markdown-it";

// Raw HTML in pasted text stays text (html: false); bare addresses become links.
const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

const BLOCK_SIGNS = [
  /^#{1,6}\s+\S/m, // heading
  /^\s{0,3}```/m, // code fence
  /^\s{0,3}>\s/m, // quote
  /^\s*[-*+]\s+\[[ xX]\]\s/m, // task
  /^\s*[-*+]\s+\S.*\n\s*[-*+]\s+\S/m, // two bullet items
  /^\s*\d+[.)]\s+\S.*\n\s*\d+[.)]\s+\S/m, // two numbered items
  /^\s{0,3}(-{3,}|\*{3,}|_{3,})\s*$/m, // rule
];
const INLINE_SIGNS = [
  /\*\*[^*\n]+\*\*/, // bold
  /(^|[^\w])__[^_\n]+__/,
  /~~[^~\n]+~~/,
  /\[[^\]\n]+\]\([^)\s]+\)/, // link
  /`[^`\n]+`/,
];

/**
 * Whether plain text reads as Markdown rather than prose that happens to hold a `*`: a block-level
 * sign (heading, fence, quote, task, a list of two items, a rule) or an inline one (bold, link, code).
 */
export function looksLikeMarkdown(text: string): boolean {
  return BLOCK_SIGNS.some((re) => re.test(text)) || INLINE_SIGNS.some((re) => re.test(text));
}

/** Markdown to HTML, for the clipboard parser (which then reads it through the schema). */
export function markdownToHtml(text: string): string {
  // Fenced code ends in a newline that would show as an empty last line in the code block.
  return md.render(text).replace(/\n<\/code><\/pre>/g, "</code></pre>");
}
