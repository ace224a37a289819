// Customer invitation links end to end on a real server: a reseller's "Request a reseller
// relationship" link and its combined link with its provider (Invite new customers), answered by a
// signed-in customer or by a customer account made on the spot; every refusal leaves nothing
// written; the relationship opens the customer document to the partners, and ending it closes
// their open connections and drops it from their document lists. Also runs against a cluster (see
// harness.ts): simultaneous answers and accounts then go to different processes.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId } from '../../sync-server/src/accounts/tokens';
import {
	closedWith,
	cookiesFrom,
	event,
	rebaseOnRefusal,
	startTestServer,
	waitForAsync,
	waitForSync,
	type Session,
	type TestServer
} from './harness';

const CONTOSO_ADMIN = { userId: 'contoso-admin', orgId: 'contoso' };
const ADATUM_ADMIN = { userId: 'adatum-admin', orgId: 'adatum' };
const DAY = 86_400_000;
const STRONG_PASSWORD = 'violet-harbor-lantern-93';

interface ApiAnswer {
	status: number;
	body: Record<string, unknown> & {
		error?: { code: string; fields?: Record<string, string> };
	};
	headers: Headers;
}

let server: TestServer;
const sessions = new Map<string, Session>();

beforeAll(async () => {
	server = await startTestServer({ limits: { invitationAttemptsPerMinute: 100_000 } });
});
afterAll(async () => {
	await server.close();
});

async function sessionOf(email: string): Promise<Session> {
	let session = sessions.get(email);
	if (!session) sessions.set(email, (session = await server.signIn(email)));
	return session;
}

