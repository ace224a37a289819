// Names of the shared Yjs documents (the unit of sharing and access) and what each one holds.
import { ID_PATTERN } from './ids';
import type { Capability } from './permissions';

export type DocumentKind = 'org' | 'invitations' | 'partnership' | 'customer' | 'directory';

export type DocumentRef =
	| { readonly kind: 'org'; readonly orgId: string }
	/** the invitation links an org sent: apart from its org document, which every page needs for
	 * roles and which must stay small (a distributor sends a link per reseller and customer) */
	| { readonly kind: 'invitations'; readonly orgId: string }
	| { readonly kind: 'partnership'; readonly providerId: string; readonly resellerId: string }
	| { readonly kind: 'customer'; readonly customerId: string }
	| { readonly kind: 'directory' };

export const DOCUMENT_KINDS: readonly DocumentKind[] = [
	'org',
	'invitations',
	'partnership',
	'customer',
	'directory'
];

/** The `Y.Array` of events (plain JSON objects) every document has. */
export const LOG_KEY = 'log';

export interface CollaborativePart {
	/** top-level Yjs type name */
	readonly name: string;
	readonly type: 'text' | 'map' | 'array' | 'xml';
	/** what a user needs to edit it (reading follows document access) */
	readonly capability: Capability;
}

/** Free-form parts writers edit live, beside the log. Anything not listed here is refused. */
export const COLLABORATIVE_PARTS: Readonly<Record<DocumentKind, readonly CollaborativePart[]>> = {
	org: [],
	invitations: [],
	partnership: [{ name: 'notes', type: 'text', capability: 'editSharedNotes' }],
	customer: [
		{ name: 'notes', type: 'text', capability: 'editSharedNotes' },
		{ name: 'orderDrafts', type: 'map', capability: 'submitOrders' }
	],
	directory: []
};

export function documentName(ref: DocumentRef): string {
	switch (ref.kind) {
		case 'org':
			return `org/${ref.orgId}`;
		case 'invitations':
			return `invitations/${ref.orgId}`;
		case 'partnership':
			return `partnership/${ref.providerId}/${ref.resellerId}`;
		case 'customer':
			return `customer/${ref.customerId}`;
		case 'directory':
			return 'directory';
	}
}

/** Strict: exactly the names `documentName` produces, ids `[a-z0-9-]{1,64}`; anything else is null. */
export function parseDocumentName(name: string): DocumentRef | null {
	if (typeof name !== 'string') return null;
	if (name === 'directory') return { kind: 'directory' };
	const parts = name.split('/');
	if (!parts.every((part) => ID_PATTERN.test(part))) {
		return null;
	}
	const [kind, a, b] = parts;
	if (parts.length === 2 && kind === 'org' && a) return { kind: 'org', orgId: a };
	if (parts.length === 2 && kind === 'invitations' && a) return { kind: 'invitations', orgId: a };
	if (parts.length === 2 && kind === 'customer' && a) return { kind: 'customer', customerId: a };
	if (parts.length === 3 && kind === 'partnership' && a && b && a !== b) {
		return { kind: 'partnership', providerId: a, resellerId: b };
	}
	return null;
}

export function sameDocument(a: DocumentRef, b: DocumentRef): boolean {
	return documentName(a) === documentName(b);
}
