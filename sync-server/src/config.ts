// Server configuration from the environment and command line, read once at start.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LOG_N } from './accounts/passwords.js';

export interface ServerLimits {
	/** one websocket frame (the contract caps it at 1 MiB) */
	readonly maxMessageBytes: number;
	/** a document's stored size */
	readonly maxDocumentBytes: number;
	/** an accepted update whose analysis took longer is refused as too complex */
	readonly decodeBudgetMs: number;
	/** a validation worker silent this long with work outstanding is replaced */
	readonly decodeWatchdogMs: number;
	readonly validatorHeapMb: number;
	readonly messagesPerSecond: number;
	readonly bytesPerSecond: number;
	readonly maxQueuedUpdates: number;
	/** how long an update that builds on changes the server lacks waits for them (see SyncConnection) */
	readonly incompleteHoldMs: number;
	readonly maxConnectionsPerUser: number;
	readonly maxConnectionsPerAddress: number;
	/** documents one channel (`/sync`, one websocket per device) may have open at once */
	readonly maxDocumentsPerChannel: number;
	/** a channel's own rate limits, over all its documents (each also has the per-document ones) */
	readonly channelMessagesPerSecond: number;
	readonly channelBytesPerSecond: number;
	readonly maxAwarenessStateBytes: number;
	readonly maxAwarenessEntries: number;
	readonly compactEveryUpdates: number;
	readonly compactEveryBytes: number;
	readonly idleUnloadMs: number;
	readonly heartbeatMs: number;
	/** invitation link lookups and redemptions one client address may make per minute */
	readonly invitationAttemptsPerMinute: number;
}

export interface ServerConfig {
	port: number;
	host: string;
	dataDir: string;
	/** PostgreSQL instead of the embedded SQLite file (required for a cluster) */
	databaseUrl: string | null;
	/** Redis for fan-out between processes and shared sign-in throttling (a cluster) */
	redisUrl: string | null;
	appDir: string;
	demo: boolean;
	/** generated customers the demo reseller has at start (`--demo-customers N`, TIERTWO_DEMO_CUSTOMERS) */
	demoCustomers: number;
	version: string;
	/** origins allowed besides the server's own (comma-separated ALLOWED_ORIGINS) */
	allowedOrigins: string[];
	trustProxy: boolean;
	durability: 'normal' | 'full';
	logLevel: string;
	passwordHashLogN: number;
	accessTtlMs: number;
	refreshTtlMs: number;
	sessionMaxMs: number;
	limits: ServerLimits;
	/** email (issue 7): SMTP_URL sends through SMTP; empty keeps mail in DATA_DIR/outbox */
	smtpUrl: string;
	mailFrom: string;
	/** the app's public origin for links in emails (PUBLIC_URL); empty: the server's own URL */
	publicUrl: string;
	/** how long the program waits before deciding a submitted order (ORDER_PROVISIONING_DELAY_MS) */
	orderProvisioningDelayMs: number;
	/** bearer token `/metrics` requires (METRICS_TOKEN); null: only loopback, not proxied, may read */
	metricsToken: string | null;
}

export const DEFAULT_LIMITS: ServerLimits = {
	maxMessageBytes: 1024 * 1024,
	maxDocumentBytes: 64 * 1024 * 1024,
	decodeBudgetMs: 250,
	decodeWatchdogMs: 2000,
	validatorHeapMb: 768,
	messagesPerSecond: 300,
	bytesPerSecond: 2 * 1024 * 1024,
	maxQueuedUpdates: 256,
	incompleteHoldMs: 5000,
	maxConnectionsPerUser: 64,
	maxConnectionsPerAddress: 512,
	maxDocumentsPerChannel: 20_000,
	channelMessagesPerSecond: 3000,
	channelBytesPerSecond: 20 * 1024 * 1024,
	maxAwarenessStateBytes: 16 * 1024,
	maxAwarenessEntries: 8,
	compactEveryUpdates: 500,
	compactEveryBytes: 4 * 1024 * 1024,
	idleUnloadMs: 5 * 60_000,
	heartbeatMs: 30_000,
	invitationAttemptsPerMinute: 30
};

