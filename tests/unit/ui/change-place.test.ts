// Where the shell's notice of refused changes sends the person: the page each change was made on.
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '$lib/domain/events';
import { changePlace } from '$lib/ui/change-place';
import { userAdded } from '../factories';

function change(doc: string, type: string, payload: unknown = {}) {
	const event = {
		id: 'e-1',
		type,
		at: '000000000000000:0000:test',
		by: { userId: 'rita', orgId: 'contoso' },
		payload
	} as DomainEvent;
	return { doc, event };
}

describe('change place', () => {
	it('sends a refused Add user to User management', () => {
		expect(
			changePlace(
				change('org/contoso', 'user.added', userAdded('kai', ['salesAgent'])),
				'indirectReseller'
			)
		).toEqual({ page: '/settings/user-management', href: '/settings/user-management' });
	});

	it('sends an order to the customer’s record, named as the viewer’s menu names it', () => {
		const order = change('customer/wingtip', 'order.submitted');
		expect(changePlace(order, 'indirectProvider')).toEqual({
			page: '/customers',
			href: '/customers/wingtip'
		});
		expect(changePlace(order, 'customer').page).toBe('/organization');
	});

	it('sends an authorization to its partnership, and invitations to the list they were sent from', () => {
		expect(
			changePlace(
				change('partnership/northwind/contoso', 'partnership.authorized'),
				'indirectReseller'
			)
		).toEqual({
			page: '/partnerships',
			href: '/partnerships/northwind/contoso'
		});
		expect(
			changePlace(
				change('invitations/northwind', 'invitation.created', { kind: 'reseller' }),
				'indirectProvider'
			).page
		).toBe('/indirect-resellers');
		expect(
			changePlace(
				change('invitations/contoso', 'invitation.created', { kind: 'customer' }),
				'indirectReseller'
			).page
		).toBe('/customers');
		expect(
			changePlace(
				change('invitations/northwind', 'invitation.revoked', { invitationId: 'i' }),
				'indirectProvider'
			).page
		).toBe('/indirect-resellers');
	});

	it('sends a review decision to the application, and anything else to Pending changes', () => {
		expect(changePlace(change('org/contoso', 'enrollment.approved'), 'programOperator')).toEqual({
			page: '/enrollment-review',
			href: '/enrollment-review/contoso'
		});
		expect(changePlace(change('directory', 'directory.entryUpdated'), 'programOperator')).toEqual({
			page: '/pending-changes',
			href: '/pending-changes'
		});
	});
});
