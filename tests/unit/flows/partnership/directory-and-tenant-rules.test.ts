// The documentation's rules for the provider directory and a customer tenant's creation, as
// projections of logs: each case would fail if its rule were dropped.
import { describe, expect, it } from 'vitest';
import * as factories from '../../factories';
import { SYSTEM } from '../../factories';
import { SAMPLE_PAYLOADS } from '../samples';
import { CUSTOMER, customerAdmin, project, providerAdmin, reviewer } from '../scenarios';
import { codes, customer } from '../states';

describe('directory and tenant creation', () => {
	it('refuses tenant events before the server created the tenant', () => {
		const { createLog } = factories;
		const { log, push } = createLog('early');
		push('tenantUser.added', customerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Ken',
			userName: 'ken@tailspin.example.com'
		});
		push('customer.created', SYSTEM, {
			legalName: 'Tailspin',
			domain: 'tailspin.example.com',
			country: 'JP'
		});
		const state = customer(log);
		expect(state.customer?.customerId).toBe(CUSTOMER);
		expect(codes(state)).toEqual(['error_customer_missing']);
	});

	it('publishes a provider once, updates it, and lets only the program write the directory', () => {
		const { log, push } = factories.createLog('dir');
		const entry = SAMPLE_PAYLOADS['directory.entryPublished'];
		push('directory.entryPublished', reviewer, entry);
		push('directory.entryPublished', reviewer, entry);
		push('directory.entryUpdated', reviewer, {
			providerId: entry.providerId,
			regionsServed: ['JP', 'KR', 'TW']
		});
		push('directory.entryUpdated', providerAdmin, {
			providerId: entry.providerId,
			regionsServed: ['US']
		});
		push('directory.entryUpdated', reviewer, { providerId: 'unknown', regionsServed: ['US'] });
		const state = project({ kind: 'directory' }, log);
		if (state.kind !== 'directory') throw new Error('directory');
		expect(state.entries[entry.providerId]?.regionsServed).toEqual(['JP', 'KR', 'TW']);
		expect(codes(state)).toEqual([
			'error_directory_entry_exists',
			'error_not_a_party',
			'error_directory_entry_missing'
		]);
	});
});
