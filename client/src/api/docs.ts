import { z } from "zod";
import { DocList, DocSummary } from "@confer/shared";
import { request } from "./http.ts";

const Ok = z.object({ ok: z.literal(true) });

/** Documents the signed-in person can open, most recently edited first. */
export async function listDocs(): Promise<DocSummary[]> {
  return (await request("GET", "/api/docs", DocList)).docs;
}

/** Creates a document owned by the signed-in person. */
export function createDoc(title?: string): Promise<DocSummary> {
  return request("POST", "/api/docs", DocSummary, title === undefined ? {} : { title });
}

/** One document's metadata and the person's role in it; 404 when missing or not shared with them. */
export function getDoc(id: string): Promise<DocSummary> {
  return request("GET", `/api/docs/${encodeURIComponent(id)}`, DocSummary);
}

/** Renames a document (owners and editors). */
export function renameDoc(id: string, title: string): Promise<DocSummary> {
  return request("PATCH", `/api/docs/${encodeURIComponent(id)}`, DocSummary, { title });
}

/** Deletes a document (owner only). */
export async function deleteDoc(id: string): Promise<void> {
  await request("DELETE", `/api/docs/${encodeURIComponent(id)}`, Ok);
}
