import { describe, expect, it } from 'vitest';
import type { DocumentRef } from '$lib/domain/documents';
import { buildEvent, EVENT_RULES, EVENT_TYPES } from '$lib/domain/events';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';
import { can, ROLES, type Role } from '$lib/domain/permissions';
import {
	accessBasis,
	accessCandidates,
	accessFor,
	accessGrants
} from '$lib/flows/documents/access';
import { checkAppend } from '$lib/flows/documents/append-gate';
import { createProjector } from '$lib/flows/documents/projection';
import { rolesOf } from '$lib/flows/users/org-queries';
import { type DocumentProjection } from '$lib/flows/documents/document-state';
import { SAMPLE_PAYLOADS } from '../samples';
import { createLog, SYSTEM, T0, userAdded } from '../../factories';
import {
	customerAdmin,
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
	resellerAdmin,
	reviewer
} from '../scenarios';

const providerRef = { kind: 'org', orgId: PROVIDER } as const;
/** The org documents the server gives the door and access (`related`), found by name. */
const orgsRelated =
	(...states: DocumentProjection[]) =>
	(ref: DocumentRef) =>
		states.find((state) => state.kind === 'org' && ref.kind === 'org' && state.orgId === ref.orgId);

function at(n = 1) {
	return `${String(T0 + n).padStart(15, '0')}-00000-dev`;
}

describe('rolesOf', () => {
	it('gives a user’s current roles, and none once disabled or removed', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		push('user.rolesChanged', providerAdmin, {
			userId: 'sam',
			roles: ['salesAgent', 'adminAgent']
		});
		const state = project(providerRef, log);
		if (state.kind !== 'org') throw new Error('org');
		expect(rolesOf(state, 'sam')).toEqual(['salesAgent', 'adminAgent']);
		expect(rolesOf(state, 'nobody')).toEqual([]);
		push('user.disabled', providerAdmin, { userId: 'sam' });
		const after = project(providerRef, log);
		if (after.kind !== 'org') throw new Error('org');
		expect(rolesOf(after, 'sam')).toEqual([]);
	});
});

