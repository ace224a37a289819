import { describe, expect, it } from 'vitest';
import {
	COLLABORATIVE_PARTS,
	DOCUMENT_KINDS,
	documentName,
	LOG_KEY,
	parseDocumentName,
	type DocumentRef
} from '$lib/domain/documents';
import { CAPABILITIES } from '$lib/domain/permissions';

const refs: DocumentRef[] = [
	{ kind: 'org', orgId: 'contoso-1' },
	{ kind: 'invitations', orgId: 'contoso-1' },
	{ kind: 'partnership', providerId: 'fabrikam', resellerId: 'contoso-1' },
	{ kind: 'customer', customerId: 'tailspin' },
	{ kind: 'directory' }
];

describe('document names', () => {
	it.each(refs)('round-trips $kind through its name', (ref) => {
		expect(parseDocumentName(documentName(ref))).toEqual(ref);
	});

	it('names documents as DESIGN.md lists them', () => {
		expect(refs.map(documentName)).toEqual([
			'org/contoso-1',
			'invitations/contoso-1',
			'partnership/fabrikam/contoso-1',
			'customer/tailspin',
			'directory'
		]);
	});

	it.each([
		'',
		'org',
		'org/',
		'org/Contoso',
		'org/a/b',
		'org/a_b',
		'org/../x',
		'invitations',
		'invitations/',
		'invitations/a/b',
		'customer/x/',
		'partnership/a',
		'partnership/a/a',
		'partnership/a/b/c',
		'directory/x',
		'/org/a',
		'org/a ',
		`org/${'a'.repeat(65)}`,
		'unknown/a'
	])('refuses %j', (name) => {
		expect(parseDocumentName(name)).toBeNull();
	});

	it('accepts ids of exactly 64 characters', () => {
		expect(parseDocumentName(`org/${'a'.repeat(64)}`)).toEqual({
			kind: 'org',
			orgId: 'a'.repeat(64)
		});
	});

	it('keeps the log under one key and lists editable parts with a real capability', () => {
		expect(LOG_KEY).toBe('log');
		for (const kind of DOCUMENT_KINDS) {
			for (const part of COLLABORATIVE_PARTS[kind]) {
				expect(part.name).not.toBe(LOG_KEY);
				expect(CAPABILITIES).toContain(part.capability);
			}
		}
		expect(COLLABORATIVE_PARTS.customer.map((p) => p.name)).toContain('notes');
	});
});
