// A store from before an org's links had a document of their own: its org document's log holds them.
// At start the server copies them, once per store, into the org's invitations document
// (sync-server/src/invitations/invitations-move.ts), as they were written (same events, same order),
// skipping an org whose invitations document has events already; its org projection passes over
// them, and the links' tokens open again through the lookup API (the index is rebuilt). A later
// restart copies nothing again. The legacy events are written with `registry.appendHistory`, which
// bypasses the door (that refuses links in an org document now), and the store is told it has not
// moved them yet by deleting its 'invitations_moved' mark.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../sync-server/src/accounts/tokens';
import { event, startTestServer, type TestServer } from './harness';

const DAY = 86_400_000;
const TAILWIND_ADMIN = { userId: 'tailwind-admin', orgId: 'tailwind' };
const NORTHWIND_ADMIN = { userId: 'northwind-admin', orgId: 'northwind' };

type Entry = Record<string, unknown> & { id: string; type: string };

function newLink(by: { userId: string; orgId: string }, kind: 'customer' | 'reseller') {
	const token = randomBytes(32).toString('base64url');
	const invitationId = newId();
	const created = event('invitation.created', by, {
		invitationId,
		kind,
		tokenHash: createHash('sha256').update(token).digest('hex'),
		expiresAt: Date.now() + 7 * DAY
	}) as Entry;
	return { token, invitationId, created };
}

async function serverLog(t: TestServer, name: string): Promise<Entry[]> {
	const live = await t.server.registry.get(name);
	if (!live) throw new Error(name);
	await live.idle();
	return live.log.toArray() as Entry[];
}

