// The demo workspace a first start creates (issue 4), and the health and metrics endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentProjection } from '../../sync-server/src/authorize';
import { startTestServer, type TestServer } from './harness';

let t: TestServer;
let names: string[] = [];

beforeAll(async () => {
	t = await startTestServer();
	names = await t.server.registry.names();
	for (const name of names) await t.server.registry.get(name);
});
afterAll(async () => {
	await t.close();
});

function projection(name: string): DocumentProjection {
	// The demo documents stay loaded after seeding (beforeAll loads any that were not).
	const live = t.server.registry.peek(name);
	if (!live) throw new Error(name);
	return live.projector.state;
}

describe('demo workspace', () => {
	it('lets every printed demo account sign in with tiertwo-demo', async () => {
		const emails = t.server.demoSignIns.map((signIn) => signIn.email);
		for (const required of [
			'admin@program.example',
			'admin@northwind.example',
			'admin@fabrikam.example',
			'admin@contoso.example',
			'admin@adatum.example',
			'admin@wingtip.example',
			'admin@fourthcoffee.example'
		]) {
			expect(emails).toContain(required);
		}
		for (const email of emails) await t.signIn(email, 'tiertwo-demo');
	});

	it('has the program operator, two indirect providers and two approved indirect resellers', () => {
		const org = (id: string) => {
			const state = projection(`org/${id}`);
			if (state.kind !== 'org' || !state.org) throw new Error(id);
			return { org: state.org, enrollment: state.enrollment.status };
		};
		expect(org('program').org).toMatchObject({
			kind: 'programOperator',
			legalName: 'Tailspin Cloud Program'
		});
		expect(org('northwind').org).toMatchObject({
			kind: 'indirectProvider',
			legalName: 'Northwind Distribution'
		});
		expect(org('fabrikam').org).toMatchObject({
			kind: 'indirectProvider',
			legalName: 'Fabrikam Distribution'
		});
		expect(org('contoso')).toMatchObject({
			org: { kind: 'indirectReseller', legalName: 'Contoso IT Services' },
			enrollment: 'ready'
		});
		expect(org('adatum')).toMatchObject({
			org: { kind: 'indirectReseller', legalName: 'Adatum Solutions' },
			enrollment: 'ready'
		});
	});

	it('connects Contoso to Northwind, and not Adatum to anyone', () => {
		const contoso = projection('partnership/northwind/contoso');
		expect(contoso.kind === 'partnership' && contoso.partnership.status).toBe('authorized');
		const partnerships = names.filter((name) => name.startsWith('partnership/'));
		expect(partnerships).toEqual(['partnership/northwind/contoso']);
	});

	it('has a dozen customers with subscriptions, licenses and users', () => {
		const customers = names.filter((name) => name.startsWith('customer/'));
		expect(customers.length).toBe(12);
		const withLicenses = customers.filter((name) => {
			const state = projection(name);
			return (
				state.kind === 'customer' &&
				Object.keys(state.tenantUsers).length > 0 &&
				Object.values(state.subscriptions).some((s) => s.assigned.length > 0)
			);
		});
		expect(withLicenses.length).toBeGreaterThanOrEqual(8);
	});

	it('makes Wingtip Toys a customer of Contoso with Northwind as provider of record, and Fourth Coffee partnerless', () => {
		const wingtip = projection('customer/wingtip');
		if (wingtip.kind !== 'customer') throw new Error('kind');
		expect(wingtip.customer?.legalName).toBe('Wingtip Toys');
		expect(Object.values(wingtip.relationships)).toEqual([
			expect.objectContaining({ resellerId: 'contoso', providerId: 'northwind', status: 'active' })
		]);
		const fourth = projection('customer/fourthcoffee');
		if (fourth.kind !== 'customer') throw new Error('kind');
		expect(fourth.customer?.legalName).toBe('Fourth Coffee');
		expect(fourth.relationships).toEqual({});
		// Every event the seed wrote was accepted by the machines.
		for (const name of names) {
			const state = projection(name);
			expect({ name, superseded: state.superseded, invalid: state.invalid }).toEqual({
				name,
				superseded: [],
				invalid: []
			});
		}
	});

	it('starts empty with --no-demo', async () => {
		const empty = await startTestServer({ demo: false });
		try {
			expect(empty.server.demoSignIns).toEqual([]);
			expect(await empty.server.registry.names()).toEqual([]);
		} finally {
			await empty.close();
		}
	});
});

describe('health and metrics', () => {
	it('serves /metrics only with the configured bearer token, or without one only to loopback', async () => {
		const guarded = await startTestServer({
			demo: false,
			config: { metricsToken: 's3cret-token' }
		});
		try {
			const read = (headers: Record<string, string> = {}) =>
				fetch(`${guarded.url}/metrics`, { headers });
			expect((await read()).status).toBe(401);
			expect((await read({ authorization: 'Bearer wrong' })).status).toBe(401);
			const allowed = await read({ authorization: 'Bearer s3cret-token' });
			expect(allowed.status).toBe(200);
			expect(await allowed.text()).toContain('tiertwo_sync_connections');
		} finally {
			await guarded.close();
		}
		// No token: a request a proxy on this machine relays for someone outside is refused.
		const relayed = await fetch(`${t.url}/metrics`, {
			headers: { 'x-forwarded-for': '203.0.113.9' }
		});
		expect(relayed.status).toBe(401);
	});

	it('answers /health with ok, the version and no-store', async () => {
		const response = await fetch(`${t.url}/health`);
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(await response.json()).toEqual({ ok: true, version: expect.any(String) });
	});

	it('serves Prometheus metrics for connections, documents, updates and persistence', async () => {
		const text = await (await fetch(`${t.url}/metrics`)).text();
		for (const name of [
			'tiertwo_sync_connections',
			'tiertwo_sync_documents_loaded',
			'tiertwo_sync_updates_accepted_total',
			'tiertwo_sync_updates_refused_total',
			'tiertwo_sync_persist_seconds_bucket',
			'tiertwo_process_resident_memory_bytes'
		]) {
			expect(text).toContain(name);
		}
	});
});
