// Invitation links end to end on a real server: a provider creates one through Yjs, a reseller looks
// it up and redeems it over HTTP, authorizes through Yjs; closed, guessed and malformed links,
// the wrong org or role, rate limits; forged authorizations; admin access removal and the end of a
// partnership taking the provider's access away on the sync connection.
import Database from 'better-sqlite3';
import * as decoding from 'lib0/decoding';
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { newId } from '../../sync-server/src/accounts/tokens';
import { SYSTEM_ACTOR } from '../../sync-server/src/authorize';
import { messageRefused } from '../../sync-server/src/wire-format';
import { MESSAGE_ACK, readAck } from '../../src/lib/protocol/sync-messages';
import {
	closedWith,
	event,
	startTestServer,
	waitFor,
	waitForAsync,
	waitForSync,
	type Session,
	type TestServer
} from './harness';

const NORTHWIND_ADMIN = { userId: 'northwind-admin', orgId: 'northwind' };
const FABRIKAM_ADMIN = { userId: 'fabrikam-admin', orgId: 'fabrikam' };
const CONTOSO_ADMIN = { userId: 'contoso-admin', orgId: 'contoso' };
const CONTOSO_SALES = { userId: 'contoso-sales', orgId: 'contoso' };
const ADATUM_ADMIN = { userId: 'adatum-admin', orgId: 'adatum' };
const DAY = 86_400_000;

interface ApiAnswer {
	status: number;
	body: Record<string, unknown> & { error?: { code: string; retryAfterSeconds?: number } };
	headers: Headers;
}

/** A link token as the app makes it, and the hash its event carries. */
function newLinkToken(): { token: string; tokenHash: string } {
	const token = randomBytes(32).toString('base64url');
	return { token, tokenHash: createHash('sha256').update(token).digest('hex') };
}

function harnessFor(t: () => TestServer) {
	const sessions = new Map<string, Session>();
	async function sessionOf(email: string): Promise<Session> {
		let session = sessions.get(email);
		if (!session) sessions.set(email, (session = await t().signIn(email)));
		return session;
	}

	async function post(
		route: 'lookup' | 'redeem',
		body: unknown,
		options: { email?: string; raw?: string; headers?: Record<string, string> } = {}
	): Promise<ApiAnswer> {
		const headers: Record<string, string> = {
			'content-type': 'application/json',
			...options.headers
		};
		if (options.email) headers.cookie = (await sessionOf(options.email)).cookie;
		const response = await fetch(`${t().url}/api/invitations/${route}`, {
			method: 'POST',
			headers,
			body: options.raw ?? JSON.stringify(body)
		});
		const text = await response.text();
		return {
			status: response.status,
			body: text ? (JSON.parse(text) as ApiAnswer['body']) : {},
			headers: response.headers
		};
	}

	async function connected(email: string, name: string) {
		const doc = new Y.Doc();
		const provider = t().provider(name, await sessionOf(email), doc);
		await waitForSync(provider);
		return { provider, doc, log: doc.getArray<Record<string, unknown>>('log') };
	}

	/** Waits until the server holds (durably, and has indexed) an event a client appended. */
	async function serverHas(name: string, eventId: string): Promise<void> {
		const live = await t().server.registry.get(name);
		if (!live) throw new Error(name);
		await waitFor(
			() => live.log.toArray().some((e) => (e as { id?: string }).id === eventId),
			5000,
			`${eventId} in ${name}`
		);
		await live.idle();
	}

	async function serverLog(name: string): Promise<Record<string, unknown>[]> {
		const live = await t().server.registry.get(name);
		if (!live) throw new Error(name);
		await live.idle();
		return live.log.toArray() as Record<string, unknown>[];
	}

	/** An invitation created through a real Yjs connection of the inviting org's admin. */
	async function invite(
		by: { userId: string; orgId: string } = NORTHWIND_ADMIN,
		options: { expiresAt?: number; kind?: 'reseller' | 'customer' } = {}
	) {
		const { token, tokenHash } = newLinkToken();
		const invitationId = newId();
		const admin = await connected(`admin@${by.orgId}.example`, `invitations/${by.orgId}`);
		const created = event('invitation.created', by, {
			invitationId,
			kind: options.kind ?? 'reseller',
			tokenHash,
			expiresAt: options.expiresAt ?? Date.now() + 7 * DAY
		});
		admin.log.push([created]);
		await serverHas(`invitations/${by.orgId}`, created.id as string);
		admin.provider.destroy();
		return { token, invitationId };
	}

	async function documentsOf(email: string): Promise<{ name: string; access: string }[]> {
		const response = await fetch(`${t().url}/api/auth/documents`, {
			headers: { cookie: (await sessionOf(email)).cookie }
		});
		expect(response.status).toBe(200);
		return (
			(await response.json()) as { documents: { name: string; access: string }[] }
		).documents.map(({ name, access }) => ({ name, access }));
	}

	return { sessionOf, post, connected, serverHas, serverLog, invite, documentsOf };
}

