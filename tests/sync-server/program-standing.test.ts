// Program standing on a real server (issue 19): an indirect reseller the program rejected (the demo's
// already-enrolled Tailwind Traders, after the operator's review) or has not admitted yet (a new
// applicant whose email verification is pending) acts as a partner in no document kind, whatever it
// sends: a customer link in its invitations document, authorizing its provider in the partnership,
// orders and customer management in a customer document over the raw protocol; redeeming a
// provider's link and a customer accepting its link over HTTP. Each refusal has its own code and
// writes nothing. The partnerships and relationships such a reseller already had are set up as data
// written before the rule existed (the policy below skips it while `beforeTheRule` runs).
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { documentName, type DocumentRef } from '../../src/lib/domain/documents';
import { checkAppends } from '../../src/lib/flows/documents/append-gate';
import { partnerStanding } from '../../src/lib/flows/enrollment/partner-standing';
import { newId } from '../../sync-server/src/accounts/tokens';
import { domainPolicy, SYSTEM_ACTOR, type AccessPolicy } from '../../sync-server/src/authorize';
import { messageRefused } from '../../sync-server/src/wire-format';
import { SAMPLE_PAYLOADS } from '../unit/flows/samples';
import {
	closedWith,
	cookiesFrom,
	event,
	startTestServer,
	waitForAsync,
	waitForSync,
	type Session,
	type TestServer
} from './harness';

const DAY = 86_400_000;
const SYSTEM = { userId: SYSTEM_ACTOR.userId, orgId: SYSTEM_ACTOR.orgId };
const OPERATOR = { userId: 'program-admin', orgId: 'program' };
const NORTHWIND_ADMIN = { userId: 'northwind-admin', orgId: 'northwind' };
const TAILWIND_ADMIN = { userId: 'tailwind-admin', orgId: 'tailwind' };

/** While set, the server decides as it did before program standing was a rule (test setup only). */
let skipStanding = false;
const policy: AccessPolicy = {
	...domainPolicy,
	checkAppends(ref, state, candidates, actor, now, related) {
		if (!skipStanding) {
			return domainPolicy.checkAppends(ref, state, candidates, actor, now, related);
		}
		// Without `related` the domain leaves standing out.
		return checkAppends(ref, state, candidates, actor, { now }).map((result) =>
			result.ok ? { ok: true, eventId: result.event.id } : result
		);
	}
};

async function beforeTheRule<T>(task: () => Promise<T>): Promise<T> {
	skipStanding = true;
	try {
		return await task();
	} finally {
		skipStanding = false;
	}
}

let t: TestServer;
const sessions = new Map<string, Session>();

async function sessionOf(email: string): Promise<Session> {
	let session = sessions.get(email);
	if (!session) sessions.set(email, (session = await t.signIn(email)));
	return session;
}