async function post(
	route: 'lookup' | 'redeem' | 'customer-account',
	body: unknown,
	email?: string
): Promise<ApiAnswer> {
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	if (email) headers.cookie = (await sessionOf(email)).cookie;
	const response = await fetch(`${server.url}/api/invitations/${route}`, {
		method: 'POST',
		headers,
		body: JSON.stringify(body)
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
	const provider = server.provider(name, await sessionOf(email), doc);
	await waitForSync(provider);
	return { provider, doc, log: doc.getArray<Record<string, unknown>>('log') };
}

/** The first server's replica of a document, with everything the store has (in a cluster too). */
async function serverLog(name: string): Promise<Record<string, unknown>[]> {
	const { registry } = server.server;
	const live = await registry.get(name);
	if (!live) throw new Error(name);
	await registry.repair(live);
	return live.log.toArray() as Record<string, unknown>[];
}

async function serverHas(name: string, eventId: string): Promise<void> {
	await waitForAsync(
		async () => (await serverLog(name)).some((e) => (e as { id?: string }).id === eventId),
		5000,
		`${eventId} in ${name}`
	);
}

/** The instance the i-th of several simultaneous calls goes to (different ones in a cluster). */
const instance = (i: number) => server.servers[i % server.servers.length] ?? server.server;

/** A customer link made by the reseller's admin through a real Yjs connection. */
async function invite(
	options: {
		by?: { userId: string; orgId: string };
		providerId?: string;
		expiresAt?: number;
	} = {}
) {
	const by = options.by ?? CONTOSO_ADMIN;
	const token = randomBytes(32).toString('base64url');
	const tokenHash = createHash('sha256').update(token).digest('hex');
	const invitationId = newId();
	const admin = await connected(`admin@${by.orgId}.example`, `invitations/${by.orgId}`);
	// Two invitations made at once: the one that lands before the other is appended again.
	rebaseOnRefusal(admin.provider);
	const created = event('invitation.created', by, {
		invitationId,
		...(options.providerId
			? { kind: 'customerWithProvider', providerId: options.providerId }
			: { kind: 'customer' }),
		tokenHash,
		expiresAt: options.expiresAt ?? Date.now() + 7 * DAY
	});
	admin.log.push([created]);
	await serverHas(`invitations/${by.orgId}`, created.id as string);
	// Indexed a moment after it is durable, by the process that took it (in a cluster, maybe not the
	// one asked next).
	await waitForAsync(
		async () => (await server.server.storage.invitationTokens.find(tokenHash, 1)).length > 0,
		5000,
		`${invitationId} indexed`
	);
	admin.provider.destroy();
	return { token, invitationId };
}

async function documentsOf(email: string): Promise<string[]> {
	const response = await fetch(`${server.url}/api/auth/documents`, {
		headers: { cookie: (await sessionOf(email)).cookie }
	});
	expect(response.status).toBe(200);
	const body = (await response.json()) as { documents: { name: string }[] };
	return body.documents.map((d) => d.name);
}

/** The listing index is refreshed in batches: waits until `email`'s list has (or lacks) `name`. */
async function listed(email: string, name: string, present: boolean): Promise<void> {
	const deadline = Date.now() + 5000;
	while ((await documentsOf(email)).includes(name) !== present) {
		if (Date.now() > deadline) throw new Error(`${name} ${present ? 'not ' : ''}listed`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

function typesOf(log: Record<string, unknown>[], invitationOrRelationship: string) {
	return log
		.filter((e) => JSON.stringify(e.payload).includes(invitationOrRelationship))
		.map((e) => [e.type, (e.by as { userId: string }).userId]);
}

describe('a reseller requests a reseller relationship', () => {
	it('says who is asking; the customer accepts and the reseller may open its document', async () => {
		const { token, invitationId } = await invite();
		const lookup = await post('lookup', { token });
		expect(lookup.status).toBe(200);
		expect(lookup.body).toEqual({
			invitationId,
			kind: 'customer',
			from: { orgId: 'contoso', name: 'Contoso IT Services', orgKind: 'indirectReseller' },
			provider: null,
			expiresAt: expect.any(Number),
			status: 'pending'
		});
		expect(await documentsOf('admin@contoso.example')).not.toContain('customer/fourthcoffee');

		const answer = await post('redeem', { token, answer: 'accept' }, 'admin@fourthcoffee.example');
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({
			document: 'customer/fourthcoffee',
			customerId: 'fourthcoffee',
			resellerId: 'contoso',
			providerId: null,
			relationshipId: expect.any(String),
			answer: 'accept'
		});
		const relationshipId = answer.body.relationshipId as string;
		const log = await serverLog('customer/fourthcoffee');
		// The request is the system's; the acceptance says who accepted.
		expect(typesOf(log, relationshipId)).toEqual([
			['relationship.requested', 'system'],
			['relationship.accepted', 'fourthcoffee-admin']
		]);
		expect(typesOf(await serverLog('invitations/contoso'), invitationId)).toEqual([
			['invitation.created', 'contoso-admin'],
			['invitation.redeemed', 'system']
		]);
		const state = await server.server.registry.current({
			kind: 'customer',
			customerId: 'fourthcoffee'
		});
		expect(state?.kind === 'customer' && state.relationships[relationshipId]?.status).toBe(
			'active'
		);
		await listed('admin@contoso.example', 'customer/fourthcoffee', true);
		const reseller = await connected('admin@contoso.example', 'customer/fourthcoffee');
		expect(reseller.log.length).toBe(log.length);
		reseller.provider.destroy();

		// Single use.
		const again = await post('redeem', { token, answer: 'accept' }, 'admin@blueyonder.example');
		expect([again.status, again.body.error?.code]).toEqual([410, 'invitation_used']);
	});

	it('records a decline by the customer and grants nothing', async () => {
		const { token } = await invite({ by: ADATUM_ADMIN });
		const answer = await post(
			'redeem',
			{ token, answer: 'decline' },
			'admin@margiestravel.example'
		);
		expect(answer.status).toBe(200);
		const relationshipId = answer.body.relationshipId as string;
		expect(typesOf(await serverLog('customer/margiestravel'), relationshipId)).toEqual([
			['relationship.requested', 'system'],
			['relationship.declined', 'margiestravel-admin']
		]);
		await new Promise((resolve) => setTimeout(resolve, 1200));
		expect(await documentsOf('admin@adatum.example')).not.toContain('customer/margiestravel');
	});

	it('lets only one of two simultaneous answers through', async () => {
		const { token, invitationId } = await invite();
		const answers = await Promise.all(
			['woodgrovebank', 'lucernepublishing'].map((orgId, i) =>
				instance(i).invitations.redeem('test', token, { userId: `${orgId}-admin`, orgId }, 'accept')
			)
		);
		expect(answers.map((a) => (a.ok ? 'ok' : a.code)).sort()).toEqual(['invitation_used', 'ok']);
		const redeemed = (await serverLog('invitations/contoso')).filter(
			(e) =>
				e.type === 'invitation.redeemed' &&
				(e.payload as { invitationId: string }).invitationId === invitationId
		);
		expect(redeemed).toHaveLength(1);
		let requests = 0;
		for (const orgId of ['woodgrovebank', 'lucernepublishing']) {
			requests += (await serverLog(`customer/${orgId}`)).filter((e) =>
				JSON.stringify(e.payload).includes(invitationId)
			).length;
		}
		expect(requests).toBe(1);
	});

	describe('refusals (nothing written)', () => {
		async function refused(
			body: Record<string, unknown>,
			email: string,
			expected: [number, string],
			invitationId?: string
		) {
			const before = await serverLog('invitations/contoso');
			const answer = await post('redeem', body, email);
			expect([answer.status, answer.body.error?.code]).toEqual(expected);
			if (invitationId) expect((await serverLog('invitations/contoso')).length).toBe(before.length);
		}

		it('refuses a reseller or provider opening a customer link', async () => {
			const { token, invitationId } = await invite();
			await refused(
				{ token, answer: 'accept' },
				'admin@adatum.example',
				[403, 'invitation_wrong_org_kind'],
				invitationId
			);
			await refused(
				{ token, answer: 'accept' },
				'admin@northwind.example',
				[403, 'invitation_wrong_org_kind'],
				invitationId
			);
		});

		it('asks for an answer', async () => {
			const { token } = await invite();
			await refused({ token }, 'admin@blueyonder.example', [400, 'invitation_answer_required']);
			await refused({ token, answer: 'maybe' }, 'admin@blueyonder.example', [
				400,
				'invitation_answer_required'
			]);
		});

		it('refuses a customer that already has a live relationship with the reseller', async () => {
			const { token, invitationId } = await invite();
			await refused(
				{ token, answer: 'accept' },
				'admin@wingtip.example',
				[409, 'invitation_already_customer'],
				invitationId
			);
		});

		it('refuses a combined link whose partnership is not live', async () => {
			const { token, invitationId } = await invite({ providerId: 'fabrikam' });
			const lookup = await post('lookup', { token });
			expect(lookup.body.provider).toEqual({ orgId: 'fabrikam', name: 'Fabrikam Distribution' });
			await refused(
				{ token, answer: 'accept' },
				'admin@blueyonder.example',
				[409, 'invitation_partnership_not_live'],
				invitationId
			);
			expect((await serverLog('customer/blueyonder')).map((e) => e.type)).not.toContain(
				'relationship.requested'
			);
		});

		it('refuses revoked, expired, guessed and malformed links', async () => {
			const revoked = await invite();
			const admin = await connected('admin@contoso.example', 'invitations/contoso');
			const revocation = event('invitation.revoked', CONTOSO_ADMIN, {
				invitationId: revoked.invitationId
			});
			admin.log.push([revocation]);
			await serverHas('invitations/contoso', revocation.id as string);
			admin.provider.destroy();
			await refused({ token: revoked.token, answer: 'accept' }, 'admin@blueyonder.example', [
				410,
				'invitation_revoked'
			]);
			const expired = await invite({ expiresAt: Date.now() - 1000 });
			await refused({ token: expired.token, answer: 'accept' }, 'admin@blueyonder.example', [
				410,
				'invitation_expired'
			]);
			await refused(
				{ token: randomBytes(32).toString('base64url'), answer: 'accept' },
				'admin@blueyonder.example',
				[404, 'invitation_not_found']
			);
			await refused({ token: 'short', answer: 'accept' }, 'admin@blueyonder.example', [
				400,
				'invitation_token_invalid'
			]);
		});

		it('asks for sign-in', async () => {
			const { token } = await invite();
			const answer = await post('redeem', { token, answer: 'accept' });
			expect([answer.status, answer.body.error?.code]).toEqual([401, 'auth_not_signed_in']);
		});
	});
});

describe('a reseller invites a new customer for itself and its provider', () => {
	it('opens the customer to both; ending the provider part, then all, takes access away live', async () => {
		expect(await documentsOf('admin@northwind.example')).not.toContain('customer/blueyonder');
		const { token } = await invite({ providerId: 'northwind' });
		const lookup = await post('lookup', { token });
		expect(lookup.body).toMatchObject({
			kind: 'customerWithProvider',
			from: { orgId: 'contoso', name: 'Contoso IT Services' },
			provider: { orgId: 'northwind', name: 'Northwind Distribution' }
		});
		const answer = await post('redeem', { token, answer: 'accept' }, 'admin@blueyonder.example');
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ providerId: 'northwind', resellerId: 'contoso' });
		const relationshipId = answer.body.relationshipId as string;
		const requested = (await serverLog('customer/blueyonder')).find(
			(e) => e.type === 'relationship.requested'
		);
		expect(requested?.payload).toMatchObject({ providerId: 'northwind', resellerId: 'contoso' });
		await listed('admin@northwind.example', 'customer/blueyonder', true);
		await listed('admin@contoso.example', 'customer/blueyonder', true);

		const provider = await connected('admin@northwind.example', 'customer/blueyonder');
		const reseller = await connected('admin@contoso.example', 'customer/blueyonder');
		const providerClosed = closedWith(provider.provider);
		const customer = await connected('admin@blueyonder.example', 'customer/blueyonder');
		customer.log.push([
			event(
				'relationship.ended',
				{ userId: 'blueyonder-admin', orgId: 'blueyonder' },
				{ relationshipId, scope: 'provider' }
			)
		]);
		expect(await providerClosed).toEqual({ code: 4403, reason: 'sync_access_revoked' });
		await listed('admin@northwind.example', 'customer/blueyonder', false);
		expect(await documentsOf('admin@contoso.example')).toContain('customer/blueyonder');

		const resellerClosed = closedWith(reseller.provider);
		customer.log.push([
			event(
				'relationship.ended',
				{ userId: 'blueyonder-admin', orgId: 'blueyonder' },
				{ relationshipId, scope: 'all' }
			)
		]);
		expect(await resellerClosed).toEqual({ code: 4403, reason: 'sync_access_revoked' });
		await listed('admin@contoso.example', 'customer/blueyonder', false);
		provider.provider.destroy();
		reseller.provider.destroy();
		customer.provider.destroy();
	});
});

describe('a new customer account on the spot', () => {
	function form(token: string, over: Record<string, Record<string, string>> = {}) {
		return {
			token,
			company: {
				legalName: 'Graphic Design Institute',
				domain: 'graphicdesign.example',
				country: 'US',
				...over.company
			},
			admin: {
				displayName: 'Gabi Designer',
				email: 'gabi@graphicdesign.example',
				password: STRONG_PASSWORD,
				...over.admin
			}
		};
	}

	async function expectNothingWritten(
		token: string,
		body: Record<string, unknown>,
		expected: [number, string, string?]
	) {
		const before = (await server.server.storage.documents.names()).length;
		const answer = await post('customer-account', body);
		expect([answer.status, answer.body.error?.code]).toEqual(expected.slice(0, 2));
		if (expected[2]) expect(Object.keys(answer.body.error?.fields ?? {})).toEqual([expected[2]]);
		expect(answer.headers.getSetCookie()).toEqual([]);
		expect(
			await server.server.accounts.store.byEmail('gabi@graphicdesign.example')
		).toBeUndefined();
		expect((await server.server.storage.documents.names()).length).toBe(before);
		expect((await post('lookup', { token })).status).toBe(200);
	}

	it('refuses bad input and leaves the link unused', async () => {
		const { token } = await invite();
		await expectNothingWritten(token, form(token, { admin: { password: 'password1234' } }), [
			400,
			'error_field_invalid',
			'admin.password'
		]);
		await expectNothingWritten(token, form(token, { admin: { password: 'short' } }), [
			400,
			'error_field_invalid',
			'admin.password'
		]);
		await expectNothingWritten(token, form(token, { company: { domain: 'not a domain' } }), [
			400,
			'error_field_invalid',
			'company.domain'
		]);
		await expectNothingWritten(token, form(token, { admin: { email: 'admin@contoso.example' } }), [
			409,
			'error_email_taken',
			'admin.email'
		]);
		await expectNothingWritten(token, form(token, { company: { domain: 'wingtip.example' } }), [
			409,
			'error_domain_taken',
			'company.domain'
		]);
		await expectNothingWritten(token, form(token, { company: { country: 'CA' } }), [
			403,
			'invitation_country_mismatch'
		]);
		await expectNothingWritten(token, { ...form(token), extra: true }, [
			400,
			'error_field_invalid'
		]);
	});

	it('creates the customer org and its Global admin, accepts, and signs the admin in', async () => {
		const { token, invitationId } = await invite({ providerId: 'northwind' });
		const answer = await post('customer-account', form(token));
		expect(answer.status).toBe(201);
		const body = answer.body as {
			user: { orgKind: string; orgName: string; orgId: string; email: string };
			redemption: { document: string; answer: string; providerId: string };
		};
		expect(body.user).toMatchObject({
			orgKind: 'customer',
			orgName: 'Graphic Design Institute',
			email: 'gabi@graphicdesign.example'
		});
		expect(body.redemption).toMatchObject({ answer: 'accept', providerId: 'northwind' });
		const orgId = body.user.orgId;
		expect(body.redemption.document).toBe(`customer/${orgId}`);
		// Signed in: the session cookie works.
		const session = cookiesFrom(
			new Response(null, { headers: answer.headers as unknown as HeadersInit })
		);
		const me = await fetch(`${server.url}/api/auth/session`, {
			headers: { cookie: session.cookie }
		});
		expect(me.status).toBe(200);
		expect(((await me.json()) as { user: { mustChangePassword: boolean } }).user).toMatchObject({
			mustChangePassword: false
		});

		expect((await serverLog(`org/${orgId}`)).map((e) => e.type)).toEqual([
			'org.created',
			'user.added',
			'user.passwordChanged'
		]);
		expect((await serverLog(`customer/${orgId}`)).map((e) => e.type)).toEqual([
			'customer.created',
			'relationship.requested',
			'relationship.accepted'
		]);
		expect(typesOf(await serverLog('invitations/contoso'), invitationId)).toEqual([
			['invitation.created', 'contoso-admin'],
			['invitation.redeemed', 'system']
		]);
		await listed('admin@contoso.example', `customer/${orgId}`, true);
		await listed('admin@northwind.example', `customer/${orgId}`, true);
		// The new admin signs in with the chosen password and opens their own documents.
		const signedIn = await server.signIn('gabi@graphicdesign.example', STRONG_PASSWORD);
		sessions.set('gabi@graphicdesign.example', signedIn);
		await listed('gabi@graphicdesign.example', `customer/${orgId}`, true);
		await listed('gabi@graphicdesign.example', `org/${orgId}`, true);

		// The link is used; the same email cannot make a second org.
		const again = await post('customer-account', form(token));
		expect([again.status, again.body.error?.code]).toEqual([410, 'invitation_used']);
	});

	it('lets one of two simultaneous accounts use a link; the other leaves nothing behind', async () => {
		const { token } = await invite();
		const bodies = ['north', 'south'].map((side) =>
			form(token, {
				company: { domain: `${side}woods.example` },
				admin: { email: `admin@${side}woods.example` }
			})
		);
		const answers = await Promise.all(
			bodies.map((body, i) => instance(i).invitations.createCustomer('test', body))
		);
		expect(answers.map((a) => (a.ok ? 'ok' : a.code)).sort()).toEqual(['invitation_used', 'ok']);
		const lost = answers.findIndex((a) => !a.ok) === 0 ? 'north' : 'south';
		// The loser's email is free again and no org document of its was written.
		expect(
			await server.server.accounts.store.byEmail(`admin@${lost}woods.example`)
		).toBeUndefined();
		const { registry } = server.server;
		const orgs = (await server.server.storage.documents.names()).filter((name) =>
			name.startsWith('org/')
		);
		const tenants = (await Promise.all(orgs.map((name) => serverLog(name).then(() => name))))
			.map((name) => registry.peek(name)?.projector.state)
			.filter(
				(state) => state?.kind === 'org' && state.org?.tenant?.domain.endsWith('woods.example')
			);
		expect(tenants).toHaveLength(1);
	});

	it('lets only one of two simultaneous accounts have a tenant domain', async () => {
		const [first, second] = await Promise.all([invite(), invite()]);
		const forms = [
			form(first.token, {
				company: { domain: 'fineartschool.example' },
				admin: { email: 'one@fineartschool.example' }
			}),
			form(second.token, {
				company: { domain: 'fineartschool.example' },
				admin: { email: 'two@fineartschool.example' }
			})
		];
		const answers = await Promise.all(forms.map((body) => post('customer-account', body)));
		expect(answers.map((a) => a.body.error?.code ?? a.status).sort()).toEqual([
			201,
			'error_domain_taken'
		]);
		const loser = answers.find((a) => a.status !== 201);
		const loserEmail = loser === answers[0] ? 'one' : 'two';
		expect(
			await server.server.accounts.store.byEmail(`${loserEmail}@fineartschool.example`)
		).toBeUndefined();
	});
});