describe('accessFor', () => {
	it('opens an org document to its own users, not to other orgs', () => {
		const state = project(providerRef, orgLog(PROVIDER, 'indirectProvider', 'pat').log);
		expect(accessFor(providerRef, state, providerAdmin)).toBe('write');
		expect(accessFor(providerRef, state, resellerAdmin)).toBe('none');
	});

	it('closes an org document to a removed user', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		push('user.removed', providerAdmin, { userId: 'sam' });
		expect(
			accessFor(providerRef, project(providerRef, log), { userId: 'sam', orgId: PROVIDER })
		).toBe('none');
	});

	it('opens an applicant’s org document to the program operator once the application is submitted', () => {
		const { log, push } = orgLog(RESELLER, 'indirectReseller', 'rio', {
			alreadyEnrolledInCsp: true,
			mpnId: '1234567'
		});
		const ref = { kind: 'org', orgId: RESELLER } as const;
		expect(accessFor(ref, project(ref, log), reviewer)).toBe('none');
		push('enrollment.submitted', resellerAdmin, {
			track: 'alreadyEnrolled',
			support: { email: 'help@contoso.com' }
		});
		expect(accessFor(ref, project(ref, log), reviewer)).toBe('write');
	});

	it('lets an authorized provider with admin access read its reseller’s org document, until access is removed', () => {
		const ref = { kind: 'org', orgId: RESELLER } as const;
		const reseller = project(ref, orgLog(RESELLER, 'indirectReseller', 'rio').log);
		const partnership = partnershipLog();
		partnership.push('partnership.authorized', resellerAdmin, { acknowledged: true });
		let related: DocumentProjection = project(partnershipRef, partnership.log);
		expect(accessFor(ref, reseller, providerAdmin, () => related)).toBe('read');
		partnership.push('partnership.adminAccessRemoved', resellerAdmin, {});
		related = project(partnershipRef, partnership.log);
		expect(accessFor(ref, reseller, providerAdmin, () => related)).toBe('none');
	});

	it('opens a partnership to both sides once invited, read-only after it ends', () => {
		const { log, push } = partnershipLog();
		expect(accessFor(partnershipRef, project(partnershipRef, []), resellerAdmin)).toBe('none');
		expect(accessFor(partnershipRef, project(partnershipRef, log), resellerAdmin)).toBe('write');
		expect(accessFor(partnershipRef, project(partnershipRef, log), providerAdmin)).toBe('write');
		expect(accessFor(partnershipRef, project(partnershipRef, log), customerAdmin)).toBe('none');
		push('partnership.ended', providerAdmin, {});
		expect(accessFor(partnershipRef, project(partnershipRef, log), resellerAdmin)).toBe('read');
	});

	it('opens a customer to a reseller only once the customer accepts, and closes it when it ends', () => {
		const pending = customerLog({ accepted: false });
		expect(accessFor(customerRef, project(customerRef, pending.log), resellerAdmin)).toBe('none');
		expect(accessFor(customerRef, project(customerRef, pending.log), customerAdmin)).toBe('write');
		const accepted = customerLog();
		expect(accessFor(customerRef, project(customerRef, accepted.log), resellerAdmin)).toBe('write');
		expect(accessFor(customerRef, project(customerRef, accepted.log), providerAdmin)).toBe('none');
		accepted.push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'all' });
		expect(accessFor(customerRef, project(customerRef, accepted.log), resellerAdmin)).toBe('none');
	});

	it('opens a customer to the provider of a combined invitation while its part lasts', () => {
		const { log, push } = customerLog({ combined: true });
		expect(accessFor(customerRef, project(customerRef, log), providerAdmin)).toBe('write');
		push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'provider' });
		expect(accessFor(customerRef, project(customerRef, log), providerAdmin)).toBe('none');
		expect(accessFor(customerRef, project(customerRef, log), resellerAdmin)).toBe('write');
	});

	it('opens an org’s invitations document to its live users, by its org document, and to no other org', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		push('user.passwordChanged', SYSTEM, { userId: 'sam' });
		const sam = { userId: 'sam', orgId: PROVIDER };
		const links = invitationsLog(PROVIDER);
		links.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		const state = project(providerLinksRef, links.log);
		const live = orgsRelated(project(providerRef, log));
		expect(accessFor(providerLinksRef, state, providerAdmin, live)).toBe('write');
		expect(accessFor(providerLinksRef, state, sam, live)).toBe('write');
		// Another org's user, whatever its roles.
		expect(accessFor(providerLinksRef, state, resellerAdmin, live)).toBe('none');
		expect(
			accessFor(providerLinksRef, state, { ...resellerAdmin, roles: ['globalAdmin'] }, live)
		).toBe('none');
		push('user.disabled', providerAdmin, { userId: 'sam' });
		const disabled = orgsRelated(project(providerRef, log));
		expect(accessFor(providerLinksRef, state, sam, disabled)).toBe('none');
		expect(accessFor(providerLinksRef, state, providerAdmin, disabled)).toBe('write');
		push('user.enabled', providerAdmin, { userId: 'sam' });
		expect(accessFor(providerLinksRef, state, sam, orgsRelated(project(providerRef, log)))).toBe(
			'write'
		);
		push('user.removed', providerAdmin, { userId: 'sam' });
		expect(accessFor(providerLinksRef, state, sam, orgsRelated(project(providerRef, log)))).toBe(
			'none'
		);
		// An empty one (no link sent yet) opens the same way: its users write the first link.
		expect(accessFor(providerLinksRef, project(providerLinksRef, []), providerAdmin, live)).toBe(
			'write'
		);
	});

	it('lets every signed-in user read the directory and only the program write it', () => {
		const state = project({ kind: 'directory' }, []);
		expect(accessFor({ kind: 'directory' }, state, resellerAdmin)).toBe('read');
		expect(accessFor({ kind: 'directory' }, state, reviewer)).toBe('write');
		expect(
			accessFor({ kind: 'directory' }, state, { userId: SYSTEM_USER_ID, orgId: PROGRAM_ORG_ID })
		).toBe('write');
	});
});

