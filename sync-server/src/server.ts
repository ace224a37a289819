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
import { seedDemoCustomers, type DemoCustomersSeeded } from './demo-customers.js';
import { seedDemoWorkspace, type DemoSignIn } from './demo-seed.js';
import { AccessIndex } from './docs/access-index.js';
import { DocumentRegistry } from './docs/document-registry.js';
import { ListingUpkeep } from './docs/listing-upkeep.js';
import { seedDemoPmcRegistry } from './enrollment/demo-pmc.js';
import { CREATE_ACCOUNT_LIMITS, EnrollmentService } from './enrollment/enrollment-service.js';
import { Mailer } from './enrollment/mailer.js';
import { PmcRegistry } from './enrollment/pmc-registry.js';
import { ProviderOnboarding } from './enrollment/provider-onboarding.js';
import { enrollmentRoutes } from './http/enrollment-api.js';
import { createApiHandler, sendError } from './http/api.js';
import { createAppHandler } from './http/app-static.js';
import { InvitationIndex } from './invitations/invitation-index.js';
import { InvitationService } from './invitations/invitation-service.js';
import { OrderProvisioner } from './provisioning/order-provisioner.js';
import { createLogger } from './log.js';
import { createMetrics, mayReadMetrics, type Metrics } from './metrics.js';
import { RedisSignInLimiter } from './accounts/redis-sign-in-limiter.js';
import { RedisBus } from './cluster/redis-bus.js';
import { RedisWindowBudget } from './cluster/redis-window-budget.js';
import type { BudgetSettings } from './window-budget.js';
import { openPostgresStorage } from './store/postgres/postgres-storage.js';
import { openSqliteStorage } from './store/sqlite-storage.js';
import type { AccountRow, Storage } from './store/storage.js';
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
	readonly storage: Storage;
	/** the cluster bus (REDIS_URL), null for a single process */
	readonly bus: RedisBus | null;
	/** demo sign-ins created on this start (empty unless the demo workspace was just seeded) */
	readonly demoSignIns: readonly DemoSignIn[];
	/** what `--demo-customers N` added on this start (null without it) */
	readonly demoCustomers: DemoCustomersSeeded | null;
	/**
	 * Makes sure the demo reseller has the first `count` generated customers (adds the missing ones,
	 * through the normal append path; see demo-customers.ts). Needs the demo workspace.
	 */
	seedDemoCustomers(
		count: number,
		progress?: (done: number, wanted: number) => void
	): Promise<DemoCustomersSeeded>;
	/** Stops accepting, closes connections, finishes queued updates, compacts, closes the store. */
	close(): Promise<void>;
}

export interface ServerOptions {
	readonly policy?: AccessPolicy;
	readonly log?: Logger;
	/** the built app; omitted in tests that only need the API and the websocket */
	readonly serveApp?: boolean;
	/** the clock sessions and tokens expire by, and new events' `at` is judged by (tests move it) */
	readonly now?: () => number;
}

async function isFresh(storage: Storage): Promise<boolean> {
	const seeded = await storage.meta.get('demo_seeded');
	return (
		seeded === undefined &&
		(await storage.accounts.count()) === 0 &&
		(await storage.documents.names()).length === 0
	);
}

/** The store the configuration selects: PostgreSQL with DATABASE_URL, else the SQLite file. */
export async function openStorage(config: ServerConfig, log: Logger): Promise<Storage> {
	if (config.databaseUrl) {
		return openPostgresStorage(config.databaseUrl, {
			onError: (error) => log.warn({ err: error.message }, 'postgres connection error')
		});
	}
	if (config.redisUrl) {
		throw new Error(
			'REDIS_URL is set without DATABASE_URL: processes sharing a bus must share a store (PostgreSQL)'
		);
	}
	return openSqliteStorage(config.dataDir, config.durability);
}

