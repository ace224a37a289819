// `--demo-customers N` (issue 20): generated customers of the demo reseller, written through the
// registry's normal append path as a customer who signs up from a combined invitation link.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentProjection } from '../../sync-server/src/authorize';
import { MAX_DEMO_CUSTOMERS, readConfig } from '../../sync-server/src/config';
import { demoCustomer } from '../../sync-server/src/demo-customers';
import { invitationTokenHash } from '../../sync-server/src/invitations/invitation-service';
import { isProviderOfRecord, isResellerOfRecord } from '$lib/flows/customer/customer-queries';
import { CONTOSO_ADMIN, event, startTestServer, type TestServer } from './harness';

let t: TestServer;

beforeAll(async () => {
	t = await startTestServer();
});
afterAll(async () => {
	await t.close();
});

async function listed(email: string): Promise<string[]> {
	const session = await t.signIn(email);
	const response = await fetch(`${t.url}/api/auth/documents`, {
		headers: { cookie: session.cookie }
	});
	const { documents } = (await response.json()) as { documents: { name: string }[] };
	return documents.map((d) => d.name);
}

async function projection(name: string): Promise<DocumentProjection> {
	const ref = t.server.registry.policy.parse(name);
	const state = ref && (await t.server.registry.current(ref));
	if (!state) throw new Error(`${name} is missing`);
	return state;
}

async function eventTypes(name: string): Promise<string[]> {
	const live = await t.server.registry.get(name);
	return (live?.log.toArray() ?? []).map((e) => (e as { type: string }).type);
}

const customerDocs = (n: number) =>
	Array.from({ length: n }, (_, i) => `customer/${demoCustomer(i).customerId}`);

describe('demo customers', () => {
	it('adds 50 customers of Contoso with Northwind as provider of record, listed for both', async () => {
		const seeded = await t.server.seedDemoCustomers(50);
		expect(seeded).toMatchObject({ added: 50, total: 50 });

		const contoso = await listed('admin@contoso.example');
		expect(contoso).toEqual(expect.arrayContaining(customerDocs(50)));
		const northwind = await listed('admin@northwind.example');
		expect(northwind).toEqual(expect.arrayContaining(customerDocs(50)));
		// Adatum, another reseller, sees none of them.
		const adatum = await listed('admin@adatum.example');
		expect(adatum.filter((name) => name.startsWith('customer/demo-customer-'))).toEqual([]);

		for (const index of [0, 17, 49]) {
			const generated = demoCustomer(index);
			const state = await projection(`customer/${generated.customerId}`);
			if (state.kind !== 'customer') throw new Error('not a customer document');
			expect(state.customer).toMatchObject({
				legalName: generated.legalName,
				domain: generated.domain
			});
			expect(isResellerOfRecord(state, 'contoso')).toBe(true);
			expect(isProviderOfRecord(state, 'northwind', 'contoso')).toBe(true);
			const org = await projection(`org/${generated.customerId}`);
			expect(org.kind === 'org' && org.org?.kind).toBe('customer');
		}
	});

	it('gives every generated customer a unique name and tenant domain', () => {
		const domains = new Set<string>();
		const names = new Set<string>();
		for (let index = 0; index < MAX_DEMO_CUSTOMERS; index += 1) {
			const { legalName, domain } = demoCustomer(index);
			domains.add(domain);
			names.add(legalName);
		}
		expect(domains.size).toBe(MAX_DEMO_CUSTOMERS);
		expect(names.size).toBe(MAX_DEMO_CUSTOMERS);
	});

	it("lets a generated customer's admin sign in and list its own documents", async () => {
		const { customerId, adminEmail } = demoCustomer(3);
		expect(await listed(adminEmail)).toEqual(
			expect.arrayContaining([`customer/${customerId}`, `org/${customerId}`])
		);
	});

	it('writes the events a customer signing up from a combined invitation link leaves', async () => {
		const token = randomBytes(32).toString('base64url');
		const created = event('invitation.created', CONTOSO_ADMIN, {
			invitationId: 'link-for-a-real-customer',
			kind: 'customerWithProvider',
			providerId: 'northwind',
			tokenHash: invitationTokenHash(token),
			expiresAt: Date.now() + 86_400_000
		});
		const actor = await t.server.registry.currentActorOf(CONTOSO_ADMIN);
		expect(await t.server.registry.appendEvents('invitations/contoso', [created], actor)).toEqual({
			ok: true
		});
		const answer = await t.server.invitations.createCustomer('127.0.0.1', {
			token,
			company: { legalName: 'Real Signup Ltd', domain: 'real-signup.example', country: 'US' },
			admin: {
				displayName: 'Pat Realperson',
				email: 'pat@real-signup.example',
				password: 'a long and unusual passphrase 41'
			}
		});
		if (!answer.ok) throw new Error(answer.code);
		const real = answer.body.customerId;
		const generated = demoCustomer(0).customerId;
		expect(await eventTypes(`customer/${generated}`)).toEqual(await eventTypes(`customer/${real}`));
		expect(await eventTypes(`org/${generated}`)).toEqual(await eventTypes(`org/${real}`));
	});

	it('adds only the missing ones when run again', async () => {
		expect(await t.server.seedDemoCustomers(50)).toMatchObject({ added: 0, total: 50 });
		expect(await t.server.seedDemoCustomers(60)).toMatchObject({ added: 10, total: 60 });
		const names = await t.server.registry.names();
		expect(names.filter((name) => name.startsWith('customer/demo-customer-'))).toHaveLength(60);
	});
});

describe('--demo-customers and TIERTWO_DEMO_CUSTOMERS', () => {
	const read = (env: Record<string, string>, argv: string[] = []) =>
		readConfig(env, argv).demoCustomers;

	it('is 0 unless asked for', () => {
		expect(read({})).toBe(0);
	});

	it('reads the flag (both spellings) and the environment, the flag first', () => {
		expect(read({}, ['--demo-customers', '1000'])).toBe(1000);
		expect(read({}, ['--demo-customers=250'])).toBe(250);
		expect(read({ TIERTWO_DEMO_CUSTOMERS: '42' })).toBe(42);
		expect(read({ TIERTWO_DEMO_CUSTOMERS: '42' }, ['--demo-customers', '7'])).toBe(7);
		expect(read({}, ['--demo-customers', String(MAX_DEMO_CUSTOMERS)])).toBe(MAX_DEMO_CUSTOMERS);
	});

	it.each([['-1'], ['1.5'], ['ten'], [''], ['1e3'], [String(MAX_DEMO_CUSTOMERS + 1)]])(
		'refuses %j with a message naming the flag and the range',
		(value) => {
			expect(() => read({}, ['--demo-customers', value])).toThrow(
				`--demo-customers must be a whole number from 0 to ${MAX_DEMO_CUSTOMERS}`
			);
			expect(() => read({ TIERTWO_DEMO_CUSTOMERS: value })).toThrow(/^TIERTWO_DEMO_CUSTOMERS must/);
		}
	);

	it('refuses a missing value after the flag', () => {
		expect(() => read({}, ['--demo-customers'])).toThrow(/--demo-customers must/);
	});

	it('refuses demo customers without the demo workspace', () => {
		expect(() => read({}, ['--no-demo', '--demo-customers', '5'])).toThrow(/--no-demo/);
	});
});