describe('reads follow roles', () => {
	const as = (viewer: { userId: string; orgId: string }, ...roles: Role[]) => ({
		...viewer,
		roles
	});

	it('gives a Billing admin of a reseller of record no customer document, and its agents the document', () => {
		const state = project(customerRef, customerLog().log);
		expect(accessFor(customerRef, state, as(resellerAdmin, 'billingAdmin'))).toBe('none');
		for (const role of ['referralsAdmin', 'incentivesAdmin', 'accountAdmin'] as const) {
			expect(accessFor(customerRef, state, as(resellerAdmin, role)), role).toBe('none');
		}
		for (const role of ['globalAdmin', 'adminAgent', 'salesAgent', 'helpdeskAgent'] as const) {
			expect(accessFor(customerRef, state, as(resellerAdmin, role)), role).toBe('write');
		}
		// The customer's own admins answer relationships there.
		expect(accessFor(customerRef, state, as(customerAdmin, 'globalAdmin'))).toBe('write');
		expect(accessFor(customerRef, state, as(customerAdmin, 'billingAdmin'))).toBe('none');
		// A user with no roles at all (not yet in the org's log) gets nothing either.
		expect(accessFor(customerRef, state, as(resellerAdmin))).toBe('none');
	});

	it('gives a Billing admin no partnership, but its own org and the directory', () => {
		const partnership = project(partnershipRef, partnershipLog().log);
		expect(accessFor(partnershipRef, partnership, as(resellerAdmin, 'billingAdmin'))).toBe('none');
		expect(accessFor(partnershipRef, partnership, as(resellerAdmin, 'salesAgent'))).toBe('write');
		const own = project(providerRef, orgLog(PROVIDER, 'indirectProvider', 'pat').log);
		expect(accessFor(providerRef, own, as(providerAdmin, 'billingAdmin'))).toBe('write');
		const directory = project({ kind: 'directory' }, []);
		expect(accessFor({ kind: 'directory' }, directory, as(resellerAdmin, 'billingAdmin'))).toBe(
			'read'
		);
	});

	it('gives the org’s links to whoever sends, manages partners or views customers, not a Billing admin', () => {
		const state = project(providerLinksRef, []);
		for (const role of ['globalAdmin', 'adminAgent', 'salesAgent', 'helpdeskAgent'] as const) {
			expect(accessFor(providerLinksRef, state, as(providerAdmin, role)), role).toBe('write');
		}
		for (const role of ['billingAdmin', 'referralsAdmin'] as const) {
			expect(accessFor(providerLinksRef, state, as(providerAdmin, role)), role).toBe('none');
		}
		expect(accessFor(providerLinksRef, state, as(resellerAdmin, 'globalAdmin'))).toBe('none');
	});

	it('opens another org’s document only to the roles that work with it', () => {
		const { log, push } = orgLog(RESELLER, 'indirectReseller', 'rio', {
			alreadyEnrolledInCsp: true,
			mpnId: '1234567'
		});
		push('enrollment.submitted', resellerAdmin, {
			track: 'alreadyEnrolled',
			support: { email: 'help@contoso.com' }
		});
		const ref = { kind: 'org', orgId: RESELLER } as const;
		const application = project(ref, log);
		expect(accessFor(ref, application, as(reviewer, 'adminAgent'))).toBe('write');
		expect(accessFor(ref, application, as(reviewer, 'billingAdmin'))).toBe('none');
		const partnership = partnershipLog();
		partnership.push('partnership.authorized', resellerAdmin, { acknowledged: true });
		const related = () => project(partnershipRef, partnership.log);
		expect(accessFor(ref, application, as(providerAdmin, 'adminAgent'), related)).toBe('read');
		expect(accessFor(ref, application, as(providerAdmin, 'salesAgent'), related)).toBe('none');
	});

	it('refuses an org the customer document named after it until the server made it a customer’s', () => {
		// A provider or reseller opening `customer/<its own id>` would get a customer document to write.
		const own = { kind: 'customer', customerId: PROVIDER } as const;
		expect(accessFor(own, project(own, []), providerAdmin)).toBe('none');
		expect(accessFor(own, project(own, []), as(providerAdmin, 'globalAdmin'))).toBe('none');
		expect(accessFor(customerRef, project(customerRef, customerLog().log), customerAdmin)).toBe(
			'write'
		);
	});
});

