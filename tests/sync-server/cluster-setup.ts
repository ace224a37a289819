// The `cluster` project's PostgreSQL, one for the whole run: initdb and a start take 1.6 s, so each
// cluster a test starts gets a database of its own in it instead (tests/sync-server/harness.ts).
// Redis stays one per cluster (0.1 s): its publish/subscribe channels are not per database.
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../sync-server/src/cluster/local-services';

declare module 'vitest' {
	export interface ProvidedContext {
		clusterPostgresUrl: string;
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	// Three test files at a time, each with a cluster of two servers and their pools.
	const postgres = await startPostgres({ settings: { fsync: 'off', max_connections: '400' } });
	project.provide('clusterPostgresUrl', postgres.url);
	return () => postgres.stop();
}