/** Captures the refusal message (type 100) the stock client would otherwise ignore. */
function captureRefusal(provider: WebsocketProvider): { code: string; eventIds: string[] }[] {
	const seen: { code: string; eventIds: string[] }[] = [];
	provider.messageHandlers[messageRefused] = (_encoder, decoder) => {
		seen.push(JSON.parse(decoding.readVarString(decoder)) as { code: string; eventIds: string[] });
	};
	return seen;
}

let server: TestServer;
const h = harnessFor(() => server);

beforeAll(async () => {
	server = await startTestServer({ limits: { invitationAttemptsPerMinute: 100_000 } });
});
afterAll(async () => {
	await server.close();
});

describe('a provider invites a reseller', () => {
	it('looks the link up without sign-in, redeems it, and the reseller authorizes the provider', async () => {
		const { token, invitationId } = await h.invite();

		const lookup = await h.post('lookup', { token });
		expect(lookup.status).toBe(200);
		expect(lookup.body).toEqual({
			invitationId,
			kind: 'reseller',
			from: { orgId: 'northwind', name: 'Northwind Distribution', orgKind: 'indirectProvider' },
			provider: null,
			expiresAt: expect.any(Number),
			status: 'pending'
		});
		expect(lookup.headers.get('cache-control')).toBe('no-store');
		expect(lookup.headers.get('referrer-policy')).toBe('no-referrer');

		const redeem = await h.post('redeem', { token }, { email: 'admin@adatum.example' });
		expect(redeem.status).toBe(200);
		expect(redeem.body).toEqual({
			document: 'partnership/northwind/adatum',
			providerId: 'northwind',
			resellerId: 'adatum'
		});
		expect(redeem.headers.get('cache-control')).toBe('no-store');
		expect(redeem.headers.get('referrer-policy')).toBe('no-referrer');

		// The app can open the partnership right away, on both sides.
		expect(await h.documentsOf('admin@adatum.example')).toContainEqual({
			name: 'partnership/northwind/adatum',
			access: 'write'
		});
		expect(await h.documentsOf('admin@northwind.example')).toContainEqual({
			name: 'partnership/northwind/adatum',
			access: 'write'
		});

		// The server wrote its two events, once each.
		const linksLog = await h.serverLog('invitations/northwind');
		expect(
			linksLog.filter(
				(e) =>
					e.type === 'invitation.redeemed' &&
					(e.payload as { invitationId: string }).invitationId === invitationId
			)
		).toEqual([
			expect.objectContaining({
				by: { userId: 'system', orgId: 'program' },
				payload: { invitationId, orgId: 'adatum' }
			})
		]);
		const partnershipLog = await h.serverLog('partnership/northwind/adatum');
		expect(partnershipLog).toEqual([
			expect.objectContaining({
				type: 'partnership.invited',
				// Both names: the provider cannot read Adatum's org document before it authorizes.
				payload: {
					invitationId,
					expiresAt: lookup.body.expiresAt,
					providerName: 'Northwind Distribution',
					resellerName: 'Adatum Solutions'
				}
			})
		]);

		// Single use.
		expect((await h.post('lookup', { token })).body.error?.code).toBe('invitation_used');
		const again = await h.post('redeem', { token }, { email: 'admin@adatum.example' });
		expect([again.status, again.body.error?.code]).toEqual([410, 'invitation_used']);

		// Before authorizing, the provider has no access to the reseller's org document.
		const early = openStock('admin@northwind.example', 'org/adatum');
		const earlyProvider = await early;
		expect(await closedWith(earlyProvider)).toEqual({
			code: 4403,
			reason: 'sync_document_forbidden'
		});
		earlyProvider.destroy();

		const provider = await h.connected('admin@northwind.example', 'partnership/northwind/adatum');
		const reseller = await h.connected('admin@adatum.example', 'partnership/northwind/adatum');
		const authorized = event('partnership.authorized', ADATUM_ADMIN, { acknowledged: true });
		reseller.log.push([authorized]);
		await waitFor(() => provider.log.toArray().some((e) => e.id === authorized.id));
		await h.serverHas('partnership/northwind/adatum', authorized.id as string);
		const state = (await server.server.registry.get('partnership/northwind/adatum'))?.projector
			.state;
		expect(state?.kind === 'partnership' && state.partnership).toMatchObject({
			status: 'authorized',
			adminAccess: true
		});
		expect(await h.documentsOf('admin@northwind.example')).toContainEqual({
			name: 'org/adatum',
			access: 'read'
		});
		const adminView = await h.connected('admin@northwind.example', 'org/adatum');
		expect(adminView.log.length).toBeGreaterThan(0);
		provider.provider.destroy();
		reseller.provider.destroy();
		adminView.provider.destroy();
	});

	it('lets only one of two simultaneous redemptions through', async () => {
		const { token, invitationId } = await h.invite(FABRIKAM_ADMIN);
		// Straight to the service, so both pass the first check before either writes.
		const viewer = { userId: 'contoso-admin', orgId: 'contoso' };
		const answers = await Promise.all([
			server.server.invitations.redeem('test', token, viewer),
			server.server.invitations.redeem('test', token, viewer)
		]);
		expect(answers.map((a) => (a.ok ? 'ok' : a.code)).sort()).toEqual(['invitation_used', 'ok']);
		const redeemed = (await h.serverLog('invitations/fabrikam')).filter(
			(e) =>
				e.type === 'invitation.redeemed' &&
				(e.payload as { invitationId: string }).invitationId === invitationId
		);
		expect(redeemed).toHaveLength(1);
		expect(await h.serverLog('partnership/fabrikam/contoso')).toHaveLength(1);
	});
});