export async function startServer(
	config: ServerConfig,
	options: ServerOptions = {}
): Promise<RunningServer> {
	const log = options.log ?? createLogger(config.logLevel);
	const metrics = createMetrics();
	const storage = await openStorage(config, log);
	let bus: RedisBus | null = null;
	try {
		if (config.redisUrl) bus = await RedisBus.connect(config.redisUrl, log);
	} catch (error) {
		await storage.close(false);
		throw error;
	}
	const accounts = new AccountService(storage.accounts, {
		hashLogN: config.passwordHashLogN,
		accessTtlMs: config.accessTtlMs,
		refreshTtlMs: config.refreshTtlMs,
		sessionMaxMs: config.sessionMaxMs,
		...(bus ? { limiter: new RedisSignInLimiter(bus.redis) } : {}),
		...(options.now ? { now: options.now } : {})
	});
	const validator = new UpdateValidator({
		budgetMs: config.limits.decodeBudgetMs,
		watchdogMs: config.limits.decodeWatchdogMs,
		maxOldGenerationSizeMb: config.limits.validatorHeapMb
	});
	const registry = new DocumentRegistry({
		store: storage.documents,
		...(bus ? { bus } : {}),
		validator,
		policy: options.policy ?? domainPolicy,
		metrics,
		log,
		limits: config.limits,
		// The clock new events' `at` is judged by: the one the server's own events are stamped with.
		...(options.now ? { now: options.now } : {})
	});
	const origins = { allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy };
	const hub = new SyncHub({
		registry,
		accounts,
		origins,
		metrics,
		log,
		limits: config.limits,
		// Channels are sent the same list, and again whenever it changes.
		documentsFor: (viewer) => listing.documentsFor(viewer)
	});
	bus?.listen({
		update: (name, seq, update) => {
			registry.receiveUpdate(name, seq, update).catch((error: unknown) => {
				log.error({ err: error, doc: name }, 'could not apply an update from the bus');
			});
		},
		awareness: (name, update) => registry.receiveAwareness(name, update),
		sessionsRevoked: (ids) => hub.closeSessions(ids),
		accessChanged: (change) => hub.accessChangedElsewhere(change),
		reconnected: () => {
			registry.repairAll().catch((error: unknown) => {
				log.error({ err: error }, 'could not catch up from the store');
			});
		}
	});

	// Invitation links: indexed once an accepted update is durable and before its writer hears the
	// acknowledgement, so a link is found on every process as soon as its sender is told it is saved.
	const invitationIndex = new InvitationIndex(storage.invitationTokens, registry);
	registry.beforeAcknowledged((live) =>
		invitationIndex
			.update(live)
			.catch((error: unknown) =>
				log.error({ err: error, doc: live.name }, 'invitation index update failed')
			)
	);
	const invitations = new InvitationService({
		registry,
		index: invitationIndex,
		log,
		limits: { attemptsPerWindow: config.limits.invitationAttemptsPerMinute, windowMs: 60_000 },
		...(bus
			? {
					budget: (settings: BudgetSettings) =>
						new RedisWindowBudget(bus.redis, settings, 'tiertwo:invitations:')
				}
			: {}),
		accounts,
		onNewOrg: (orgId) => accountSync.onNewOrg(orgId),
		...(options.now ? { now: options.now } : {})
	});

	const index = new AccessIndex(storage.access, registry, () => storage.accounts.orgIds());
	const accountSync = new AccountSync(accounts, registry, log);
	registry.admission = accountSync.admit;
	// The listing index follows every change; the other processes' channels hear of an access
	// change once the shared index has it.
	const listing = new ListingUpkeep({
		index,
		registry,
		log,
		publish: (change) => bus?.publishAccessChanged(change)
	});
	accountSync.onNewOrg = (orgId) => void listing.orgAdmitted(orgId);
	registry.onLogChanged((live) => accountSync.syncOrg(live));
	registry.onAccessChanged(listing.accessChanged);
	// Enrollment (issue 7): Partner Membership Center registry, email, verification links.
	const pmc = new PmcRegistry(storage.enrollment);
	const mailer = new Mailer({
		dataDir: config.dataDir,
		smtpUrl: config.smtpUrl,
		from: config.mailFrom,
		log,
		...(options.now ? { now: options.now } : {})
	});
	let publicUrl = config.publicUrl;
	const enrollment = new EnrollmentService({
		store: storage.enrollment,
		registry,
		accounts,
		pmc,
		mailer,
		log,
		hashLogN: config.passwordHashLogN,
		publicUrl: () => publicUrl,
		onNewOrg: (orgId) => accountSync.onNewOrg(orgId),
		...(bus
			? {
					limiters: {
						pmc: new RedisSignInLimiter(bus.redis, {}, 'tiertwo:pmc:'),
						create: new RedisSignInLimiter(bus.redis, CREATE_ACCOUNT_LIMITS, 'tiertwo:create:')
					},
					verifyBudget: (settings: BudgetSettings) =>
						new RedisWindowBudget(bus.redis, settings, 'tiertwo:verify-email:')
				}
			: {}),
		...(options.now ? { now: options.now } : {})
	});
	accounts.events = {
		sessionsRevoked: (ids) => {
			hub.closeSessions(ids);
			bus?.publishSessionsRevoked(ids);
		},
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
	// One process at a time decides whether the (shared) store is fresh and seeds it.
	await storage.exclusive(async () => {
		const fresh = await isFresh(storage);
		const cleanShutdown = fresh || (await storage.meta.get('clean_shutdown')) !== undefined;
		if (config.demo && fresh) {
			demoSignIns = await seedDemoWorkspace({
				registry,
				hashLogN: config.passwordHashLogN,
				provisioned: (name) => orders.decideNow(name)
			});
			await accountSync.idle();
			await storage.meta.set('demo_seeded', new Date().toISOString());
			await seedDemoPmcRegistry(pmc, config.passwordHashLogN);
			await listing.write(() => index.rebuild());
			log.info({ accounts: demoSignIns.length }, 'demo workspace created');
		} else if (
			(!cleanShutdown && !storage.shared) ||
			((await index.isEmpty()) && (await storage.documents.names()).length > 0)
		) {
			// After a crash the listing index may have missed the last changes: decide it afresh.
			await listing.write(() => index.rebuild());
		}
		if ((!cleanShutdown && !storage.shared) || !(await storage.meta.get('invitation_index'))) {
			// Never built (a data dir from before the index), or a crash may have lost the last entries.
			await invitationIndex.rebuild();
			await storage.meta.set('invitation_index', '1');
		}
		if (!storage.shared) await storage.meta.delete('clean_shutdown');
	});
	const addDemoCustomers = (count: number, progress?: (done: number, wanted: number) => void) =>
		storage.exclusive(async () => {
			const seeded = await seedDemoCustomers(
				{
					registry,
					accounts,
					...(options.now ? { now: options.now } : {}),
					onNewOrgs: (orgIds) => listing.orgsAdded(orgIds),
					...(progress ? { progress } : {})
				},
				count
			);
			if (seeded.added > 0) log.info(seeded, 'demo customers added');
			return seeded;
		});
	const demoCustomers =
		config.demoCustomers > 0 ? await addDemoCustomers(config.demoCustomers) : null;
	// After the demo seed: its finished applications are history, not news for anyone's inbox.
	registry.onLogChanged((live) => {
		enrollment
			.observe(live)
			.catch((error: unknown) =>
				log.error({ err: error, doc: live.name }, 'enrollment notice failed')
			);
	});
	// A server stopped between an order and its outcome decides it now (in the background: every
	// customer document is read; in a cluster each process does, and the locks keep one outcome).
	orders.provisionPending().catch((error: unknown) => {
		log.error({ err: error }, 'order provisioning: pending orders not read');
	});

	const describe = async (account: AccountRow): Promise<SessionUser> => {
		const org = await registry.projection({ kind: 'org', orgId: account.org_id });
		const profile = org?.kind === 'org' ? org.org : null;
		return {
			id: account.id,
			email: account.email,
			fullName: account.full_name,
			orgId: account.org_id,
			orgKind: profile?.kind ?? 'unknown',
			orgName: profile?.legalName ?? account.org_id,
			tenantDomain: profile?.tenant?.domain ?? null,
			mustChangePassword: account.must_change_password === 1,
			roles: (await registry.actorOf({ userId: account.id, orgId: account.org_id })).roles
		};
	};
	const api = createApiHandler({
		accounts,
		invitations,
		policy: origins,
		version: config.version,
		describe,
		signInsFor: async (account) => {
			const actor = await registry.currentActorOf({ userId: account.id, orgId: account.org_id });
			if (!can(actor.roles, 'manageUsers')) return null;
			return (await storage.accounts.lastSignIns(account.org_id)).map((row) => ({
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
		indexed: () => listing.settled(),
		documentsFor: (account) => listing.documentsFor({ userId: account.id, orgId: account.org_id })
	});
	const serveApp = options.serveApp === false ? null : createAppHandler(config.appDir);

	const server = http.createServer((req, res) => {
		const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
		const fail = (error: unknown) => {
			log.error({ err: error, path: pathname }, 'request failed');
			if (!res.headersSent) {
				sendError(res, 500, 'server_error', 'Something went wrong on the server.');
			} else res.destroy();
		};
		if (pathname === '/metrics' && req.method === 'GET') {
			if (!mayReadMetrics(req, config.metricsToken)) {
				const message = 'Metrics need the configured bearer token.';
				sendError(res, 401, 'auth_not_signed_in', message, undefined, {
					'WWW-Authenticate': 'Bearer'
				});
				return;
			}
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

	const purge = setInterval(() => {
		accounts.purgeExpired().catch((error: unknown) => log.warn({ err: error }, 'purge failed'));
	}, 10 * 60_000);
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
		storage,
		bus,
		demoSignIns,
		demoCustomers,
		seedDemoCustomers: addDemoCustomers,
		close() {
			closing ??= (async () => {
				clearInterval(purge);
				const ordersClosed = orders.close();
				hub.close();
				listing.flush();
				const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
				server.closeAllConnections();
				await ordersClosed;
				await registry.close();
				// Writes finished while closing (an order being provisioned) may have queued a refresh.
				listing.flush();
				await validator.close();
				mailer.close();
				await accountSync.idle();
				await hub.rechecked();
				await listing.idle();
				await bus?.close();
				if (!storage.shared) await storage.meta.set('clean_shutdown', '1');
				await storage.close(true);
				await stopped;
			})();
			return closing;
		}
	};
}
