// The door keeps history from being rewritten through ids and clocks: an event id, and the id of
// anything an event created (an order, an invitation, a user…), is claimed once per document and
// never again, within one update too; new events are stamped within bounds of the server's clock.
import { describe, expect, it } from 'vitest';
import { formatHlc, MAX_FUTURE_SKEW_MS, MAX_PAST_AGE_MS } from '$lib/domain/clock';
import type { Role } from '$lib/domain/permissions';
import { checkAppend, checkAppends, type Actor } from '$lib/flows/documents/append-gate';
import { DAY, SYSTEM, T0, userAdded } from '../../factories';
import {
	customerLog,
	customerRef,
	invitationPayload,
	invitationsLog,
	orgLog,
	partnershipLog,
	partnershipRef,
	project,
	PROVIDER,
	providerAdmin,
	providerLinksRef,
	RESELLER,
	resellerAdmin
} from '../scenarios';

const providerRef = { kind: 'org', orgId: PROVIDER } as const;
const actor = (by: { userId: string; orgId: string }, roles: Role[]): Actor => ({ ...by, roles });
const GLOBAL_ADMIN: Role[] = ['globalAdmin'];
const sales = { userId: 'sal', orgId: RESELLER };

const newSubscription = (quantity: number) =>
	({ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity }) as const;

/** A customer with a combined relationship, an order the provider placed and the program provisioned. */
function customerWithOrder() {
	const builder = customerLog({ combined: true });
	const submitted = builder.push('order.submitted', providerAdmin, {
		orderId: 'o-1',
		onBehalfOf: RESELLER,
		lines: [newSubscription(40)]
	});
	const provisioned = builder.push('order.provisioned', SYSTEM, {
		orderId: 'o-1',
		newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 + 365 * DAY }]
	});
	return { ...builder, submitted, provisioned };
}

describe('ids are claimed once per document', () => {
	it('refuses an event that reuses the event id of a demotion', () => {
		const { log, push, event } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('sam', ['salesAgent', 'userManagementAdmin']));
		const demotion = push('user.rolesChanged', providerAdmin, {
			userId: 'sam',
			roles: ['userManagementAdmin']
		});
		const forged = event(
			'user.added',
			{ userId: 'sam', orgId: PROVIDER },
			userAdded('eve', ['helpdeskAgent']),
			{ id: demotion.id }
		);
		const check = checkAppend(providerRef, project(providerRef, log), forged, {
			userId: 'sam',
			orgId: PROVIDER,
			roles: ['userManagementAdmin']
		});
		expect(check).toMatchObject({ ok: false, code: 'error_duplicate_event' });
		// The same event under a fresh id is fine: only the id was the problem.
		const fresh = { ...forged, id: 'fresh-1' };
		expect(
			checkAppend(
				providerRef,
				project(providerRef, log),
				fresh,
				actor({ userId: 'sam', orgId: PROVIDER }, ['userManagementAdmin'])
			)
		).toMatchObject({ ok: true });
	});

	it('refuses a link that reuses the event id of a revocation in the invitations document', () => {
		const { log, push, event } = invitationsLog(PROVIDER);
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		const revocation = push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' });
		const sam = { userId: 'sam', orgId: PROVIDER };
		const forged = event('invitation.created', sam, invitationPayload('inv-forged'), {
			id: revocation.id
		});
		const state = project(providerLinksRef, log);
		expect(checkAppend(providerLinksRef, state, forged, actor(sam, ['salesAgent']))).toMatchObject({
			ok: false,
			code: 'error_duplicate_event'
		});
		// The same event under a fresh id is fine; a link id already sent is not.
		const fresh = { ...forged, id: 'fresh-1' };
		expect(checkAppend(providerLinksRef, state, fresh, actor(sam, ['salesAgent']))).toMatchObject({
			ok: true
		});
		const again = event('invitation.created', sam, invitationPayload('inv-1'));
		expect(checkAppend(providerLinksRef, state, again, actor(sam, ['salesAgent']))).toMatchObject({
			ok: false,
			code: 'error_invitation_exists'
		});
	});

	it('refuses an order.submitted that reuses an existing orderId, from a reseller’s Sales agent', () => {
		const { log, event } = customerWithOrder();
		const forged = event('order.submitted', sales, {
			orderId: 'o-1',
			onBehalfOf: null,
			lines: [newSubscription(300)]
		});
		expect(
			checkAppend(customerRef, project(customerRef, log), forged, actor(sales, ['salesAgent']))
		).toMatchObject({ ok: false, code: 'error_order_exists' });
	});

	it('refuses an event that reuses the id of the program’s order.provisioned', () => {
		const { log, event, provisioned } = customerWithOrder();
		const forged = event(
			'tenantUser.added',
			resellerAdmin,
			{ tenantUserId: 'tu-9', displayName: 'Ken', userName: 'ken@tailspin.example.com' },
			{ id: provisioned.id }
		);
		expect(
			checkAppend(
				customerRef,
				project(customerRef, log),
				forged,
				actor(resellerAdmin, ['adminAgent'])
			)
		).toMatchObject({ ok: false, code: 'error_duplicate_event' });
	});

	it('refuses re-creating what an applied event created, even once it is gone', () => {
		const { log, push, event } = customerWithOrder();
		const added = push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Ken',
			userName: 'ken@tailspin.example.com'
		});
		push('tenantUser.removed', resellerAdmin, { tenantUserId: 'tu-1' });
		const again = event('tenantUser.added', resellerAdmin, { ...added.payload } as never);
		const admin = actor(resellerAdmin, ['adminAgent']);
		expect(checkAppend(customerRef, project(customerRef, log), again, admin)).toMatchObject({
			ok: false,
			code: 'error_tenant_user_exists'
		});
		// The program cannot hand out a subscription id twice either.
		const reprovision = event('order.provisioned', SYSTEM, {
			orderId: 'o-2',
			newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 }]
		});
		expect(
			checkAppend(customerRef, project(customerRef, log), reprovision, actor(SYSTEM, []))
		).toMatchObject({ ok: false, code: 'error_subscription_exists' });
	});

	it('refuses inviting a partnership again with a link already redeemed for it', () => {
		const { log, push, event } = partnershipLog();
		push('partnership.ended', providerAdmin, {});
		const state = project(partnershipRef, log);
		const again = (invitationId: string) =>
			event('partnership.invited', SYSTEM, { invitationId, expiresAt: T0 + 30 * DAY });
		expect(checkAppend(partnershipRef, state, again('inv-1'), actor(SYSTEM, []))).toMatchObject({
			ok: false,
			code: 'error_invitation_redeemed'
		});
		expect(checkAppend(partnershipRef, state, again('inv-2'), actor(SYSTEM, []))).toMatchObject({
			ok: true
		});
	});

	it('lets a refused creation leave its id free (it created nothing)', () => {
		const { log, push, event } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		// Pat's address is taken (by Pat), so the projection refuses it: no user was created.
		push(
			'user.added',
			providerAdmin,
			userAdded('kim', ['salesAgent'], { email: 'pat@example.com' })
		);
		const state = project(providerRef, log);
		expect(state.superseded.map((s) => s.code)).toEqual(['error_email_taken']);
		const retry = event('user.added', providerAdmin, userAdded('kim', ['salesAgent']));
		expect(
			checkAppend(providerRef, state, retry, actor(providerAdmin, GLOBAL_ADMIN))
		).toMatchObject({
			ok: true
		});
	});

	it('refuses duplicates within one update: the same event id twice, or the same created id', () => {
		const { log, event } = customerWithOrder();
		const state = project(customerRef, log);
		const admin = actor(resellerAdmin, ['adminAgent']);
		const first = event('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-a',
			displayName: 'A',
			userName: 'a@tailspin.example.com'
		});
		const sameId = { ...first, payload: { ...first.payload, tenantUserId: 'tu-b' } };
		expect(checkAppends(customerRef, state, [first, sameId], admin)).toMatchObject([
			{ ok: true },
			{ ok: false, code: 'error_duplicate_event' }
		]);
		const sameUser = event('tenantUser.added', resellerAdmin, { ...first.payload } as never);
		expect(checkAppends(customerRef, state, [first, sameUser], admin)).toMatchObject([
			{ ok: true },
			{ ok: false, code: 'error_tenant_user_exists' }
		]);
		// Alone, each of them would have been accepted.
		expect(checkAppend(customerRef, state, sameUser, admin)).toMatchObject({ ok: true });
	});

	it('keeps the first copy in a log written before the door refused copies', () => {
		const { log, push } = customerWithOrder();
		push('order.submitted', sales, {
			orderId: 'o-1',
			onBehalfOf: null,
			lines: [newSubscription(300)]
		});
		push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Ken',
			userName: 'ken@tailspin.example.com'
		});
		push('tenantUser.removed', resellerAdmin, { tenantUserId: 'tu-1' });
		push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Ken again',
			userName: 'ken@tailspin.example.com'
		});
		const state = project(customerRef, log);
		if (state.kind !== 'customer') throw new Error('customer');
		expect(state.orders['o-1']?.lines).toEqual([newSubscription(40)]);
		expect(state.tenantUsers['tu-1']).toBeUndefined();
		expect(state.superseded.map((s) => s.code)).toEqual([
			'error_order_exists',
			'error_tenant_user_exists'
		]);
	});
});