/** A stock client that is expected to be refused (await closedWith on it). */
async function openStock(email: string, name: string): Promise<WebsocketProvider> {
	return server.provider(name, await h.sessionOf(email), new Y.Doc());
}

describe('links that cannot be used', () => {
	it('refuses an expired link, and writes nothing', async () => {
		const { token, invitationId } = await h.invite(NORTHWIND_ADMIN, {
			expiresAt: Date.now() + 300
		});
		await new Promise((resolve) => setTimeout(resolve, 400));
		const lookup = await h.post('lookup', { token });
		expect([lookup.status, lookup.body.error?.code]).toEqual([410, 'invitation_expired']);
		const redeem = await h.post('redeem', { token }, { email: 'admin@adatum.example' });
		expect([redeem.status, redeem.body.error?.code]).toEqual([410, 'invitation_expired']);
		const written = (await h.serverLog('invitations/northwind')).filter(
			(e) =>
				e.type === 'invitation.redeemed' &&
				(e.payload as { invitationId: string }).invitationId === invitationId
		);
		expect(written).toEqual([]);
	});

	it('finds a link on every process the moment the acknowledgement that covers it arrives', async () => {
		// connect.e2e.ts saw an acknowledged expired link looked up as "not found". The server also
		// acknowledges a client's answer to sync step 1, after `sync`: only an ack whose vector holds
		// the edit's clock says it was stored. And the index is written after the update is durable:
		// here every write to it is slowed, so a process that acknowledged before its index entry
		// was stored leaves the other processes of a cluster (they read the shared store) without it.
		const restore = server.servers.map((running) => {
			const tokens = running.storage.invitationTokens;
			const put = tokens.put.bind(tokens);
			tokens.put = async (...args) => {
				await new Promise((resolve) => setTimeout(resolve, 300));
				return put(...args);
			};
			return () => {
				tokens.put = put;
			};
		});
		try {
			const { token, tokenHash } = newLinkToken();
			const invitationId = newId();
			const doc = new Y.Doc();
			const acks: Map<number, number>[] = [];
			const provider = server.provider(
				'invitations/northwind',
				await h.sessionOf('admin@northwind.example'),
				doc,
				undefined,
				{ ack: '1' }
			);
			provider.messageHandlers[MESSAGE_ACK] = (_encoder, decoder) => {
				acks.push(readAck(decoder));
			};
			await waitForSync(provider);
			await waitFor(() => acks.length > 0, 5000, 'the ack of the sync answer');
			// That ack covers nothing of this client: it is no acknowledgement of an edit.
			expect(acks.every((vector) => !vector.has(doc.clientID))).toBe(true);
			doc.getArray('log').push([
				event('invitation.created', NORTHWIND_ADMIN, {
					invitationId,
					kind: 'reseller',
					tokenHash,
					expiresAt: Date.now() - 1_000
				})
			]);
			const clock = Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0;
			await waitFor(
				() => acks.some((vector) => (vector.get(doc.clientID) ?? 0) >= clock),
				5000,
				'the ack that covers the invitation'
			);
			provider.destroy();
			// Stored in the index the lookups of every process read, not only queued to be.
			for (const running of server.servers) {
				expect(await running.storage.invitationTokens.find(tokenHash, 4)).toEqual([
					{ orgId: 'northwind', invitationId }
				]);
			}
			for (const running of server.servers) {
				const response = await fetch(`${running.url}/api/invitations/lookup`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ token })
				});
				const body = (await response.json()) as { error?: { code: string } };
				expect([response.status, body.error?.code]).toEqual([410, 'invitation_expired']);
			}
		} finally {
			for (const undo of restore) undo();
		}
	});

	it('refuses a revoked link', async () => {
		const { token, invitationId } = await h.invite();
		const admin = await h.connected('admin@northwind.example', 'invitations/northwind');
		const revoked = event('invitation.revoked', NORTHWIND_ADMIN, { invitationId });
		admin.log.push([revoked]);
		await h.serverHas('invitations/northwind', revoked.id as string);
		admin.provider.destroy();
		const lookup = await h.post('lookup', { token });
		expect([lookup.status, lookup.body.error?.code]).toEqual([410, 'invitation_revoked']);
		const redeem = await h.post('redeem', { token }, { email: 'admin@adatum.example' });
		expect([redeem.status, redeem.body.error?.code]).toEqual([410, 'invitation_revoked']);
	});

	it('answers a guessed link as not found, the same as one that has not synced yet', async () => {
		const guessed = await h.post('lookup', { token: newLinkToken().token });
		expect([guessed.status, guessed.body.error?.code]).toEqual([404, 'invitation_not_found']);
		const redeem = await h.post(
			'redeem',
			{ token: newLinkToken().token },
			{ email: 'admin@adatum.example' }
		);
		expect([redeem.status, redeem.body.error?.code]).toEqual([404, 'invitation_not_found']);
	});

	it('refuses malformed tokens', async () => {
		for (const token of ['short', 'x'.repeat(129), 'has spaces in it and more than 22', 42, null]) {
			const answer = await h.post('lookup', { token });
			expect([answer.status, answer.body.error?.code]).toEqual([400, 'invitation_token_invalid']);
		}
		const missing = await h.post('lookup', {});
		expect(missing.body.error?.code).toBe('invitation_token_invalid');
	});

	it('reads lookup and redeem bodies by their contract, refusing any other before the link is used', async () => {
		const { token } = await h.invite();
		const malformed = { code: 'auth_bad_request', message: 'The request is malformed.' };
		for (const body of [
			{ token, answer: 'accept' },
			{ token, extra: true }
		]) {
			const answer = await h.post('lookup', body);
			expect([answer.status, answer.body.error]).toEqual([400, malformed]);
		}
		const adatum = { email: 'admin@adatum.example' };
		const extra = await h.post('redeem', { token, by: 'adatum' }, adatum);
		expect([extra.status, extra.body.error]).toEqual([400, malformed]);
		const maybe = await h.post('redeem', { token, answer: 'maybe' }, adatum);
		expect([maybe.status, maybe.body.error]).toEqual([
			400,
			{
				code: 'invitation_answer_required',
				message: 'Say whether you accept or decline the invitation.'
			}
		]);
		const mangled = await h.post('redeem', { token: 42 }, adatum);
		expect([mangled.status, mangled.body.error]).toEqual([
			400,
			{ code: 'invitation_token_invalid', message: 'This is not a valid invitation link.' }
		]);
		// Sign-in is asked for before the body is read by its contract, as before.
		expect((await h.post('redeem', { token: 42 })).status).toBe(401);
		// None of them used the link.
		expect((await h.post('lookup', { token })).status).toBe(200);
	});

	it('refuses an organization of the wrong kind, and one redeeming its own link', async () => {
		const { token } = await h.invite();
		for (const email of [
			'admin@fabrikam.example',
			'admin@wingtip.example',
			'admin@northwind.example',
			'admin@program.example'
		]) {
			const answer = await h.post('redeem', { token }, { email });
			expect([email, answer.status, answer.body.error?.code]).toEqual([
				email,
				403,
				'invitation_wrong_org_kind'
			]);
		}
		// The link is still good for a reseller.
		expect((await h.post('lookup', { token })).status).toBe(200);
	});

	it('refuses a reseller user who may not manage partnerships', async () => {
		const { token } = await h.invite(FABRIKAM_ADMIN);
		const answer = await h.post('redeem', { token }, { email: 'sales@contoso.example' });
		expect([answer.status, answer.body.error?.code]).toEqual([
			403,
			'invitation_capability_missing'
		]);
	});

	it('refuses a reseller already partnered with the provider', async () => {
		const { token } = await h.invite();
		const answer = await h.post('redeem', { token }, { email: 'admin@contoso.example' });
		expect([answer.status, answer.body.error?.code]).toEqual([409, 'invitation_already_partnered']);
	});

	it('refuses a customer link opened by a reseller', async () => {
		const { token } = await h.invite(CONTOSO_ADMIN, { kind: 'customer' });
		const lookup = await h.post('lookup', { token });
		expect(lookup.body).toMatchObject({ kind: 'customer', from: { orgId: 'contoso' } });
		const answer = await h.post(
			'redeem',
			{ token, answer: 'accept' },
			{ email: 'admin@adatum.example' }
		);
		expect([answer.status, answer.body.error?.code]).toEqual([403, 'invitation_wrong_org_kind']);
	});

	it('asks for sign-in before redeeming', async () => {
		const { token } = await h.invite();
		const answer = await h.post('redeem', { token });
		expect([answer.status, answer.body.error?.code]).toEqual([401, 'auth_not_signed_in']);
	});

	it('asks a user with a temporary password to change it first, leaving the link unused', async () => {
		const { token } = await h.invite();
		// What an admin's device does for a new user: PBKDF2 of a temporary password.
		const temporary = 'Temp-Passw0rd-456';
		const salt = randomBytes(16);
		const key = pbkdf2Sync(temporary, salt, 600_000, 32, 'sha256');
		const hash = `pbkdf2-sha256$600000$${salt.toString('base64url')}$${key.toString('base64url')}`;
		const admin = await h.connected('admin@adatum.example', 'org/adatum');
		admin.log.push([
			event('user.added', ADATUM_ADMIN, {
				userId: 'adatum-agent',
				email: 'agent@adatum.example',
				fullName: 'New Agent',
				roles: ['adminAgent'],
				temporaryPassword: { hash, expiresAt: Date.now() + 7 * DAY }
			})
		]);
		await waitForAsync(
			async () => (await server.server.accounts.store.byId('adatum-agent')) !== undefined
		);
		admin.provider.destroy();
		const session = await server.signIn('agent@adatum.example', temporary);
		const response = await fetch(`${server.url}/api/invitations/redeem`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: session.cookie },
			body: JSON.stringify({ token })
		});
		expect(response.status).toBe(403);
		expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
			'auth_password_change_required'
		);
		expect((await h.post('lookup', { token })).status).toBe(200);
	});

	it('refuses a link whose hash another org copied into its own invitation', async () => {
		// 256-bit hashes never collide by chance: a copy is an org trying to take over someone's link.
		const { token, tokenHash } = newLinkToken();
		for (const by of [NORTHWIND_ADMIN, FABRIKAM_ADMIN]) {
			const admin = await h.connected(`admin@${by.orgId}.example`, `invitations/${by.orgId}`);
			const created = event('invitation.created', by, {
				invitationId: newId(),
				kind: 'reseller',
				tokenHash,
				expiresAt: Date.now() + DAY
			});
			admin.log.push([created]);
			await h.serverHas(`invitations/${by.orgId}`, created.id as string);
			admin.provider.destroy();
		}
		const lookup = await h.post('lookup', { token });
		expect([lookup.status, lookup.body.error?.code]).toEqual([404, 'invitation_not_found']);
		const redeem = await h.post('redeem', { token }, { email: 'admin@adatum.example' });
		expect(redeem.status).toBe(404);
	});

	it('answers unreadable requests with 400 and keeps serving', async () => {
		const bodies = ['not json', '[1,2]', '"token"', '{"token":', 'x'.repeat(64 * 1024)];
		for (const raw of bodies) {
			const answer = await h.post('lookup', null, { raw });
			expect([answer.status, answer.body.error?.code]).toEqual([400, 'auth_bad_request']);
		}
		const wrongType = await h.post('redeem', null, {
			raw: 'token=abc',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			email: 'admin@adatum.example'
		});
		expect(wrongType.status).toBe(400);
		const health = await fetch(`${server.url}/health`);
		expect(health.status).toBe(200);
	});

	it('refuses a request from a foreign origin', async () => {
		const answer = await h.post(
			'lookup',
			{ token: newLinkToken().token },
			{ headers: { origin: 'https://evil.example' } }
		);
		expect([answer.status, answer.body.error?.code]).toEqual([403, 'auth_origin_refused']);
	});
});

