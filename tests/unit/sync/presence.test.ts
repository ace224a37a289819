import { describe, expect, it } from 'vitest';
import { initialsOf } from '$lib/i18n/names';
import { peersOn } from '$lib/sync/presence';

const stamp = (userId: string, fullName: string, view?: string) => ({
	...(view ? { view } : {}),
	verifiedUser: { userId, orgId: `org-${userId}`, fullName, orgName: `Org ${userId}` }
});

describe('presence', () => {
	it('lists each other user on the view once, sorted by name, without oneself', () => {
		const states = new Map<number, unknown>([
			[1, stamp('me', 'Me Myself', 'customer-record')],
			[2, stamp('b', 'Bea Ito', 'customer-record')],
			[3, stamp('a', 'Alex Kim', 'customer-record')],
			[4, stamp('b', 'Bea Ito', 'customer-record')], // a second tab
			[5, stamp('c', 'Cy Other', 'enrollment-review')],
			[6, stamp('d', 'Dee Idle')], // connected, not on a page
			[7, { view: 'customer-record' }], // not stamped by the server
			[8, null]
		]);
		expect(peersOn(states, 'customer-record', 'me')).toEqual([
			{
				userId: 'a',
				orgId: 'org-a',
				fullName: 'Alex Kim',
				orgName: 'Org a',
				view: 'customer-record'
			},
			{
				userId: 'b',
				orgId: 'org-b',
				fullName: 'Bea Ito',
				orgName: 'Org b',
				view: 'customer-record'
			}
		]);
	});

	it('makes avatar initials from the first and last name', () => {
		expect(initialsOf('Northwind Distribution Admin')).toBe('NA');
		expect(initialsOf('dana')).toBe('D');
		expect(initialsOf('  ')).toBe('');
		expect(initialsOf('山田 太郎')).toBe('山太');
	});
});
