// The parts startServer composes: the store and the cluster bus, the sync core (accounts,
// documents, the websocket hub), the services that follow the documents' logs, and what the first
// start seeds. Each takes what the ones before it built; listeners are registered in running order.
import type { Logger } from 'pino';
import { AccountService } from './accounts/account-service.js';
import { AccountSync } from './accounts/account-sync.js';
import { RedisSignInLimiter } from './accounts/redis-sign-in-limiter.js';
import { domainPolicy, type AccessPolicy } from './authorize.js';
import { RedisBus } from './cluster/redis-bus.js';
import { RedisWindowBudget } from './cluster/redis-window-budget.js';
import type { ServerConfig } from './config.js';
import { seedDemoCustomers } from './demo-customers.js';
import { seedDemoWorkspace, type DemoSignIn } from './demo-seed.js';
import { AccessIndex } from './docs/access-index.js';
import { DocumentRegistry } from './docs/document-registry.js';
import { ListingUpkeep } from './docs/listing-upkeep.js';
import { seedDemoPmcRegistry } from './enrollment/demo-pmc.js';
import { CREATE_ACCOUNT_LIMITS, EnrollmentService } from './enrollment/enrollment-service.js';
import { Mailer } from './enrollment/mailer.js';
import { PmcRegistry } from './enrollment/pmc-registry.js';
import { InvitationIndex } from './invitations/invitation-index.js';
import { moveInvitations } from './invitations/invitations-move.js';
import { InvitationService } from './invitations/invitation-service.js';
import type { Metrics } from './metrics.js';
import { isUserEnded } from '$lib/flows/users/org-queries';
import { OrderProvisioner } from './provisioning/order-provisioner.js';
import { openPostgresStorage } from './store/postgres/postgres-storage.js';
import { openSqliteStorage } from './store/sqlite-storage.js';
import type { Storage } from './store/storage.js';
import { UpdateValidator } from './validation/update-validator.js';
import type { BudgetSettings } from './window-budget.js';
import { SyncHub, type HubDeps } from './ws/sync-hub.js';

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

/** What every part of the server is built with: the configuration, logs, metrics, store and bus. */
export interface Core {
	readonly config: ServerConfig;
	readonly options: ServerOptions;
	readonly log: Logger;
	readonly metrics: Metrics;
	readonly storage: Storage;
	readonly bus: RedisBus | null;
}

/** The store, and the cluster bus with REDIS_URL (closing the store if the bus cannot connect). */
export async function startStorage(
	config: ServerConfig,
	log: Logger
): Promise<{ storage: Storage; bus: RedisBus | null }> {
	const storage = await openStorage(config, log);
	let bus: RedisBus | null = null;
	try {
		if (config.redisUrl) bus = await RedisBus.connect(config.redisUrl, log);
	} catch (error) {
		await storage.close(false);
		throw error;
	}
	return { storage, bus };
}

/**
 * Accounts, the documents (with their validation worker) and the websocket hub, and what the other
 * processes of a cluster tell them through the bus. `listing` is each viewer's listing.
 */
export function startSync(
	{ config, options, log, metrics, storage, bus }: Core,
	listing: HubDeps['listing']
) {
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
	accounts.userEnded = async (account) => {
		const org = await registry.current({ kind: 'org', orgId: account.org_id });
		return org?.kind === 'org' && isUserEnded(org.users[account.id]);
	};
	const origins = { allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy };
	const hub = new SyncHub({
		registry,
		accounts,
		origins,
		metrics,
		log,
		limits: config.limits,
		listing
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
	return { accounts, validator, registry, origins, hub };
}
export type Sync = ReturnType<typeof startSync>;

/**
 * The services that follow the documents' logs (invitation links, accounts, the listing index,
 * enrollment, orders), each registered with the registry in the order it hears of a change.
 */
export function startServices(
	{ config, options, log, storage, bus }: Core,
	{ accounts, registry, hub }: Sync,
	publicUrl: () => string
) {
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
	const enrollment = new EnrollmentService({
		store: storage.enrollment,
		registry,
		accounts,
		pmc,
		mailer,
		log,
		hashLogN: config.passwordHashLogN,
		publicUrl,
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
	return {
		invitationIndex,
		invitations,
		index,
		accountSync,
		listing,
		pmc,
		mailer,
		enrollment,
		orders
	};
}
export type Services = ReturnType<typeof startServices>;

/**
 * Seeds a fresh store with the demo workspace (when configured), or rebuilds the indexes a crash
 * may have left behind; one process at a time. Also how `--demo-customers N` adds customers.
 */
export async function seedWorkspace(
	{ config, options, log, storage }: Core,
	{ accounts, registry }: Sync,
	{ invitationIndex, index, accountSync, listing, pmc, orders }: Services
) {
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
		// A store from before links had documents of their own: they move once (invitations-move.ts).
		let linksMoved = false;
		if (!(await storage.meta.get('invitations_moved'))) {
			const orgs = fresh ? [] : await moveInvitations(registry);
			if (orgs.length > 0) {
				log.info({ orgs: orgs.length }, 'invitation links moved into invitations documents');
				await listing.write(() => index.rebuild());
				linksMoved = true;
			}
			await storage.meta.set('invitations_moved', '1');
		}
		if (
			linksMoved ||
			(!cleanShutdown && !storage.shared) ||
			!(await storage.meta.get('invitation_index'))
		) {
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
	return { demoSignIns, addDemoCustomers };
}
