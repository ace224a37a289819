// The channel: one websocket per device (tab) at `/sync` carrying every document, as Hocuspocus
// multiplexes. Every frame starts with a document name (varString); the rest of a document's frame
// is exactly what that document's own socket `/sync/<name>` carries (a y-websocket sync or
// awareness message, or tiertwo's 100/101). A frame whose name is empty is the channel's own:
// a varString of JSON, one of the control messages below. Pure: shared by the app and the server.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** The channel's path; `/sync/<name>` stays the per-document endpoint (the stock client's). */
export const CHANNEL_PATH = '/sync';

/** Longest document name a frame may carry (names are short: `customer/<id>` and the like). */
export const MAX_NAME_LENGTH = 200;

/** Control messages the app sends. */
export type ClientControl =
	/** Open a document, as the upgrade of `/sync/<doc>` would (`ack`: the `?ack=1` parameter). */
	| { readonly type: 'open'; readonly doc: string; readonly ack: boolean }
	/** The app closed its socket of this document (nothing more is sent or answered for it). */
	| { readonly type: 'close'; readonly doc: string }
	/**
	 * The list summaries of these listed documents (at most MAX_SUMMARIES_ASKED): what a device that
	 * does not hold them yet shows in its lists while their documents sync in the background.
	 */
	| { readonly type: 'summaries'; readonly docs: readonly string[] };

/** Control messages the server sends. */
export type ServerControl =
	/** The document is open: as a socket's `open` event. */
	| { readonly type: 'opened'; readonly doc: string }
	/** The document is closed, as its own socket would close (4400, 4401, 4403, 1013, ...). */
	| {
			readonly type: 'closed';
			readonly doc: string;
			readonly code: number;
			readonly reason: string;
	  }
	/**
	 * Every document the signed-in user may open now, with their access: sent when the channel opens
	 * and again whenever it changes (granted, lowered, revoked). Replaces polling the list.
	 */
	| { readonly type: 'documents'; readonly documents: readonly ListedDocument[] }
	/**
	 * Listed documents that changed since the list (or the last notice) was sent: a device that
	 * does not have them open syncs them, the one it holds at that version counts as synced.
	 */
	| { readonly type: 'changed'; readonly documents: readonly DocumentVersion[] }
	/** The answer to `summaries`: one per asked document still listed. */
	| { readonly type: 'summaries'; readonly summaries: readonly DocumentSummary[] };

/** A document's place in its server log: the sequence number of its last stored update. */
export interface DocumentVersion {
	readonly name: string;
	/** 0: nothing stored yet */
	readonly version: number;
	/** the hybrid logical clock of its log's last event ('' for none): most recently changed first */
	readonly changedAt: string;
}

export interface ListedDocument extends DocumentVersion {
	readonly access: 'read' | 'write';
}

/**
 * What a document puts in the lists (`summaryRows`: its Customers list row, its relationships,
 * its partnership row) as of `version`, computed by the server from its projection.
 */
export interface DocumentSummary {
	readonly name: string;
	readonly version: number;
	readonly rows: Readonly<Record<string, readonly object[]>>;
}

/** How many summaries one `summaries` message may ask for. */
export const MAX_SUMMARIES_ASKED = 500;

export type ChannelFrame =
	| { readonly kind: 'doc'; readonly doc: string; readonly message: Uint8Array }
	| { readonly kind: 'control'; readonly control: unknown };

/** A document's message framed for the channel. */
export function encodeDocFrame(doc: string, message: Uint8Array): Uint8Array {
	if (doc.length === 0) throw new RangeError('a document frame needs a name');
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, doc);
	encoding.writeUint8Array(encoder, message);
	return encoding.toUint8Array(encoder);
}

/** A control message framed for the channel. */
export function encodeControl(control: ClientControl | ServerControl): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, '');
	encoding.writeVarString(encoder, JSON.stringify(control));
	return encoding.toUint8Array(encoder);
}

/**
 * Splits a frame into its document and message, or its control message (JSON, still to be checked
 * by its receiver). Throws on a frame that is not one (the receiver treats it as malformed).
 */
export function decodeFrame(frame: Uint8Array): ChannelFrame {
	const decoder = decoding.createDecoder(frame);
	const doc = decoding.readVarString(decoder);
	if (doc.length > MAX_NAME_LENGTH) throw new RangeError('document name too long');
	if (doc.length > 0) {
		return { kind: 'doc', doc, message: frame.subarray(decoder.pos) };
	}
	const control = JSON.parse(decoding.readVarString(decoder)) as unknown;
	if (decoding.hasContent(decoder)) throw new RangeError('trailing bytes after a control message');
	return { kind: 'control', control };
}

function isName(value: unknown): value is string {
	return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_LENGTH;
}

function isVersion(entry: unknown): entry is DocumentVersion {
	if (typeof entry !== 'object' || entry === null) return false;
	const { name, version, changedAt } = entry as Record<string, unknown>;
	return (
		isName(name) &&
		typeof version === 'number' &&
		Number.isSafeInteger(version) &&
		version >= 0 &&
		typeof changedAt === 'string'
	);
}

function isSummary(entry: unknown): entry is DocumentSummary {
	if (typeof entry !== 'object' || entry === null) return false;
	const { name, version, rows } = entry as Record<string, unknown>;
	return (
		isName(name) &&
		typeof version === 'number' &&
		typeof rows === 'object' &&
		rows !== null &&
		Object.values(rows).every(
			(table) => Array.isArray(table) && table.every((row) => typeof row === 'object' && row)
		)
	);
}

/** The app's control message, checked (null: not one; the server closes the channel). */
export function readClientControl(control: unknown): ClientControl | null {
	if (typeof control !== 'object' || control === null) return null;
	const { type, doc, ack, docs } = control as Record<string, unknown>;
	if (type === 'summaries') {
		if (!Array.isArray(docs) || docs.length === 0 || docs.length > MAX_SUMMARIES_ASKED) return null;
		if (!docs.every(isName)) return null;
		return { type, docs: [...new Set(docs as string[])] };
	}
	if (!isName(doc)) return null;
	if (type === 'open' && typeof ack === 'boolean') return { type, doc, ack };
	if (type === 'close') return { type, doc };
	return null;
}

/** The server's control message, checked (null: not one the app knows; it is ignored). */
export function readServerControl(control: unknown): ServerControl | null {
	if (typeof control !== 'object' || control === null) return null;
	const { type, doc, code, reason, documents, summaries } = control as Record<string, unknown>;
	if (type === 'documents' && Array.isArray(documents)) {
		const listed = documents.filter(
			(entry): entry is ListedDocument =>
				isVersion(entry) &&
				((entry as ListedDocument).access === 'read' ||
					(entry as ListedDocument).access === 'write')
		);
		return {
			type,
			documents: listed.map(({ name, access, version, changedAt }) => ({
				name,
				access,
				version,
				changedAt
			}))
		};
	}
	if (type === 'changed' && Array.isArray(documents)) {
		return {
			type,
			documents: documents
				.filter(isVersion)
				.map(({ name, version, changedAt }) => ({ name, version, changedAt }))
		};
	}
	if (type === 'summaries' && Array.isArray(summaries)) {
		return { type, summaries: summaries.filter(isSummary) };
	}
	if (!isName(doc)) return null;
	if (type === 'opened') return { type, doc };
	if (type === 'closed' && typeof code === 'number' && typeof reason === 'string') {
		return { type, doc, code, reason };
	}
	return null;
}
