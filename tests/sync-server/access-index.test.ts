// The listing index (AccessIndex): an org seen for the first time is decided for the documents that
// could concern it, not by loading every document of the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessIndex } from '../../sync-server/src/docs/access-index';
import { startTestServer, type TestServer } from './harness';

let t: TestServer;

beforeAll(async () => {
	t = await startTestServer();
	// Documents that concern other orgs only: a new org's rebuild must not load them.
	await t.server.seedDemoCustomers(30);
});
afterAll(async () => {
	await t.close();
});

describe('rebuilding the listing of one org', () => {
	it('loads only the documents that concern the org and lists exactly what it listed', async () => {
		const { registry, storage } = t.server;
		const listed = async (orgId: string) =>
			Object.fromEntries(
				await Promise.all(
					(await storage.access.forOrg(orgId)).map(
						async (doc) => [doc, (await storage.access.forDocument(doc)).get('wingtip')] as const
					)
				)
			);
		const before = await listed('wingtip');
		expect(Object.keys(before)).toEqual(
			expect.arrayContaining(['customer/wingtip', 'org/wingtip', 'directory'])
		);
		// As if wingtip were new: none of its rows, nothing in memory.
		await storage.access.write(
			Object.keys(before).map((doc) => ({ orgId: 'wingtip', doc, access: null }))
		);
		await registry.unloadIdle(true);
		const index = new AccessIndex(storage.access, registry, () => storage.accounts.orgIds());

		await index.rebuild('wingtip');

		expect(await listed('wingtip')).toEqual(before);
		const loaded = [...registry.loaded()].map((live) => live.name);
		expect(loaded.filter((name) => name.includes('demo-customer'))).toEqual([]);
		expect(loaded.length).toBeLessThan((await registry.names()).length / 4);
	});
});
