// Every event type × every role that lacks the capability it needs (generated from EVENT_RULES and
// ROLE_CAPABILITIES, so a new event type, capability or role is covered without editing this file):
// a user holding exactly that one role forges the event over a real socket, in a document where
// they are otherwise a rightful writer, and the server refuses it (4400) and stores nothing. A role
// that gives no capability over that kind of document (reads follow roles) is refused the document
// itself (4403) before it can send anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { DOCUMENT_KINDS, documentName, type DocumentRef } from '../../src/lib/domain/documents';
import {
	EVENT_RULES,
	EVENT_TYPES,
	type EventType,
	type EventWriter
} from '../../src/lib/domain/events';
import { PROGRAM_ORG_ID } from '../../src/lib/domain/ids';
import {
	OTHER_ORG_READERS,
	ROLES,
	ROLE_CAPABILITIES,
	can,
	mayReadDocument,
	type Role
} from '../../src/lib/domain/permissions';
import { hashPassword } from '../../sync-server/src/accounts/passwords';
import { SYSTEM_ACTOR } from '../../sync-server/src/authorize';
import { messageRefused } from '../../sync-server/src/wire-format';
import { SAMPLE_PAYLOADS } from '../unit/flows/samples';
import {
	DEMO_PASSWORD,
	closedWith,
	event,
	startTestServer,
	waitForSync,
	type Session,
	type TestServer
} from './harness';

type Party = 'contoso' | 'northwind' | 'wingtip' | typeof PROGRAM_ORG_ID;

const DOCUMENTS = {
	contosoOrg: { kind: 'org', orgId: 'contoso' },
	contosoInvitations: { kind: 'invitations', orgId: 'contoso' },
	partnership: { kind: 'partnership', providerId: 'northwind', resellerId: 'contoso' },
	wingtip: { kind: 'customer', customerId: 'wingtip' },
	directory: { kind: 'directory' }
} as const satisfies Record<string, DocumentRef>;

/** Who writes an event of this writer kind, and where, when they do have the capability. */
const RIGHTFUL: Record<Exclude<EventWriter, 'system'>, { party: Party; doc: DocumentRef }> = {
	member: { party: 'contoso', doc: DOCUMENTS.contosoOrg },
	reviewer: { party: PROGRAM_ORG_ID, doc: DOCUMENTS.contosoOrg },
	reseller: { party: 'contoso', doc: DOCUMENTS.partnership },
	provider: { party: 'northwind', doc: DOCUMENTS.partnership },
	eitherPartner: { party: 'contoso', doc: DOCUMENTS.partnership },
	customer: { party: 'wingtip', doc: DOCUMENTS.wingtip },
	customerOrReseller: { party: 'contoso', doc: DOCUMENTS.wingtip },
	customerOrPartner: { party: 'contoso', doc: DOCUMENTS.wingtip },
	partner: { party: 'contoso', doc: DOCUMENTS.wingtip },
	program: { party: PROGRAM_ORG_ID, doc: DOCUMENTS.directory }
};

/** Where a rightful writer writes an event that belongs in `kind` (a member: its org's links too). */
function rightful(
	writer: Exclude<EventWriter, 'system'>,
	kind: DocumentRef['kind']
): { party: Party; doc: DocumentRef } {
	if (writer === 'member' && kind === 'invitations') {
		return { party: 'contoso', doc: DOCUMENTS.contosoInvitations };
	}
	return RIGHTFUL[writer];
}

/** System events: a user of an org that can open a document of that kind tries to write one. */
const SYSTEM_FORGER: Record<DocumentRef['kind'], { party: Party; doc: DocumentRef }> = {
	org: { party: 'contoso', doc: DOCUMENTS.contosoOrg },
	invitations: { party: 'contoso', doc: DOCUMENTS.contosoInvitations },
	partnership: { party: 'contoso', doc: DOCUMENTS.partnership },
	customer: { party: 'wingtip', doc: DOCUMENTS.wingtip },
	directory: { party: PROGRAM_ORG_ID, doc: DOCUMENTS.directory }
};

interface ForgeryCase {
	type: EventType;
	role: Role;
	party: Party;
	doc: DocumentRef;
	code: 'error_missing_capability' | 'error_system_only' | 'sync_document_forbidden';
}

/** Whether a user of `party` holding only `role` may open `doc` at all (reads follow roles). */
function opens(role: Role, party: Party, doc: DocumentRef): boolean {
	if (!mayReadDocument([role], doc.kind)) return false;
	if (doc.kind === 'org' && doc.orgId !== party) {
		return OTHER_ORG_READERS.program.some((capability) => can([role], capability));
	}
	return true;
}

