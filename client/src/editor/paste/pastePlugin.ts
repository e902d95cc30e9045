import { DOMParser as PMDOMParser, Slice, type Schema } from "prosemirror-model";
import { Plugin } from "prosemirror-state";
import { cleanGoogleDocs } from "./googleDocs.ts";
import { cleanNotion } from "./notion.ts";
import { cleanWord } from "./word.ts";
import { dropStrayBreaks, flattenTables, nestStrayLists, tasksFromBrackets } from "./structure.ts";
import { looksLikeMarkdown, markdownToHtml } from "./markdown.ts";

/**
 * Cleans HTML from the clipboard before the schema reads it: the quirks of Google Docs, Word and
 * Notion, then what none of them fit (tables, lists nested directly in lists, `[ ]` tasks, stray
 * line breaks). Returns HTML again.
 */
export function cleanPastedHtml(html: string): string {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const body = doc.body;
  cleanGoogleDocs(body);
  cleanWord(body);
  cleanNotion(body);
  flattenTables(body);
  nestStrayLists(body);
  tasksFromBrackets(body);
  dropStrayBreaks(body);
  return body.innerHTML;
}

/** Reads pasted plain text that looks like Markdown as formatted content; other text is left to ProseMirror. */
export function parseMarkdownText(text: string, schema: Schema): Slice | null {
  if (!looksLikeMarkdown(text)) return null;
  const doc = new DOMParser().parseFromString(cleanPastedHtml(markdownToHtml(text)), "text/html");
  const slice = PMDOMParser.fromSchema(schema).parseSlice(doc.body);
  // Open at both ends, as pasted HTML is, so one line of Markdown goes into the paragraph it lands in.
  return Slice.maxOpen(slice.content, true);
}

/** Paste that does what people expect from Google Docs, Word, Notion and Markdown text. */
export function pastePlugin(): Plugin {
  return new Plugin({
    props: {
      transformPastedHTML: (html) => cleanPastedHtml(html),
      clipboardTextParser: (text, $context, plain, view) => {
        // Inside code, or with Ctrl+Shift+V (paste as plain text), text stays exactly as it is.
        if (plain || $context.parent.type.spec.code) return null as unknown as Slice;
        return parseMarkdownText(text, view.state.schema) ?? (null as unknown as Slice);
      },
    },
  });
}
