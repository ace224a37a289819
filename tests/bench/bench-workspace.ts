// What the sync-server benches share: a workspace of N customer orgs (each with a signed-up admin and
// a customer document) and signing one of those admins in (their load: edit-load.ts). Also the
// percentile every bench prints.
import { pino } from 'pino';

export const customerId = (d: number) => `bench-${d}`;

/** p-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Writes, through a server started on the given store (`DATA_DIR` for SQLite, `DATABASE_URL` for
 * PostgreSQL), one customer org, its admin and its customer document per document.
 */
export async function seedBenchWorkspace(
	store: { DATA_DIR: string } | { DATABASE_URL: string },
	documents: number
): Promise<void> {
	const { readConfig } = await import('../../sync-server/src/config');
	const { startServer } = await import('../../sync-server/src/server');
	const { SYSTEM_ACTOR } = await import('../../sync-server/src/authorize');
	const { hashPassword } = await import('../../sync-server/src/accounts/passwords');
	const config = readConfig({ ...store, PORT: '0', PASSWORD_HASH_LOG_N: '10' }, ['--no-demo']);
	const server = await startServer(config, { serveApp: false, log: pino({ level: 'warn' }) });
	const hash = await hashPassword('bench-password', 10);
	let n = 0;
	const at = () =>
		`${String(Date.now()).padStart(15, '0')}-${String(n++ % 99999).padStart(5, '0')}-bench`;
	const system = { userId: 'system', orgId: 'program' };
	const write = async (doc: string, type: string, payload: object) => {
		const verdict = await server.registry.appendEvents(
			doc,
			[{ id: `seed-${n}`, type, at: at(), by: system, payload }],
			SYSTEM_ACTOR
		);
		if (!verdict.ok) throw new Error(`${type}: ${verdict.code}`);
	};
	for (let d = 0; d < documents; d += 1) {
		const id = customerId(d);
		await write(`org/${id}`, 'org.created', {
			kind: 'customer',
			legalName: `Bench ${d}`,
			country: 'US',
			tenant: null,
			mpnId: null,
			alreadyEnrolledInCsp: false
		});
		await write(`org/${id}`, 'user.added', {
			userId: `${id}-admin`,
			email: `admin@${id}.example`,
			fullName: `Bench ${d} Admin`,
			roles: ['globalAdmin'],
			temporaryPassword: { hash, expiresAt: Date.now() + 86_400_000 }
		});
		await write(`org/${id}`, 'user.passwordChanged', { userId: `${id}-admin` });
		await write(`customer/${id}`, 'customer.created', {
			legalName: `Bench ${d}`,
			domain: `${id}.example`,
			country: 'US'
		});
	}
	await server.close();
}

/** Signs in document `d`'s admin on the server at `port`; returns the access cookie. */
export async function signIn(port: number, d: number): Promise<string> {
	const response = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: `admin@${customerId(d)}.example`, password: 'bench-password' })
	});
	if (response.status !== 200) throw new Error(`sign-in ${d}: ${response.status}`);
	const access = response.headers.getSetCookie().find((c) => c.startsWith('tt_access='));
	return access?.split(';')[0] ?? '';
}
