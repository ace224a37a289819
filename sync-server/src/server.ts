// Builds the whole server from a configuration: store, accounts, documents, validation worker,
// websocket hub, HTTP routes (API, metrics, the built app), and an orderly shutdown. The parts are
// built in server-parts.ts and server-http.ts; this composes them, in order, and stops them.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AccountService } from './accounts/account-service.js';
import type { RedisBus } from './cluster/redis-bus.js';
import type { ServerConfig } from './config.js';
import type { DemoCustomersSeeded } from './demo-customers.js';
import type { DemoSignIn } from './demo-seed.js';
import type { DocumentRegistry } from './docs/document-registry.js';
import type { InvitationService } from './invitations/invitation-service.js';
import { createLogger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { startHttp } from './server-http.js';
import {
	seedWorkspace,
	startServices,
	startStorage,
	startSync,
	type Core,
	type ServerOptions,
	type Services,
	type Sync
} from './server-parts.js';
import type { Storage } from './store/storage.js';
import type { UpdateValidator } from './validation/update-validator.js';
import type { SyncHub } from './ws/sync-hub.js';

export { openStorage, type ServerOptions } from './server-parts.js';

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

export async function startServer(
	config: ServerConfig,
	options: ServerOptions = {}
): Promise<RunningServer> {
	const log = options.log ?? createLogger(config.logLevel);
	const metrics = createMetrics();
	const { storage, bus } = await startStorage(config, log);
	const core: Core = { config, options, log, metrics, storage, bus };
	// Channels are sent the same list, and again whenever it changes.
	const sync = startSync(core, {
		documentsFor: (viewer) => services.listing.documentsFor(viewer),
		documentsAmong: (viewer, names) => services.listing.documentsAmong(viewer, names)
	});
	let publicUrl = config.publicUrl;
	const services = startServices(core, sync, () => publicUrl);
	const { demoSignIns, addDemoCustomers } = await seedWorkspace(core, sync, services);
	const demoCustomers =
		config.demoCustomers > 0 ? await addDemoCustomers(config.demoCustomers) : null;
	const { registry } = sync;
	const { enrollment, orders } = services;
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

	const server = startHttp(core, sync, services);
	const { accounts } = sync;
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
		hub: sync.hub,
		invitations: services.invitations,
		validator: sync.validator,
		metrics,
		log,
		storage,
		bus,
		demoSignIns,
		demoCustomers,
		seedDemoCustomers: addDemoCustomers,
		close() {
			closing ??= stopServer(core, sync, services, server, purge);
			return closing;
		}
	};
}

/** Stops accepting, closes connections, finishes queued updates, compacts, closes the store. */
async function stopServer(
	{ storage, bus }: Core,
	{ registry, validator, hub }: Sync,
	{ orders, listing, mailer, accountSync }: Services,
	server: http.Server,
	purge: NodeJS.Timeout
): Promise<void> {
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
}
