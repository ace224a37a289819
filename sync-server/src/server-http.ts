// The server's HTTP side, not yet listening: /metrics (for a bearer of the metrics token), the
// account, invitation and enrollment API, the built app for other paths, and websocket upgrades.
import http from 'node:http';
import { can } from '$lib/domain/permissions';
import { ProviderOnboarding } from './enrollment/provider-onboarding.js';
import { createApiHandler, refuse, type DescribedUser } from './http/api.js';
import { createAppHandler } from './http/app-static.js';
import { enrollmentRoutes } from './http/enrollment-api.js';
import { mayReadMetrics } from './metrics.js';
import type { Core, Services, Sync } from './server-parts.js';
import type { AccountRow } from './store/storage.js';

/** The HTTP server (not listening yet): metrics, the API, the built app, the websocket upgrade. */
export function startHttp(
	{ config, options, log, metrics, storage }: Core,
	{ accounts, registry, origins, hub }: Sync,
	{ invitations, listing, enrollment, mailer, pmc }: Services
): http.Server {
	const describe = async (account: AccountRow): Promise<DescribedUser> => {
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
			roles: [...(await registry.actorOf({ userId: account.id, orgId: account.org_id })).roles]
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
				refuse(res, { status: 500, code: 'server_error' });
			} else res.destroy();
		};
		if (pathname === '/metrics' && req.method === 'GET') {
			if (!mayReadMetrics(req, config.metricsToken)) {
				const message = 'Metrics need the configured bearer token.';
				const headers = { 'WWW-Authenticate': 'Bearer' };
				refuse(res, { status: 401, code: 'auth_not_signed_in', message }, headers);
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
			const notFound = () => refuse(res, { status: 404, code: 'not_found', message: 'Not found.' });
			if (serveApp) serveApp(req, res, notFound);
			else notFound();
		}, fail);
	});
	server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
	server.on('clientError', (_error, socket) => socket.destroy());
	return server;
}