describe('accessCandidates', () => {
	const viewers = [resellerAdmin, providerAdmin, customerAdmin, reviewer];
	const orgViewer = (orgId: string) => ({ userId: '', orgId });

	it('names every org a partnership or customer document could open to, at every step of its log', () => {
		const partnership = partnershipLog();
		partnership.push('partnership.ended', providerAdmin, {});
		const combined = customerLog({ combined: true });
		combined.push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'all' });
		const cases = [
			{ ref: partnershipRef, log: partnership.log },
			{ ref: customerRef, log: combined.log },
			{ ref: customerRef, log: customerLog({ accepted: false }).log }
		];
		for (const { ref, log } of cases) {
			for (let n = 0; n <= log.length; n += 1) {
				const state = project(ref, log.slice(0, n));
				const candidates = accessCandidates(ref, state) ?? [];
				for (const viewer of viewers) {
					if (accessFor(ref, state, orgViewer(viewer.orgId)) !== 'none') {
						expect(candidates).toContain(viewer.orgId);
					}
				}
			}
		}
		expect(accessCandidates(customerRef, project(customerRef, combined.log))).toEqual(
			expect.arrayContaining([customerRef.customerId, RESELLER, PROVIDER])
		);
	});

	it('names only the org itself for its invitations document', () => {
		const links = invitationsLog(PROVIDER);
		links.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		for (let n = 0; n <= links.log.length; n += 1) {
			const state = project(providerLinksRef, links.log.slice(0, n));
			expect(accessCandidates(providerLinksRef, state)).toEqual([PROVIDER]);
		}
	});

	it('leaves the directory to every org (everyone may read it)', () => {
		expect(accessCandidates({ kind: 'directory' }, project({ kind: 'directory' }, []))).toBeNull();
	});

	it('names an org and the program for its org document, and a provider only through its partnership', () => {
		const resellerRef = { kind: 'org', orgId: RESELLER } as const;
		const { log, push } = orgLog(RESELLER, 'indirectReseller', 'rio', {
			alreadyEnrolledInCsp: true,
			mpnId: '1234567'
		});
		push('enrollment.submitted', resellerAdmin, {
			track: 'alreadyEnrolled',
			support: { email: 'help@contoso.com' }
		});
		const partnership = partnershipLog();
		partnership.push('partnership.authorized', resellerAdmin, { acknowledged: true });
		const related = (ref: DocumentRef) =>
			ref.kind === 'partnership' &&
			ref.providerId === partnershipRef.providerId &&
			ref.resellerId === partnershipRef.resellerId
				? project(partnershipRef, partnership.log)
				: undefined;
		const granted = accessGrants(partnershipRef).map((grant) => [grant.ref, grant.orgId]);
		for (let n = 0; n <= log.length; n += 1) {
			const state = project(resellerRef, log.slice(0, n));
			const candidates = accessCandidates(resellerRef, state);
			expect(candidates).toEqual([RESELLER, PROGRAM_ORG_ID]);
			for (const viewer of viewers) {
				if (accessFor(resellerRef, state, orgViewer(viewer.orgId), related) === 'none') continue;
				if (candidates?.includes(viewer.orgId)) continue;
				expect(granted).toContainEqual([resellerRef, viewer.orgId]);
			}
		}
		expect(accessFor(resellerRef, project(resellerRef, log), orgViewer(PROVIDER), related)).toBe(
			'read'
		);
		expect(accessGrants(customerRef)).toEqual([]);
		expect(accessGrants(resellerRef)).toEqual([]);
	});
});

