import { describe, expect, it } from 'vitest';
import { EVENT_RULES, EVENT_TYPES } from '$lib/domain/events';
import {
	ADMIN_ROLES,
	AGENT_ROLES,
	CAPABILITIES,
	can,
	capabilitiesOf,
	mayManageUser,
	ROLE_CAPABILITIES,
	ROLES
} from '$lib/domain/permissions';

describe('permission table', () => {
	it('gives a Global admin every capability', () => {
		expect([...capabilitiesOf(['globalAdmin'])].sort()).toEqual([...CAPABILITIES].sort());
	});

	it('lists every Partner Center role from the glossary', () => {
		expect(ROLES).toEqual([...ADMIN_ROLES, ...AGENT_ROLES]);
		expect(Object.keys(ROLE_CAPABILITIES).sort()).toEqual([...ROLES].sort());
	});

	it('grants every capability some role other than Global admin, or only Global admin on purpose', () => {
		const onlyGlobalAdmin = CAPABILITIES.filter(
			(capability) => !ROLES.some((role) => role !== 'globalAdmin' && can([role], capability))
		);
		expect(onlyGlobalAdmin.sort()).toEqual(
			['enroll', 'endRelationships', 'manageGlobalAdmins', 'respondToRelationships'].sort()
		);
	});

	it.each([
		['userManagementAdmin', 'manageUsers', true],
		['userManagementAdmin', 'submitOrders', false],
		['adminAgent', 'manageCustomerTenants', true],
		['adminAgent', 'managePartnerships', true],
		['adminAgent', 'manageUsers', false],
		['salesAgent', 'sendInvitations', true],
		['salesAgent', 'submitOrders', true],
		['salesAgent', 'manageCustomerTenants', false],
		['helpdeskAgent', 'manageCustomerTenants', true],
		['helpdeskAgent', 'submitOrders', false],
		['billingAdmin', 'viewBilling', true],
		['billingAdmin', 'viewCustomers', false],
		['accountAdmin', 'manageOrgProfile', true],
		['referralsAdmin', 'manageReferrals', true],
		['incentivesAdmin', 'manageIncentives', true]
	] as const)('%s may %s: %s', (role, capability, allowed) => {
		expect(can([role], capability)).toBe(allowed);
	});

	it('combines the capabilities of several roles and none for no role', () => {
		expect(can(['salesAgent', 'userManagementAdmin'], 'manageUsers')).toBe(true);
		expect(capabilitiesOf([]).size).toBe(0);
	});

	it('needs a real capability (or the server) for every event type', () => {
		for (const type of EVENT_TYPES) {
			const { capability } = EVENT_RULES[type];
			expect(capability === 'system' || CAPABILITIES.includes(capability)).toBe(true);
		}
	});

	it('lets only a Global admin grant, withdraw or manage Global admin', () => {
		expect(mayManageUser(['userManagementAdmin'], [], ['salesAgent'])).toBe(true);
		expect(mayManageUser(['userManagementAdmin'], [], ['globalAdmin'])).toBe(false);
		expect(mayManageUser(['userManagementAdmin'], ['globalAdmin'], ['salesAgent'])).toBe(false);
		expect(mayManageUser(['userManagementAdmin'], ['globalAdmin'])).toBe(false);
		expect(mayManageUser(['globalAdmin'], ['globalAdmin'], [])).toBe(true);
		expect(mayManageUser(['salesAgent'], [], ['salesAgent'])).toBe(false);
	});
});