describe('forged partnership events', () => {
	let document: string;
	let invitationId: string;

	beforeAll(async () => {
		// Fabrikam invites Contoso; Contoso's admin redeems: the partnership waits for authorization.
		const invited = await h.invite(FABRIKAM_ADMIN);
		const redeem = await h.post(
			'redeem',
			{ token: invited.token },
			{ email: 'admin@contoso.example' }
		);
		expect(redeem.status).toBe(200);
		document = redeem.body.document as string;
		invitationId = invited.invitationId;
		// The simultaneous-redemption test may have opened it already with another invitation.
		expect(document).toBe('partnership/fabrikam/contoso');
	});

	async function expectRefused(
		email: string,
		name: string,
		forged: Record<string, unknown>,
		code: string
	): Promise<void> {
		const before = await h.serverLog(name);
		const actor = await h.connected(email, name);
		const refusals = captureRefusal(actor.provider);
		const closed = closedWith(actor.provider);
		actor.log.push([forged]);
		expect(await closed).toEqual({ code: 4400, reason: code });
		expect(refusals).toEqual([{ code, eventIds: [forged.id] }]);
		actor.provider.destroy();
		expect(await h.serverLog(name)).toEqual(before);
		// Nothing was stored: a fresh load has exactly what was there before.
		await server.server.registry.unloadIdle(true);
		expect(await h.serverLog(name)).toEqual(before);
	}

	it('refuses an authorization written by the provider’s user', async () => {
		await expectRefused(
			'admin@fabrikam.example',
			document,
			event('partnership.authorized', FABRIKAM_ADMIN, { acknowledged: true }),
			'error_not_a_party'
		);
	});

	it('refuses an authorization by a reseller user without the role for it', async () => {
		await expectRefused(
			'sales@contoso.example',
			document,
			event('partnership.authorized', CONTOSO_SALES, { acknowledged: true }),
			'error_missing_capability'
		);
	});

	it('refuses an authorization naming another user than the connection’s', async () => {
		await expectRefused(
			'sales@contoso.example',
			document,
			event('partnership.authorized', CONTOSO_ADMIN, { acknowledged: true }),
			'error_author_mismatch'
		);
	});

	it('keeps a third org out of the partnership, and refuses its authorization elsewhere', async () => {
		const outsider = await openStock('admin@adatum.example', document);
		expect(await closedWith(outsider)).toEqual({ code: 4403, reason: 'sync_document_forbidden' });
		outsider.destroy();
		await expectRefused(
			'admin@adatum.example',
			'partnership/northwind/adatum',
			event(
				'partnership.authorized',
				{ userId: 'adatum-admin', orgId: 'contoso' },
				{
					acknowledged: true
				}
			),
			'error_author_mismatch'
		);
		await expectRefused(
			'admin@adatum.example',
			'org/adatum',
			event('partnership.authorized', ADATUM_ADMIN, { acknowledged: true }),
			'error_wrong_document'
		);
	});

	it('refuses system events from any user', async () => {
		await expectRefused(
			'admin@contoso.example',
			document,
			event('partnership.invited', CONTOSO_ADMIN, {
				invitationId,
				expiresAt: Date.now() + DAY
			}),
			'error_system_only'
		);
		const state = (await server.server.registry.get(document))?.projector.state;
		expect(state?.kind === 'partnership' && state.partnership.status).toBe('invited');
	});
});