async function post(
	pathname: string,
	body: unknown,
	session?: Session
): Promise<{ status: number; code: string | undefined; response: Response }> {
	const response = await fetch(`${t.url}${pathname}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(session ? { cookie: session.cookie } : {}) },
		body: JSON.stringify(body)
	});
	const text = await response.clone().text();
	const parsed = text ? (JSON.parse(text) as { error?: { code?: string } }) : {};
	return { status: response.status, code: parsed.error?.code, response };
}

async function serverLog(name: string): Promise<unknown[]> {
	const live = await t.server.registry.get(name);
	if (!live) throw new Error(name);
	await t.server.registry.repair(live);
	await live.idle();
	return live.log.toArray();
}

/** Sends one event like the app (a stock y-websocket client): 'ok' once stored, or the refusal. */
async function send(
	session: Session,
	ref: DocumentRef,
	by: { userId: string; orgId: string },
	type: string,
	payload: Record<string, unknown>
): Promise<string> {
	const name = documentName(ref);
	const before = await serverLog(name);
	const doc = new Y.Doc();
	const provider = t.provider(name, session, doc);
	try {
		const refusals: { code: string }[] = [];
		provider.messageHandlers[messageRefused] = (_encoder, decoder) => {
			refusals.push(JSON.parse(decoding.readVarString(decoder)) as { code: string });
		};
		await waitForSync(provider);
		const closed = closedWith(provider);
		const sent = event(type, by, payload);
		doc.getArray('log').push([sent]);
		const stored = waitForAsync(
			async () => (await serverLog(name)).some((e) => (e as { id?: string }).id === sent.id),
			5000,
			`${type} in ${name}`
		).then(
			() => 'ok',
			() => 'not stored'
		);
		const raced = await Promise.race([stored, closed.then((c) => c.reason)]);
		// Ending a relationship is stored, then closes the ex-partner's connection to the document.
		const kept = (await serverLog(name)).some((e) => (e as { id?: string }).id === sent.id);
		const outcome = kept ? 'ok' : raced;
		if (outcome !== 'ok') {
			expect(refusals).toEqual([{ code: outcome, eventIds: [sent.id] }]);
			expect(await serverLog(name)).toEqual(before);
		}
		return outcome;
	} finally {
		provider.destroy();
		doc.destroy();
	}
}

async function system(ref: DocumentRef, type: string, payload: Record<string, unknown>) {
	const verdict = await t.server.registry.appendEvents(
		documentName(ref),
		[event(type, SYSTEM, payload)],
		SYSTEM_ACTOR
	);
	expect(verdict, type).toEqual({ ok: true });
}

/** A link (customer or reseller) made by `by`'s admin in its invitations document. */
async function link(by: { userId: string; orgId: string }, session: Session, kind: string) {
	const token = randomBytes(32).toString('base64url');
	const tokenHash = createHash('sha256').update(token).digest('hex');
	const links = { kind: 'invitations', orgId: by.orgId } as const;
	const outcome = await send(session, links, by, 'invitation.created', {
		invitationId: newId(),
		kind,
		tokenHash,
		expiresAt: Date.now() + 7 * DAY
	});
	expect(outcome).toBe('ok');
	await waitForAsync(
		async () => (await t.server.storage.invitationTokens.find(tokenHash, 1)).length > 0,
		5000,
		'link indexed'
	);
	return token;
}

/** A customer relationship the reseller has had since before the rule (accepted by the customer). */
async function customerOf(resellerId: string, customerId: string) {
	const relationshipId = newId();
	const ref = { kind: 'customer', customerId } as const;
	await system(ref, 'relationship.requested', {
		relationshipId,
		invitationId: newId(),
		resellerId,
		providerId: null,
		expiresAt: Date.now() + 7 * DAY
	});
	const accepted = await beforeTheRule(() =>
		send(
			sessions.get(`admin@${customerId}.example`) as Session,
			ref,
			{ userId: `${customerId}-admin`, orgId: customerId },
			'relationship.accepted',
			{ relationshipId }
		)
	);
	expect(accepted).toBe('ok');
	return relationshipId;
}

interface Reseller {
	readonly admin: { userId: string; orgId: string };
	readonly session: Session;
	/** a customer link it sent before the rule (or before the rejection) */
	readonly customerLink: string;
	/** a customer whose document it is reseller of record in */
	readonly customerId: string;
	readonly code: 'error_partner_rejected' | 'error_partner_pending';
}

const resellers: Record<'rejected' | 'pending', Reseller> = {} as never;

async function orgState(orgId: string) {
	const state = await t.server.registry.current({ kind: 'org', orgId });
	if (state?.kind !== 'org') throw new Error(orgId);
	return state;
}

beforeAll(async () => {
	t = await startTestServer({ policy, limits: { invitationAttemptsPerMinute: 100_000 } });
	for (const customer of ['fourthcoffee', 'blueyonder', 'wingtip']) {
		await sessionOf(`admin@${customer}.example`);
	}

	// Tailwind Traders, already enrolled in CSP: admitted until the program rejects its application.
	const tailwind = await sessionOf('admin@tailwind.example');
	const tailwindLink = await link(TAILWIND_ADMIN, tailwind, 'customer');
	await system(
		{ kind: 'partnership', providerId: 'northwind', resellerId: 'tailwind' },
		'partnership.invited',
		{
			invitationId: newId(),
			expiresAt: Date.now() + 7 * DAY
		}
	);
	await customerOf('tailwind', 'fourthcoffee');
	const tailwindOrg = { kind: 'org', orgId: 'tailwind' } as const;
	expect(
		await send(tailwind, tailwindOrg, TAILWIND_ADMIN, 'enrollment.submitted', {
			track: 'alreadyEnrolled',
			support: { email: 'support@tailwind.example' }
		})
	).toBe('ok');
	expect(partnerStanding(await orgState('tailwind'))).toBe('admitted');
	const operator = await sessionOf('admin@program.example');
	expect(
		await send(operator, tailwindOrg, OPERATOR, 'enrollment.rejected', {
			reason: 'The support contact could not be verified.'
		})
	).toBe('ok');
	expect(partnerStanding(await orgState('tailwind'))).toBe('rejected');
	resellers.rejected = {
		admin: TAILWIND_ADMIN,
		session: tailwind,
		customerLink: tailwindLink,
		customerId: 'fourthcoffee',
		code: 'error_partner_rejected'
	};

	// A brand-new applicant whose application is still "Email verification pending".
	const domain = `pending-${Date.now()}.example`;
	const created = await post('/api/enrollment/work-account', {
		legalName: 'Pending Reseller Ltd',
		domain,
		country: 'US',
		fullName: 'Pat Pending',
		email: `admin@${domain}`,
		password: 'correct horse battery'
	});
	expect(created.status).toBe(201);
	const session = cookiesFrom(created.response);
	const { user } = (await created.response.json()) as { user: { id: string; orgId: string } };
	const admin = { userId: user.id, orgId: user.orgId };
	await post(
		'/api/enrollment/pmc/sign-in',
		{ userName: 'pmc@fineartschool.example', password: 'tiertwo-demo' },
		session
	);
	await waitForAsync(async () => (await orgState(admin.orgId)).enrollment.status === 'mpnLinked');
	expect(
		await send(session, { kind: 'org', orgId: admin.orgId }, admin, 'enrollment.submitted', {
			track: 'new',
			mpnId: '7000101',
			legalProfile: {
				legalName: 'Fine Art School',
				address: { line1: '1 Art Way', city: 'Portland', postalCode: '97201', country: 'US' }
			},
			primaryContact: { name: 'Pat Contact', email: `pat@${domain}` },
			support: { email: `support@${domain}` }
		})
	).toBe('ok');
	expect((await orgState(admin.orgId)).enrollment.status).toBe('emailVerificationPending');
	expect(partnerStanding(await orgState(admin.orgId))).toBe('pending');
	const pendingLink = await beforeTheRule(() => link(admin, session, 'customer'));
	await system(
		{ kind: 'partnership', providerId: 'northwind', resellerId: admin.orgId },
		'partnership.invited',
		{ invitationId: newId(), expiresAt: Date.now() + 7 * DAY }
	);
	await customerOf(admin.orgId, 'blueyonder');
	resellers.pending = {
		admin,
		session,
		customerLink: pendingLink,
		customerId: 'blueyonder',
		code: 'error_partner_pending'
	};
}, 60_000);

afterAll(async () => {
	await t.close();
});

describe.each(['rejected', 'pending'] as const)('a %s reseller', (which) => {
	it('cannot send a customer link (its invitations document)', async () => {
		const { admin, session, code } = resellers[which];
		const token = createHash('sha256').update(randomBytes(32)).digest('hex');
		for (const kind of ['customer', 'customerWithProvider']) {
			expect(
				await send(
					session,
					{ kind: 'invitations', orgId: admin.orgId },
					admin,
					'invitation.created',
					{
						invitationId: newId(),
						kind,
						...(kind === 'customerWithProvider' ? { providerId: 'northwind' } : {}),
						tokenHash: token,
						expiresAt: Date.now() + 7 * DAY
					}
				)
			).toBe(code);
		}
	});

	it('cannot authorize its indirect provider (the partnership document)', async () => {
		const { admin, session, code } = resellers[which];
		const ref = { kind: 'partnership', providerId: 'northwind', resellerId: admin.orgId } as const;
		expect(await send(session, ref, admin, 'partnership.authorized', { acknowledged: true })).toBe(
			code
		);
		const partnership = await t.server.registry.current(ref);
		expect(partnership?.kind === 'partnership' && partnership.partnership.status).toBe('invited');
	});

	it('cannot order for or manage its customer (the customer document)', async () => {
		const { admin, session, code, customerId } = resellers[which];
		const ref = { kind: 'customer', customerId } as const;
		expect(
			await send(session, ref, admin, 'order.submitted', {
				...SAMPLE_PAYLOADS['order.submitted'],
				orderId: newId()
			})
		).toBe(code);
		expect(
			await send(session, ref, admin, 'tenantUser.added', {
				tenantUserId: newId(),
				displayName: 'Ken Ito',
				userName: `ken@${customerId}.example`
			})
		).toBe(code);
	});

	it('cannot redeem a provider’s link (HTTP)', async () => {
		const { session, code } = resellers[which];
		const token = await link(
			NORTHWIND_ADMIN,
			await sessionOf('admin@northwind.example'),
			'reseller'
		);
		const redeemed = await post('/api/invitations/redeem', { token }, session);
		expect({ status: redeemed.status, code: redeemed.code }).toEqual({ status: 403, code });
		// The link stays unused (a reseller the program admits later may still redeem it).
		expect((await post('/api/invitations/lookup', { token })).status).toBe(200);
	});

	it('has its customer link refused to the customer: looked up, accepted, or with a new account (HTTP)', async () => {
		const { customerLink: token, code } = resellers[which];
		const lookup = await post('/api/invitations/lookup', { token });
		expect({ status: lookup.status, code: lookup.code }).toEqual({ status: 403, code });
		const accepted = await post(
			'/api/invitations/redeem',
			{ token, answer: 'accept' },
			await sessionOf('admin@wingtip.example')
		);
		expect({ status: accepted.status, code: accepted.code }).toEqual({ status: 403, code });
		const domain = `newcustomer-${which}-${Date.now()}.example`;
		const account = await post('/api/invitations/customer-account', {
			token,
			company: { legalName: 'New Customer', domain, country: 'US' },
			admin: {
				displayName: 'Nia Customer',
				email: `admin@${domain}`,
				password: 'violet-harbor-lantern-93'
			}
		});
		expect({ status: account.status, code: account.code }).toEqual({ status: 403, code });
		const wingtip = await t.server.registry.current({ kind: 'customer', customerId: 'wingtip' });
		const relationships = wingtip?.kind === 'customer' ? Object.values(wingtip.relationships) : [];
		expect(relationships.some((r) => r.resellerId === resellers[which].admin.orgId)).toBe(false);
	});

	it('still withdraws: ends its customer relationship', async () => {
		const { admin, session, customerId } = resellers[which];
		const customer = await t.server.registry.current({ kind: 'customer', customerId });
		const relationship =
			customer?.kind === 'customer'
				? Object.values(customer.relationships).find((r) => r.resellerId === admin.orgId)
				: undefined;
		expect(relationship?.status).toBe('active');
		expect(
			await send(session, { kind: 'customer', customerId }, admin, 'relationship.ended', {
				relationshipId: relationship?.relationshipId,
				scope: 'all'
			})
		).toBe('ok');
	});
});

describe('a customer over the raw protocol', () => {
	it('cannot accept a pending reseller’s request', async () => {
		const { admin } = resellers.pending;
		const relationshipId = newId();
		const ref = { kind: 'customer', customerId: 'wingtip' } as const;
		await system(ref, 'relationship.requested', {
			relationshipId,
			invitationId: newId(),
			resellerId: admin.orgId,
			providerId: null,
			expiresAt: Date.now() + 7 * DAY
		});
		expect(
			await send(
				await sessionOf('admin@wingtip.example'),
				ref,
				{ userId: 'wingtip-admin', orgId: 'wingtip' },
				'relationship.accepted',
				{ relationshipId }
			)
		).toBe('error_partner_pending');
	});
});