const CASES: ForgeryCase[] = EVENT_TYPES.flatMap((type) => {
	const rule = EVENT_RULES[type];
	const where =
		rule.writer === 'system' ? SYSTEM_FORGER[rule.document] : rightful(rule.writer, rule.document);
	const capability = rule.capability;
	return ROLES.filter(
		(role) => capability === 'system' || !ROLE_CAPABILITIES[role].includes(capability)
	).map((role) => ({
		type,
		role,
		...where,
		code: !opens(role, where.party, where.doc)
			? 'sync_document_forbidden'
			: capability === 'system'
				? 'error_system_only'
				: 'error_missing_capability'
	}));
});

const userIdOf = (party: Party, role: Role) => `${party}-only-${role.toLowerCase()}`;
const emailOf = (party: Party, role: Role) => `only-${role.toLowerCase()}@${party}.example`;

const SYSTEM = { userId: SYSTEM_ACTOR.userId, orgId: SYSTEM_ACTOR.orgId };

let t: TestServer;
const sessions = new Map<string, Session>();

beforeAll(async () => {
	t = await startTestServer();
	// One user per (org, role) holding exactly that role, added and activated as the server would.
	const hash = await hashPassword(DEMO_PASSWORD, 10);
	const parties = [...new Set(CASES.map((c) => c.party))];
	for (const party of parties) {
		const name = documentName({ kind: 'org', orgId: party });
		for (const role of ROLES) {
			const userId = userIdOf(party, role);
			const added = await t.server.registry.appendEvents(
				name,
				[
					event('user.added', SYSTEM, {
						userId,
						email: emailOf(party, role),
						fullName: `Only ${role}`,
						roles: [role],
						temporaryPassword: { hash, expiresAt: Date.now() + 86_400_000 }
					}),
					event('user.passwordChanged', SYSTEM, { userId })
				],
				SYSTEM_ACTOR
			);
			expect(added.ok, `${userId}: ${JSON.stringify(added)}`).toBe(true);
		}
	}
	for (const party of parties) {
		for (const role of ROLES) {
			sessions.set(userIdOf(party, role), await t.signIn(emailOf(party, role)));
		}
	}
}, 60_000);

afterAll(async () => {
	await t.close();
});

describe('forged events', () => {
	it('covers every event type, and every capability some role lacks', () => {
		const covered = new Set(CASES.map((c) => c.type));
		expect([...covered].sort()).toEqual([...EVENT_TYPES].sort());
		for (const type of EVENT_TYPES) {
			const capability = EVENT_RULES[type].capability;
			if (capability === 'system') continue;
			expect(CASES.some((c) => c.type === type && c.role !== 'globalAdmin')).toBe(true);
		}
		// every kind of document has events forged in it
		expect([...new Set(CASES.map((c) => c.doc.kind))].sort()).toEqual([...DOCUMENT_KINDS].sort());
	});

	it.each(CASES)(
		'refuses $type forged by a $role of $party ($code) and stores nothing',
		async ({ type, role, party, doc, code }) => {
			const name = documentName(doc);
			const userId = userIdOf(party, role);
			const session = sessions.get(userId);
			if (!session) throw new Error(userId);
			const before = (await t.server.registry.get(name))?.log.toArray() ?? [];
			const ydoc = new Y.Doc();
			const provider = t.provider(name, session, ydoc);
			try {
				const refusals: unknown[] = [];
				provider.messageHandlers[messageRefused] = (_encoder, decoder) => {
					refusals.push(JSON.parse(decoding.readVarString(decoder)));
				};
				if (code === 'sync_document_forbidden') {
					// Not even opened: nothing was sent, nothing could be written.
					expect(await closedWith(provider)).toEqual({ code: 4403, reason: code });
					expect(ydoc.getArray('log').length).toBe(0);
					expect((await t.server.registry.get(name))?.log.toArray() ?? []).toEqual(before);
					return;
				}
				await waitForSync(provider);
				const closed = closedWith(provider);
				const forged = event(
					type,
					{ userId, orgId: party },
					SAMPLE_PAYLOADS[type] as Record<string, unknown>
				);
				ydoc.getArray('log').push([forged]);
				expect(await closed).toEqual({ code: 4400, reason: code });
				expect(refusals).toEqual([{ code, eventIds: [forged.id] }]);
				const live = await t.server.registry.get(name);
				await live?.idle();
				expect(live?.log.toArray()).toEqual(before);
			} finally {
				provider.destroy();
				ydoc.destroy();
			}
		}
	);
});
