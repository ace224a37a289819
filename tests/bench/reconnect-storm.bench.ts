// Reconnect storm bench: 1,000 Node clients (the app's DocumentConnection on the stock y-websocket
// client) over a few demo users' documents; the server process is restarted on the same data
// directory and port and every client comes back on its own jittered backoff. Prints the time
// until all are synced and converged, per-client reconnect p50/p99 and reconnections per second.
//   node --import tsx tests/bench/reconnect-storm.bench.ts     (or: npm run bench -- reconnect-storm)
import os from 'node:os';
import { quantile, runReconnectStorm } from '../sync-server/storm';

// y-websocket registers one process exit handler per client.
process.setMaxListeners(0);
const clients = Number(process.env.BENCH_STORM_CLIENTS ?? 1000);
const result = await runReconnectStorm({
	clients,
	offlineWriters: 50,
	downtimeMs: 1000,
	timeoutMs: 90_000
});
const load = os.loadavg()[0]?.toFixed(2) ?? '?';
console.log(
	`storm.clients ${result.clients} (${result.users} users, ${result.documents} documents)`
);
console.log(`storm.machine_load_1min ${load}`);
console.log(`storm.initial_sync ${result.initialSyncMs} ms`);
console.log(`storm.all_synced_after_restart ${result.allSyncedMs} ms`);
console.log(`storm.reconnect_p50 ${quantile(result.reconnectMs, 0.5)} ms`);
console.log(`storm.reconnect_p99 ${quantile(result.reconnectMs, 0.99)} ms`);
console.log(`storm.reconnections_per_second ${result.connectionsPerSecond.toFixed(1)} /s`);
console.log(`storm.offline_edits_delivered ${result.delivered} of 50`);
console.log(`storm.errors ${result.errors.length}`);
console.log(`storm.diverged ${result.diverged.length}`);
if (result.errors.length > 0 || result.diverged.length > 0 || result.allSyncedMs === 0) {
	process.exit(1);
}