describe('accessBasis', () => {
	const viewers = [
		providerAdmin,
		resellerAdmin,
		customerAdmin,
		reviewer,
		{ userId: 'sam', orgId: PROVIDER },
		{ userId: 'sam', orgId: RESELLER }
	];
	const orgViewer = (orgId: string) => ({ userId: '', orgId });
	const resellerRef = { kind: 'org', orgId: RESELLER } as const;
	const tenantUser = (n: number) => ({
		...SAMPLE_PAYLOADS['tenantUser.added'],
		tenantUserId: `tu-${n}`,
		userName: `user${n}@tailspin.example.com`
	});

	/** What every viewer (as a user and as an org) may do, and who the candidates are. */
	function accessTable(ref: DocumentRef, state: DocumentProjection) {
		// The reseller's org document looks at the partnership: its access is part of the table.
		const reseller = project(resellerRef, orgLog(RESELLER, 'indirectReseller', 'rio').log);
		return {
			candidates: accessCandidates(ref, state),
			access: viewers.flatMap((viewer) => [
				accessFor(ref, state, viewer),
				accessFor(ref, state, orgViewer(viewer.orgId))
			]),
			dependent:
				ref.kind === 'partnership'
					? viewers.map((viewer) => accessFor(resellerRef, reseller, viewer, () => state))
					: []
		};
	}

	it('changes whenever the access of anyone to the document, or to one looking at it, does', () => {
		const org = orgLog(RESELLER, 'indirectReseller', 'rio', {
			alreadyEnrolledInCsp: true,
			mpnId: '1234567'
		});
		org.push('user.added', resellerAdmin, userAdded('sam', ['salesAgent']));
		org.push('user.rolesChanged', resellerAdmin, { userId: 'sam', roles: ['adminAgent'] });
		org.push('enrollment.submitted', resellerAdmin, {
			track: 'alreadyEnrolled',
			support: { email: 'help@contoso.com' }
		});
		org.push('user.disabled', resellerAdmin, { userId: 'sam' });
		org.push('user.enabled', resellerAdmin, { userId: 'sam' });
		org.push('user.removed', resellerAdmin, { userId: 'sam' });
		const partnership = partnershipLog();
		partnership.push('partnership.authorized', resellerAdmin, { acknowledged: true });
		partnership.push('partnership.adminAccessRemoved', resellerAdmin, {});
		partnership.push('partnership.ended', providerAdmin, {});
		const customer = customerLog({ combined: true, accepted: false });
		customer.push('tenantUser.added', customerAdmin, tenantUser(1));
		customer.push('relationship.accepted', customerAdmin, { relationshipId: 'rel-1' });
		customer.push('tenantUser.added', customerAdmin, tenantUser(2));
		customer.push('relationship.ended', customerAdmin, {
			relationshipId: 'rel-1',
			scope: 'provider'
		});
		customer.push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'all' });
		// An org's links open to whom its org document says: their own log changes no one's access.
		const links = invitationsLog(PROVIDER);
		links.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		links.push('invitation.addressed', providerAdmin, {
			invitationId: 'inv-1',
			recipient: 'partners@adatum.example'
		});
		links.push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		const cases = [
			{ ref: resellerRef, log: org.log },
			{ ref: partnershipRef, log: partnership.log },
			{ ref: customerRef, log: customer.log },
			{ ref: providerLinksRef, log: links.log }
		];
		let changes = 0;
		for (const { ref, log } of cases) {
			for (let n = 1; n <= log.length; n += 1) {
				const before = project(ref, log.slice(0, n - 1));
				const after = project(ref, log.slice(0, n));
				if (accessBasis(before) === accessBasis(after)) {
					expect(accessTable(ref, after), `${ref.kind} entry ${n}`).toEqual(
						accessTable(ref, before)
					);
				} else changes += 1;
			}
		}
		// Not vacuous: most of these entries open or close something.
		expect(changes).toBeGreaterThan(10);
	});

	it('stays the same for edits that open nothing to anyone (tenant users, roles)', () => {
		const customer = customerLog();
		const before = accessBasis(project(customerRef, customer.log));
		customer.push('tenantUser.added', customerAdmin, tenantUser(1));
		expect(accessBasis(project(customerRef, customer.log))).toBe(before);
		const org = orgLog(PROVIDER, 'indirectProvider', 'pat');
		org.push('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		const orgBefore = accessBasis(project(providerRef, org.log));
		// Reads follow roles: a role change that opens nothing new (a Helpdesk agent reads what a
		// Sales agent does) re-decides nothing; one that does (below) changes the basis.
		org.push('user.rolesChanged', providerAdmin, {
			userId: 'sam',
			roles: ['salesAgent', 'helpdeskAgent']
		});
		expect(accessBasis(project(providerRef, org.log))).toBe(orgBefore);
	});

	it('changes when a user’s roles change what they may read (their connections are re-decided)', () => {
		const org = orgLog(PROVIDER, 'indirectProvider', 'pat');
		org.push('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		const before = accessBasis(project(providerRef, org.log));
		org.push('user.rolesChanged', providerAdmin, { userId: 'sam', roles: ['billingAdmin'] });
		expect(accessBasis(project(providerRef, org.log))).not.toBe(before);
	});

	it('changes when the server makes a document a customer’s (its own org may open it then)', () => {
		const { event } = createLog('customer');
		const created = event('customer.created', SYSTEM, {
			legalName: 'Tailspin',
			domain: 'tailspin.example.com',
			country: 'JP'
		});
		expect(accessBasis(project(customerRef, [created]))).not.toBe(
			accessBasis(project(customerRef, []))
		);
	});
});