describe('the reseller takes access back', () => {
	it('closes the provider’s view of the org document when admin access is removed', async () => {
		// Northwind and Adatum were connected by the first test.
		const providerView = await h.connected('admin@northwind.example', 'org/adatum');
		const closed = closedWith(providerView.provider);
		const reseller = await h.connected('admin@adatum.example', 'partnership/northwind/adatum');
		const removed = event('partnership.adminAccessRemoved', ADATUM_ADMIN, {});
		reseller.log.push([removed]);
		expect(await closed).toEqual({ code: 4403, reason: 'sync_access_revoked' });
		const documents = await h.documentsOf('admin@northwind.example');
		expect(documents.map((d) => d.name)).not.toContain('org/adatum');
		// The partnership itself stays.
		expect(documents).toContainEqual({ name: 'partnership/northwind/adatum', access: 'write' });
		const again = await openStock('admin@northwind.example', 'org/adatum');
		expect(await closedWith(again)).toEqual({ code: 4403, reason: 'sync_document_forbidden' });
		again.destroy();
		providerView.provider.destroy();
		reseller.provider.destroy();
	});

	it('leaves both sides a read-only partnership and the provider no org document once ended', async () => {
		// Contoso authorized Northwind in the demo workspace: Northwind reads Contoso's org document.
		const providerView = await h.connected('admin@northwind.example', 'org/contoso');
		const orgClosed = closedWith(providerView.provider);
		const provider = await h.connected('admin@northwind.example', 'partnership/northwind/contoso');
		const reseller = await h.connected('admin@contoso.example', 'partnership/northwind/contoso');
		const ended = event('partnership.ended', CONTOSO_ADMIN, {});
		reseller.log.push([ended]);
		expect(await orgClosed).toEqual({ code: 4403, reason: 'sync_access_revoked' });
		await waitFor(() => provider.log.toArray().some((e) => e.id === ended.id));

		for (const email of ['admin@northwind.example', 'admin@contoso.example']) {
			const documents = await h.documentsOf(email);
			expect(documents).toContainEqual({ name: 'partnership/northwind/contoso', access: 'read' });
		}
		expect((await h.documentsOf('admin@northwind.example')).map((d) => d.name)).not.toContain(
			'org/contoso'
		);

		// The open connection stays, read-only: a write now is refused and not stored.
		const refusals = captureRefusal(provider.provider);
		const closed = closedWith(provider.provider);
		const late = event('partnership.ended', NORTHWIND_ADMIN, {});
		provider.log.push([late]);
		expect(await closed).toEqual({ code: 4400, reason: 'sync_read_only' });
		expect(refusals).toEqual([{ code: 'sync_read_only', eventIds: [late.id] }]);
		expect((await h.serverLog('partnership/northwind/contoso')).map((e) => e.id)).not.toContain(
			late.id
		);
		for (const open of [providerView, provider, reseller]) open.provider.destroy();
	});
});

