// Loaded into the signed-in app's page (same origin) by tests/bench/live.bench.ts: the app's own
// SyncEngine, as a second tab of the same user would run it, appends tenant-user additions while
// the device is offline; the app's engine in the page sees them through IndexedDB and sends them
// when the network is back. (No UI path makes 1,000 changes in reasonable time: each add redraws
// the whole record.)
import { db } from '$lib/db/db';
import { createIdGenerator } from '$lib/domain/ids';
import { SyncEngine } from '$lib/sync/sync-engine';

const newTenantUserId = createIdGenerator((bytes) => crypto.getRandomValues(bytes));

async function writeOffline(options: {
	userId: string;
	orgId: string;
	doc: string;
	customerName: string;
	count: number;
}): Promise<number> {
	const engine = new SyncEngine({
		db,
		user: { userId: options.userId, orgId: options.orgId },
		serverUrl: `ws://${location.host}/sync`,
		refreshSession: () => Promise.resolve(true)
	});
	await engine.start();
	let made = 0;
	try {
		// Appended in batches (as a burst of intents would be): each batch is one IndexedDB commit.
		for (let start = 0; start < options.count; start += 100) {
			const batch = Array.from({ length: Math.min(100, options.count - start) }, (_, k) => {
				const displayName = `Offline ${start + k}`;
				return engine.append(
					options.doc,
					'tenantUser.added',
					{
						tenantUserId: newTenantUserId(),
						displayName,
						userName: `offline${start + k}@bench.example`
					},
					{
						key: 'data_summary_tenant_user_added',
						params: { name: displayName, customer: options.customerName }
					}
				);
			});
			for (const result of await Promise.all(batch)) {
				if (!result.ok) throw new Error(`append: ${result.code}`);
				made += 1;
			}
		}
		await engine.settled();
	} finally {
		engine.stop();
	}
	return made;
}

(window as unknown as { benchWriteOffline: typeof writeOffline }).benchWriteOffline = writeOffline;