async function lookup(t: TestServer, token: string): Promise<{ status: number; code?: string }> {
	const response = await fetch(`${t.url}/api/invitations/lookup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ token })
	});
	const body = (await response.json()) as { error?: { code: string } };
	return { status: response.status, ...(body.error ? { code: body.error.code } : {}) };
}

async function listed(t: TestServer, email: string): Promise<string[]> {
	const session = await t.signIn(email);
	const response = await fetch(`${t.url}/api/auth/documents`, {
		headers: { cookie: session.cookie }
	});
	const { documents } = (await response.json()) as { documents: { name: string }[] };
	return documents.map((d) => d.name);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-invitations-move-'));
/** Tailwind's legacy links: one still pending (and addressed), one revoked. */
const pending = newLink(TAILWIND_ADMIN, 'customer');
const revoked = newLink(TAILWIND_ADMIN, 'customer');
/** The org document's log as the old app wrote it: links among its other events. */
const legacy: Entry[] = [
	pending.created,
	event('invitation.addressed', TAILWIND_ADMIN, {
		invitationId: pending.invitationId,
		recipient: 'buyer@fourthcoffee.example'
	}) as Entry,
	event('org.profileUpdated', TAILWIND_ADMIN, {
		support: { email: 'help@tailwind.example' }
	}) as Entry,
	revoked.created,
	event('invitation.revoked', TAILWIND_ADMIN, { invitationId: revoked.invitationId }) as Entry
];
const legacyLinks = legacy.filter((entry) => entry.type.startsWith('invitation.'));
/** A legacy link of Northwind, whose invitations document already has the demo's links. */
const stray = newLink(NORTHWIND_ADMIN, 'reseller');
let northwindLinksBefore: Entry[] = [];
let t: TestServer;

/** Stops the running server and starts another on the same data directory. */
async function restart(): Promise<void> {
	await t.close();
	t = await startTestServer({ dataDir, limits: { invitationAttemptsPerMinute: 100_000 } });
}

beforeAll(async () => {
	t = await startTestServer({ dataDir, limits: { invitationAttemptsPerMinute: 100_000 } });
	const { registry, storage } = t.server;
	// A fresh store moves nothing and is marked moved.
	expect(await storage.meta.get('invitations_moved')).toBe('1');
	expect(await storage.documents.exists('invitations/tailwind')).toBe(false);
	northwindLinksBefore = await serverLog(t, 'invitations/northwind');
	expect(northwindLinksBefore.length).toBeGreaterThan(0);
	// As an old server left them: in the org documents' logs, past the door that refuses them now.
	expect(await registry.appendHistory('org/tailwind', legacy)).toBe(true);
	expect(await registry.appendHistory('org/northwind', [stray.created])).toBe(true);
	await storage.meta.delete('invitations_moved');
	await restart();
}, 60_000);

afterAll(async () => {
	await t.close();
	rmSync(dataDir, { recursive: true, force: true });
});

describe('moving an org document’s links into its invitations document', () => {
	it('copies the link events as they were written, in order, and nothing else', async () => {
		expect(await t.server.storage.meta.get('invitations_moved')).toBe('1');
		const moved = await serverLog(t, 'invitations/tailwind');
		expect(moved.map((entry) => entry.id)).toEqual(legacyLinks.map((entry) => entry.id));
		expect(moved).toEqual(legacyLinks);
		// The org document keeps them as history.
		const orgLog = await serverLog(t, 'org/tailwind');
		expect(orgLog.slice(-legacy.length)).toEqual(legacy);
	});

	it('gives the links their statuses in the invitations projection, and none to the org projection', async () => {
		const links = await t.server.registry.current({ kind: 'invitations', orgId: 'tailwind' });
		if (links?.kind !== 'invitations') throw new Error('no invitations document');
		expect(links.invalid).toEqual([]);
		expect(links.superseded).toEqual([]);
		expect(links.invitations[pending.invitationId]).toMatchObject({
			status: 'pending',
			recipient: 'buyer@fourthcoffee.example'
		});
		expect(links.invitations[revoked.invitationId]).toMatchObject({ status: 'revoked' });

		const org = await t.server.registry.current({ kind: 'org', orgId: 'tailwind' });
		if (org?.kind !== 'org') throw new Error('no org document');
		expect(org).not.toHaveProperty('invitations');
		const ids = new Set(legacyLinks.map((entry) => entry.id));
		// Passed over: neither applied, nor refused, nor malformed.
		expect(org.invalid.filter((entry) => entry.eventId !== null && ids.has(entry.eventId))).toEqual(
			[]
		);
		expect(org.superseded.filter((entry) => ids.has(entry.eventId))).toEqual([]);
		// The other event between them still counts.
		expect(org.org?.support).toMatchObject({ email: 'help@tailwind.example' });
	});

	it('finds the moved links’ tokens again, and lists the document to the org', async () => {
		expect(await lookup(t, pending.token)).toEqual({ status: 200 });
		expect(await lookup(t, revoked.token)).toEqual({ status: 410, code: 'invitation_revoked' });
		expect(await listed(t, 'admin@tailwind.example')).toContain('invitations/tailwind');
		expect(await listed(t, 'admin@contoso.example')).not.toContain('invitations/tailwind');
	});

	it('leaves an invitations document that has events alone', async () => {
		expect(await serverLog(t, 'invitations/northwind')).toEqual(northwindLinksBefore);
		expect(await lookup(t, stray.token)).toEqual({ status: 404, code: 'invitation_not_found' });
	});

	it('copies nothing again on a later restart, even unmarked', async () => {
		const before = await serverLog(t, 'invitations/tailwind');
		await restart();
		expect(await serverLog(t, 'invitations/tailwind')).toEqual(before);
		await t.server.storage.meta.delete('invitations_moved');
		await restart();
		expect(await t.server.storage.meta.get('invitations_moved')).toBe('1');
		expect(await serverLog(t, 'invitations/tailwind')).toEqual(before);
		expect(await serverLog(t, 'invitations/northwind')).toEqual(northwindLinksBefore);
		expect(await lookup(t, pending.token)).toEqual({ status: 200 });
	});
});