describe('checkAppend', () => {
	const providerState = project(providerRef, orgLog(PROVIDER, 'indirectProvider', 'pat').log);
	const linksState = project(providerLinksRef, []);
	const invite = buildEvent('invitation.created', invitationPayload('inv-9'), {
		id: 'e-9',
		at: at(),
		by: providerAdmin
	});
	const admin = { ...providerAdmin, roles: ['globalAdmin'] as const };

	it('accepts a well-formed event by the signed-in user with the capability', () => {
		expect(checkAppend(providerLinksRef, linksState, invite, admin)).toEqual({
			ok: true,
			event: invite
		});
	});

	it('refuses a malformed event with its schema code', () => {
		const result = checkAppend(
			providerLinksRef,
			linksState,
			{ ...invite, payload: { ...invite.payload, tokenHash: 'x' } },
			admin
		);
		expect(result).toMatchObject({ ok: false, code: 'error_token_hash_invalid' });
	});

	it('refuses an event written in another user’s name', () => {
		const result = checkAppend(providerLinksRef, linksState, invite, {
			userId: 'sam',
			orgId: PROVIDER,
			roles: ['globalAdmin']
		});
		expect(result).toMatchObject({ ok: false, code: 'error_author_mismatch' });
	});

	it('refuses a role without the capability', () => {
		const forged = { ...invite, by: { userId: 'hal', orgId: PROVIDER } };
		const result = checkAppend(providerLinksRef, linksState, forged, {
			userId: 'hal',
			orgId: PROVIDER,
			roles: ['helpdeskAgent']
		});
		expect(result).toMatchObject({ ok: false, code: 'error_missing_capability' });
	});

	it('refuses a system event from anyone but the server', () => {
		const forged = buildEvent(
			'user.passwordChanged',
			{ userId: 'pat' },
			{ id: 'e-1', at: at(), by: providerAdmin }
		);
		expect(checkAppend(providerRef, providerState, forged, admin)).toMatchObject({
			ok: false,
			code: 'error_system_only'
		});
		const real = buildEvent(
			'user.passwordChanged',
			{ userId: 'pat' },
			{ id: 'e-1', at: at(), by: SYSTEM }
		);
		expect(checkAppend(providerRef, providerState, real, { ...SYSTEM, roles: [] })).toMatchObject({
			ok: true
		});
	});

	it('refuses an event in the wrong kind of document', () => {
		const event = buildEvent(
			'partnership.authorized',
			{ acknowledged: true },
			{ id: 'e-2', at: at(), by: providerAdmin }
		);
		expect(checkAppend(providerRef, providerState, event, admin)).toMatchObject({
			ok: false,
			code: 'error_wrong_document'
		});
	});

	it('refuses a new link in the org document (links live in the org’s invitations document)', () => {
		expect(checkAppend(providerRef, providerState, invite, admin)).toMatchObject({
			ok: false,
			code: 'error_wrong_document'
		});
		const revoke = buildEvent(
			'invitation.revoked',
			{ invitationId: 'inv-9' },
			{ id: 'e-10', at: at(), by: providerAdmin }
		);
		expect(checkAppend(providerRef, providerState, revoke, admin)).toMatchObject({
			ok: false,
			code: 'error_wrong_document'
		});
		// nor an org event in the invitations document
		const add = buildEvent('user.added', userAdded('sam', ['salesAgent']), {
			id: 'e-11',
			at: at(),
			by: providerAdmin
		});
		expect(checkAppend(providerLinksRef, linksState, add, admin)).toMatchObject({
			ok: false,
			code: 'error_wrong_document'
		});
	});

	it('refuses an org that is not a party: another org’s document, the wrong side of a partnership', () => {
		const other = { userId: 'rio', orgId: RESELLER, roles: ['globalAdmin'] as const };
		const inOtherOrg = { ...invite, by: { userId: 'rio', orgId: RESELLER } };
		expect(checkAppend(providerLinksRef, linksState, inOtherOrg, other)).toMatchObject({
			ok: false,
			code: 'error_not_a_party'
		});
		const partnership = project(partnershipRef, partnershipLog().log);
		const byProvider = buildEvent(
			'partnership.authorized',
			{ acknowledged: true },
			{ id: 'e-3', at: at(), by: providerAdmin }
		);
		expect(checkAppend(partnershipRef, partnership, byProvider, admin)).toMatchObject({
			ok: false,
			code: 'error_not_a_party'
		});
		const byReseller = { ...byProvider, by: { userId: 'rio', orgId: RESELLER } };
		expect(checkAppend(partnershipRef, partnership, byReseller, other)).toMatchObject({ ok: true });
	});

	it('refuses a forged order from a provider without a relationship with the customer', () => {
		const state = project(customerRef, customerLog().log);
		const order = buildEvent(
			'order.submitted',
			{
				orderId: 'o-1',
				onBehalfOf: RESELLER,
				lines: [{ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity: 5 }]
			},
			{ id: 'e-4', at: at(), by: providerAdmin }
		);
		expect(checkAppend(customerRef, state, order, admin)).toMatchObject({
			ok: false,
			code: 'error_not_a_party'
		});
		const combined = project(customerRef, customerLog({ combined: true }).log);
		expect(checkAppend(customerRef, combined, order, admin)).toMatchObject({ ok: true });
	});

	it('refuses the wrong kind of invitation for the org, its kind read from its org document', () => {
		const event = buildEvent('invitation.created', invitationPayload('inv-2', 'customer'), {
			id: 'e-5',
			at: at(),
			by: providerAdmin
		});
		const related = { related: orgsRelated(providerState) };
		expect(checkAppend(providerLinksRef, linksState, event, admin, related)).toMatchObject({
			ok: false,
			code: 'error_wrong_org_kind'
		});
		// A provider's reseller link is what it may send.
		expect(checkAppend(providerLinksRef, linksState, invite, admin, related)).toMatchObject({
			ok: true
		});
		// An org the server does not know sends none.
		expect(
			checkAppend(providerLinksRef, linksState, invite, admin, { related: () => undefined })
		).toMatchObject({ ok: false, code: 'error_wrong_org_kind' });
		// The device's own check has no org documents to read: the kind is left to the server.
		expect(checkAppend(providerLinksRef, linksState, event, admin)).toMatchObject({ ok: true });
	});

	it('refuses a User management admin who grants Global admin', () => {
		const manager = { userId: 'uma', orgId: PROVIDER, roles: ['userManagementAdmin'] as const };
		const grant = buildEvent('user.added', userAdded('eve', ['globalAdmin']), {
			id: 'e-6',
			at: at(),
			by: { userId: 'uma', orgId: PROVIDER }
		});
		expect(checkAppend(providerRef, providerState, grant, manager)).toMatchObject({
			ok: false,
			code: 'error_global_admin_required'
		});
		const demote = buildEvent(
			'user.rolesChanged',
			{ userId: 'pat', roles: [] },
			{ id: 'e-7', at: at(), by: { userId: 'uma', orgId: PROVIDER } }
		);
		expect(checkAppend(providerRef, providerState, demote, manager)).toMatchObject({
			ok: false,
			code: 'error_global_admin_required'
		});
	});

	it('leaves concurrent business refusals to the projection (an authorization after a revocation)', () => {
		const { log, push } = partnershipLog();
		push('partnership.revoked', providerAdmin, {});
		const state = project(partnershipRef, log);
		const late = buildEvent(
			'partnership.authorized',
			{ acknowledged: true },
			{ id: 'e-8', at: at(), by: resellerAdmin }
		);
		expect(
			checkAppend(partnershipRef, state, late, { ...resellerAdmin, roles: ['adminAgent'] })
		).toMatchObject({ ok: true });
	});

	it('refuses, for every event type and every role without its capability, the forged event', () => {
		let checked = 0;
		for (const type of EVENT_TYPES) {
			const { capability, document } = EVENT_RULES[type];
			if (capability === 'system') continue;
			const ref = {
				org: providerRef,
				invitations: providerLinksRef,
				partnership: partnershipRef,
				customer: customerRef,
				directory: { kind: 'directory' } as const
			}[document];
			for (const role of ROLES.filter((r) => !can([r], capability))) {
				const by = { userId: 'forger', orgId: PROVIDER };
				const candidate = buildEvent(type, SAMPLE_PAYLOADS[type] as never, {
					id: 'e-x',
					at: at(),
					by
				});
				const result = checkAppend(ref, project(ref, []), candidate, { ...by, roles: [role] });
				expect(result, `${type} by ${role}`).toMatchObject({
					ok: false,
					code: 'error_missing_capability'
				});
				checked += 1;
			}
		}
		expect(checked).toBeGreaterThan(100);
	});
});