describe('writing a redemption', () => {
	it('writes nothing in either document when one of the events is refused', async () => {
		const names = ['invitations/northwind', 'partnership/northwind/adatum'];
		const before = await Promise.all(names.map((name) => h.serverLog(name)));
		const system = { userId: 'system', orgId: 'program' };
		const result = await server.server.registry.appendAtomically(
			names,
			() => ({
				events: [
					[event('invitation.redeemed', system, { invitationId: newId(), orgId: 'adatum' })],
					[event('partnership.invited', system, { invitationId: newId() })]
				],
				value: null
			}),
			SYSTEM_ACTOR
		);
		expect(result).toMatchObject({ ok: false, code: 'error_field_required' });
		expect(await Promise.all(names.map((name) => h.serverLog(name)))).toEqual(before);
	});
});

describe('rate limits and restarts', () => {
	it('limits attempts per client address, guesses costing more', async () => {
		const limited = await startTestServer({
			limits: { invitationAttemptsPerMinute: 12 },
			config: { trustProxy: true }
		});
		try {
			const l = harnessFor(() => limited);
			const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
			// Two guesses (5 each) and two ordinary attempts spend 12.
			expect(
				(await l.post('lookup', { token: newLinkToken().token }, from('10.0.0.1'))).status
			).toBe(404);
			expect((await l.post('lookup', { token: 'bad' }, from('10.0.0.1'))).status).toBe(400);
			const { token } = await l.invite();
			expect((await l.post('lookup', { token }, from('10.0.0.1'))).status).toBe(200);
			expect((await l.post('lookup', { token }, from('10.0.0.1'))).status).toBe(200);
			const refused = await l.post('lookup', { token }, from('10.0.0.1'));
			expect([refused.status, refused.body.error?.code]).toEqual([429, 'invitation_rate_limited']);
			expect(refused.body.error?.retryAfterSeconds).toBeGreaterThan(0);
			expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
			const redeem = await l.post(
				'redeem',
				{ token },
				{ ...from('10.0.0.1'), email: 'admin@adatum.example' }
			);
			expect(redeem.status).toBe(429);
			// Another address is not affected.
			expect((await l.post('lookup', { token }, from('10.0.0.2'))).status).toBe(200);
		} finally {
			await limited.close();
		}
	});

	it('charges a body its contract refuses as a guess, like an unreadable one', async () => {
		const limited = await startTestServer({ limits: { invitationAttemptsPerMinute: 10 } });
		try {
			const l = harnessFor(() => limited);
			const { token } = await l.invite();
			// Two guesses (5 each) spend 10, though the link is a real one.
			expect((await l.post('lookup', { token, extra: true })).status).toBe(400);
			expect((await l.post('lookup', { token, answer: 'accept' })).status).toBe(400);
			const refused = await l.post('lookup', { token });
			expect([refused.status, refused.body.error?.code]).toEqual([429, 'invitation_rate_limited']);
		} finally {
			await limited.close();
		}
	});

	it('finds links again after a restart, and rebuilds a lost index', async () => {
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-invitations-'));
		try {
			const first = await startTestServer({ dataDir });
			const { token } = await harnessFor(() => first).invite();
			await first.close();

			const second = await startTestServer({ dataDir });
			expect((await harnessFor(() => second).post('lookup', { token })).status).toBe(200);
			await second.close();

			// As after a crash that lost the index's last writes.
			const db = new Database(path.join(dataDir, 'tiertwo.sqlite'));
			db.prepare('DELETE FROM invitation_tokens').run();
			db.prepare("DELETE FROM meta WHERE key = 'clean_shutdown'").run();
			db.close();
			const third = await startTestServer({ dataDir });
			expect((await harnessFor(() => third).post('lookup', { token })).status).toBe(200);
			await third.close();
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
