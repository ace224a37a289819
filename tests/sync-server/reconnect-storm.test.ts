// 1,000 clients lose the server at once (its process is restarted on the same data directory and
// port) and come back on their own jittered backoff: every one converges with the server's copy,
// the edits made while it was away arrive, and nothing is refused, within a bounded time.
import { describe, expect, it } from 'vitest';
import { quantile, runReconnectStorm } from './storm';

describe('reconnect storm', () => {
	it('1,000 clients reconnect after a server restart and all converge with no refusals', async () => {
		const started = Date.now();
		const result = await runReconnectStorm({
			clients: 1000,
			offlineWriters: 50,
			downtimeMs: 1000,
			timeoutMs: 40_000
		});
		expect(result.errors).toEqual([]);
		expect(result.diverged).toEqual([]);
		expect(result.delivered).toBe(50);
		expect(result.clients).toBe(1000);
		expect(result.documents).toBeGreaterThan(10);
		expect(result.allSyncedMs).toBeGreaterThan(0);
		expect(quantile(result.reconnectMs, 1)).toBeLessThan(40_000);
		expect(Date.now() - started).toBeLessThan(60_000);
	}, 90_000);
});