describe('projection basics', () => {
	it('keeps malformed entries as invalid and duplicates as invalid, applying neither', () => {
		const { log } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		const state = project(providerRef, [...log, { nonsense: true }, log[1], 42]);
		expect(state.invalid.map((entry) => [entry.index, entry.code])).toEqual([
			[3, 'error_event_unknown_type'],
			[4, 'error_duplicate_event'],
			[5, 'error_event_malformed']
		]);
		expect(state.length).toBe(6);
	});

	it('supersedes a system event written by a user, and events before the org exists', () => {
		const { event } = createLog('x');
		const state = project(providerRef, [
			event('user.added', providerAdmin, userAdded('pat', ['globalAdmin'])),
			event('org.created', providerAdmin, {
				kind: 'indirectProvider',
				legalName: 'F',
				country: 'JP',
				tenant: null,
				mpnId: null,
				alreadyEnrolledInCsp: false
			})
		]);
		expect(state.superseded.map((s) => s.code)).toEqual(['error_org_missing', 'error_system_only']);
	});

	it('is byte-identical whether the log is appended at once or one entry at a time', () => {
		const { log, push } = invitationsLog(PROVIDER);
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' });
		push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		const stepwise = createProjector(providerLinksRef);
		for (const entry of log) stepwise.append([entry]);
		expect(JSON.stringify(stepwise.state)).toBe(JSON.stringify(project(providerLinksRef, log)));
		expect(stepwise.state.superseded.map((s) => s.code)).toEqual(['error_invitation_revoked']);
		// An org document with links from before they had their own passes over them alike.
		const legacy = orgLog(PROVIDER, 'indirectProvider', 'pat');
		for (const entry of log) legacy.log.push(entry);
		const org = createProjector(providerRef);
		for (const entry of legacy.log) org.append([entry]);
		expect(JSON.stringify(org.state)).toBe(JSON.stringify(project(providerRef, legacy.log)));
		expect(org.state.superseded).toEqual([]);
	});
});
