// Builds the whole server from a configuration: store, accounts, documents, validation worker,
// websocket hub, HTTP routes (API, metrics, the built app), and an orderly shutdown.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { can } from '$lib/domain/permissions';
import { AccountService, type SessionUser } from './accounts/account-service.js';
import { AccountSync } from './accounts/account-sync.js';
import { domainPolicy, type AccessPolicy } from './authorize.js';
import type { ServerConfig } from './config.js';
import { seedDemoWorkspace, type DemoSignIn } from './demo-seed.js';
import { AccessIndex } from './docs/access-index.js';
import { DocumentRegistry } from './docs/document-registry.js';
import { seedDemoPmcRegistry } from './enrollment/demo-pmc.js';
import { EnrollmentService } from './enrollment/enrollment-service.js';
import { Mailer } from './enrollment/mailer.js';
import { PmcRegistry } from './enrollment/pmc-registry.js';
import { ProviderOnboarding } from './enrollment/provider-onboarding.js';
import { enrollmentRoutes } from './http/enrollment-api.js';
import type { LiveDocument } from './docs/live-document.js';
import { createApiHandler, sendError } from './http/api.js';
import { createAppHandler } from './http/app-static.js';
import { InvitationIndex } from './invitations/invitation-index.js';
import { InvitationService } from './invitations/invitation-service.js';
import { OrderProvisioner } from './provisioning/order-provisioner.js';
import { createLogger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { AccountStore, type AccountRow } from './store/account-store.js';
import { openDatabase, type SqliteDatabase } from './store/database.js';
import { DocumentStore } from './store/document-store.js';
import { UpdateValidator } from './validation/update-validator.js';
import { SyncHub } from './ws/sync-hub.js';

export interface RunningServer {
	readonly url: string;
	readonly port: number;
	readonly accounts: AccountService;
	readonly registry: DocumentRegistry;
	readonly hub: SyncHub;
	readonly invitations: InvitationService;
	readonly validator: UpdateValidator;
	readonly metrics: Metrics;
	readonly log: Logger;
	/** demo sign-ins created on this start (empty unless the demo workspace was just seeded) */
	readonly demoSignIns: readonly DemoSignIn[];
	/** Stops accepting, closes connections, finishes queued updates, compacts, closes the store. */
	close(): Promise<void>;
}

export interface ServerOptions {
	readonly policy?: AccessPolicy;
	readonly log?: Logger;
	/** the built app; omitted in tests that only need the API and the websocket */
	readonly serveApp?: boolean;
	/** the clock sessions and tokens expire by (tests move it) */
	readonly now?: () => number;
}

function isFreshDataDir(db: SqliteDatabase, accounts: AccountStore, docs: DocumentStore): boolean {
	const seeded = db.prepare("SELECT value FROM meta WHERE key = 'demo_seeded'").get();
	return !seeded && accounts.count() === 0 && docs.names().length === 0;
}

export async function startServer(
	config: ServerConfig,
	options: ServerOptions = {}
): Promise<RunningServer> {
	const log = options.log ?? createLogger(config.logLevel);
	const metrics = createMetrics();
	const db = openDatabase(config.dataDir, { durability: config.durability });
	const accountStore = new AccountStore(db);
	const documentStore = new DocumentStore(db);
	const fresh = isFreshDataDir(db, accountStore, documentStore);
	const cleanShutdown =
		fresh || db.prepare("SELECT value FROM meta WHERE key = 'clean_shutdown'").get() !== undefined;
	const accounts = new AccountService(accountStore, {
		hashLogN: config.passwordHashLogN,
		accessTtlMs: config.accessTtlMs,
		refreshTtlMs: config.refreshTtlMs,
		sessionMaxMs: config.sessionMaxMs,
		...(options.now ? { now: options.now } : {})
	});
	const validator = new UpdateValidator({
		budgetMs: config.limits.decodeBudgetMs,
		watchdogMs: config.limits.decodeWatchdogMs,
		maxOldGenerationSizeMb: config.limits.validatorHeapMb
	});
	const registry = new DocumentRegistry({
		store: documentStore,
		validator,
		policy: options.policy ?? domainPolicy,
		metrics,
		log,
		limits: config.limits
	});
	const origins = { allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy };
	const hub = new SyncHub({ registry, accounts, origins, metrics, log, limits: config.limits });

	// Invitation links: indexed as soon as an accepted update is durable, before anyone can open it.
	const invitationIndex = new InvitationIndex(db, registry);
	registry.onLogChanged((live) => invitationIndex.update(live));
	const invitations = new InvitationService({
		registry,
		index: invitationIndex,
		log,
		limits: { attemptsPerWindow: config.limits.invitationAttemptsPerMinute, windowMs: 60_000 },
		accounts,
		onNewOrg: (orgId) => accountSync.onNewOrg(orgId),
		...(options.now ? { now: options.now } : {})
	});

	let knownOrgs = new Set(accountStore.orgIds());
	const index = new AccessIndex(db, registry, () => [...knownOrgs]);
	const accountSync = new AccountSync(accounts, registry, log);
	registry.admission = accountSync.admit;
	accountSync.onNewOrg = (orgId) => {
		knownOrgs = new Set(accountStore.orgIds());
		index.rebuild(orgId);
	};
	// The listing index is only read by GET /api/auth/documents: refresh it in batches, not on
	// every update (connections' access is rechecked synchronously by the hub).
	const staleIndex = new Set<LiveDocument>();
	let indexTimer: NodeJS.Timeout | null = null;
	const refreshIndex = () => {
		indexTimer = null;
		for (const live of staleIndex) index.refreshWithDependents(live);
		staleIndex.clear();
	};
	registry.onLogChanged((live) => {
		accountSync.syncOrg(live);
		staleIndex.add(live);
		indexTimer ??= setTimeout(refreshIndex, 1000);
	});
	// Enrollment (issue 7): Partner Membership Center registry, email, verification links.
	const pmc = new PmcRegistry(db);
	const mailer = new Mailer({
		dataDir: config.dataDir,
		smtpUrl: config.smtpUrl,
		from: config.mailFrom,
		log,
		...(options.now ? { now: options.now } : {})
	});
	let publicUrl = config.publicUrl;
	const enrollment = new EnrollmentService({
		db,
		registry,
		accounts,
		pmc,
		mailer,
		log,
		hashLogN: config.passwordHashLogN,
		publicUrl: () => publicUrl,
		onNewOrg: (orgId) => accountSync.onNewOrg(orgId),
		...(options.now ? { now: options.now } : {})
	});
	accounts.events = {
		sessionsRevoked: (ids) => hub.closeSessions(ids),
		temporaryPasswordChanged: (account) => void accountSync.recordPasswordChanged(account)
	};

	// Orders (issue 9): the program provisions every submitted order, the demo seed's included.
	const orders = new OrderProvisioner({
		registry,
		log,
		delayMs: config.orderProvisioningDelayMs,
		...(options.now ? { now: options.now } : {})
	});
	registry.onLogChanged(orders.observe);

	let demoSignIns: DemoSignIn[] = [];
	if (config.demo && fresh) {
		demoSignIns = await seedDemoWorkspace({
			registry,
			hashLogN: config.passwordHashLogN,
			provisioned: (name) => orders.settled(name)
		});
		db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('demo_seeded', ?)").run(
			new Date().toISOString()
		);
		await seedDemoPmcRegistry(pmc, config.passwordHashLogN);
		knownOrgs = new Set(accountStore.orgIds());
		index.rebuild();
		log.info({ accounts: demoSignIns.length }, 'demo workspace created');
	} else if (!cleanShutdown || (index.empty && documentStore.names().length > 0)) {
		// After a crash the listing index may have missed the last changes: decide it afresh.
		index.rebuild();
	}
	const invitationsIndexed = db
		.prepare("SELECT value FROM meta WHERE key = 'invitation_index'")
		.get();
	if (!cleanShutdown || !invitationsIndexed) {
		// Never built (a data dir from before the index), or a crash may have lost the last entries.
		invitationIndex.rebuild();
		db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('invitation_index', '1')").run();
	}
	db.prepare("DELETE FROM meta WHERE key = 'clean_shutdown'").run();
	// After the demo seed: its finished applications are history, not news for anyone's inbox.
	registry.onLogChanged((live) => enrollment.observe(live));
	// A server stopped between an order and its outcome decides it now.
	orders.provisionPending();

	const describe = (account: AccountRow): SessionUser => {
		const org = registry.projection({ kind: 'org', orgId: account.org_id });
		const profile = org?.kind === 'org' ? org.org : null;
		return {
			id: account.id,
			email: account.email,
			fullName: account.full_name,
			orgId: account.org_id,
			orgKind: profile?.kind ?? 'unknown',
			orgName: profile?.legalName ?? account.org_id,
			mustChangePassword: account.must_change_password === 1,
			roles: registry.actorOf({ userId: account.id, orgId: account.org_id }).roles
		};
	};
	const api = createApiHandler({
		accounts,
		invitations,
		policy: origins,
		version: config.version,
		describe,
		signInsFor: (account) => {
			const actor = registry.actorOf({ userId: account.id, orgId: account.org_id });
			if (!can(actor.roles, 'manageUsers')) return null;
			return accountStore.lastSignIns(account.org_id).map((row) => ({
				userId: row.id,
				lastSignInAt: row.last === null ? null : new Date(row.last).toISOString()
			}));
		},
		routes: enrollmentRoutes({
			accounts,
			enrollment,
			mailer,
			pmc,
			providers: new ProviderOnboarding({
				registry,
				accounts,
				log,
				...(options.now ? { now: options.now } : {})
			}),
			policy: origins,
			describe
		}),
		documentsFor: (account) => {
			if (indexTimer) {
				clearTimeout(indexTimer);
				refreshIndex();
			}
			return index.documentsFor({ userId: account.id, orgId: account.org_id });
		}
	});
	const serveApp = options.serveApp === false ? null : createAppHandler(config.appDir);

	const server = http.createServer((req, res) => {
		const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
		const fail = (error: unknown) => {
			log.error({ err: error, path: pathname }, 'request failed');
			if (!res.headersSent)
				sendError(res, 500, 'server_error', 'Something went wrong on the server.');
			else res.destroy();
		};
		if (pathname === '/metrics' && req.method === 'GET') {
			metrics.registry.metrics().then((text) => {
				res.writeHead(200, {
					'Content-Type': metrics.registry.contentType,
					'Cache-Control': 'no-store'
				});
				res.end(text);
			}, fail);
			return;
		}
		api(req, res).then((handled) => {
			if (handled) return;
			const notFound = () => sendError(res, 404, 'not_found', 'Not found.');
			if (serveApp) serveApp(req, res, notFound);
			else notFound();
		}, fail);
	});
	server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
	server.on('clientError', (_error, socket) => socket.destroy());

	const purge = setInterval(() => accounts.purgeExpired(), 10 * 60_000);
	purge.unref();

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
	// Links in emails: PUBLIC_URL, else the address the README tells people to open.
	const linkHost = host === '127.0.0.1' || host === 'localhost' ? 'localhost' : host;
	publicUrl ||= `http://${linkHost.includes(':') ? `[${linkHost}]` : linkHost}:${port}`;

	let closing: Promise<void> | null = null;
	return {
		url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
		port,
		accounts,
		registry,
		hub,
		invitations,
		validator,
		metrics,
		log,
		demoSignIns,
		close() {
			closing ??= (async () => {
				clearInterval(purge);
				orders.close();
				hub.close();
				if (indexTimer) {
					clearTimeout(indexTimer);
					refreshIndex();
				}
				const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
				server.closeAllConnections();
				await registry.close();
				// Writes finished while closing (an order being provisioned) may have queued a refresh.
				if (indexTimer) {
					clearTimeout(indexTimer);
					refreshIndex();
				}
				await validator.close();
				mailer.close();
				db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('clean_shutdown', '1')").run();
				db.pragma('wal_checkpoint(TRUNCATE)');
				db.close();
				await stopped;
			})();
			return closing;
		}
	};
}