describe('stamps are bounded by the server’s clock', () => {
	const NOW = T0 + 100 * DAY;
	const stamped = (wall: number, id: string) => ({
		id,
		type: 'user.added',
		at: formatHlc({ wall, counter: 0, node: 'dev' }),
		by: providerAdmin,
		payload: userAdded(`u-${id}`, ['salesAgent'])
	});

	it('refuses far-future and far-past stamps when the server gives its clock, accepts offline work', () => {
		const state = project(providerRef, orgLog(PROVIDER, 'indirectProvider', 'pat').log);
		const admin = actor(providerAdmin, GLOBAL_ADMIN);
		const check = (wall: number, id: string) =>
			checkAppend(providerRef, state, stamped(wall, id), admin, { now: NOW });
		expect(check(NOW + MAX_FUTURE_SKEW_MS + 1, 'a')).toMatchObject({
			ok: false,
			code: 'error_event_in_future'
		});
		expect(
			checkAppend(
				providerRef,
				state,
				{ ...stamped(NOW, 'b'), at: '999999999999999-99999-x' },
				admin,
				{
					now: NOW
				}
			)
		).toMatchObject({ ok: false, code: 'error_event_in_future' });
		expect(check(1_000, 'c')).toMatchObject({ ok: false, code: 'error_event_too_old' });
		expect(check(NOW - MAX_PAST_AGE_MS - 1, 'd')).toMatchObject({
			ok: false,
			code: 'error_event_too_old'
		});
		expect(check(NOW - 30 * DAY, 'e')).toMatchObject({ ok: true });
		expect(check(NOW + 60_000, 'f')).toMatchObject({ ok: true });
		// A device checks its own events without the server's clock: the bound is the server's.
		expect(checkAppend(providerRef, state, stamped(1_000, 'g'), admin)).toMatchObject({ ok: true });
	});
});