function packageVersion(root: string): string {
	try {
		const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
			version?: string;
		};
		return pkg.version ?? '0.0.0';
	} catch {
		return '0.0.0';
	}
}

/** The most generated customers `--demo-customers` adds (a distributor's size, issue 20). */
export const MAX_DEMO_CUSTOMERS = 100_000;

/**
 * `--demo-customers N` (or `--demo-customers=N`), else TIERTWO_DEMO_CUSTOMERS: a whole number from
 * 0 to MAX_DEMO_CUSTOMERS. Throws with a message for the command line otherwise.
 */
export function readDemoCustomers(env: NodeJS.ProcessEnv, argv: readonly string[]): number {
	let raw: string | undefined = env.TIERTWO_DEMO_CUSTOMERS;
	let source = 'TIERTWO_DEMO_CUSTOMERS';
	for (const [at, arg] of argv.entries()) {
		if (arg === '--demo-customers') {
			raw = argv[at + 1] ?? '';
			source = '--demo-customers';
		} else if (arg.startsWith('--demo-customers=')) {
			raw = arg.slice('--demo-customers='.length);
			source = '--demo-customers';
		}
	}
	if (raw === undefined) return 0;
	const count = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
	if (!Number.isSafeInteger(count) || count > MAX_DEMO_CUSTOMERS) {
		throw new Error(
			`${source} must be a whole number from 0 to ${MAX_DEMO_CUSTOMERS} (got ${JSON.stringify(raw)})`
		);
	}
	return count;
}

export function readConfig(
	env: NodeJS.ProcessEnv = process.env,
	argv: readonly string[] = process.argv.slice(2)
): ServerConfig {
	const root = process.cwd();
	const demo = !(argv.includes('--no-demo') || env.TIERTWO_DEMO === '0');
	const demoCustomers = readDemoCustomers(env, argv);
	if (demoCustomers > 0 && !demo) {
		throw new Error('--demo-customers adds to the demo workspace: it cannot go with --no-demo');
	}
	return {
		port: Number(env.PORT ?? 4173),
		host: env.HOST ?? '127.0.0.1',
		dataDir: path.resolve(root, env.DATA_DIR ?? 'data'),
		databaseUrl: env.DATABASE_URL || null,
		redisUrl: env.REDIS_URL || null,
		appDir: path.resolve(root, env.APP_DIR ?? 'build'),
		demo,
		demoCustomers,
		version: env.TIERTWO_BUILD_LABEL || packageVersion(root),
		allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
			.split(',')
			.map((origin) => origin.trim().toLowerCase())
			.filter(Boolean),
		trustProxy: env.TRUST_PROXY === '1',
		durability: env.SYNC_DURABILITY === 'full' ? 'full' : 'normal',
		logLevel: env.LOG_LEVEL ?? 'info',
		passwordHashLogN: Number(env.PASSWORD_HASH_LOG_N ?? DEFAULT_LOG_N),
		accessTtlMs: 15 * 60_000,
		refreshTtlMs: 14 * 24 * 60 * 60_000,
		sessionMaxMs: 30 * 24 * 60 * 60_000,
		limits: env.INVITATION_ATTEMPTS_PER_MINUTE
			? {
					...DEFAULT_LIMITS,
					invitationAttemptsPerMinute: Number(env.INVITATION_ATTEMPTS_PER_MINUTE)
				}
			: DEFAULT_LIMITS,
		smtpUrl: env.SMTP_URL ?? '',
		mailFrom: env.MAIL_FROM ?? 'Tailspin Cloud Program <no-reply@program.example>',
		publicUrl: (env.PUBLIC_URL ?? '').replace(/\/+$/, ''),
		orderProvisioningDelayMs: Math.max(0, Number(env.ORDER_PROVISIONING_DELAY_MS ?? 0) || 0),
		metricsToken: env.METRICS_TOKEN || null
	};
}
