/**
 * Version of the document schema in shared/: bump it whenever a node or mark type is added, so older
 * clients stop writing. 1: the first schema; 2: adds `meeting_card` (meetings, issue 8);
 * 3: adds `details` and `details_summary` (the minutes' folded transcript, issue 9).
 */
export const SCHEMA_VERSION = 3;
/** Query parameter of the sync URL in which a client announces its schema version (`?schema=1`); absent means 1. */
export const SCHEMA_VERSION_PARAM = "schema";
/** Name of the Y.Map in every document that holds document-level metadata. */
export const META_MAP = "meta";
/** Key in the meta map: the schema version the document was last written with. */
export const SCHEMA_VERSION_KEY = "schemaVersion";
