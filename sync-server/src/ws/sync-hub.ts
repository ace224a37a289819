// The websocket endpoint `/sync/<document>`: Origin check, session cookie, per-document access,
// connection caps, then a SyncConnection. Also closes connections whose session or access ended.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AccountService, Authenticated } from '../accounts/account-service.js';
import type { DocumentRegistry } from '../docs/document-registry.js';
import type { LiveDocument } from '../docs/live-document.js';
import { ACCESS_COOKIE, parseCookies } from '../http/cookies.js';
import { clientAddress, hasTrustedOrigin, type OriginPolicy } from '../http/origin.js';
import type { Metrics } from '../metrics.js';
import {
	CLOSE_FORBIDDEN,
	CLOSE_GOING_AWAY,
	CLOSE_RATE,
	CLOSE_UNAUTHENTICATED,
	SyncConnection,
	type ConnectionLimits
} from './sync-connection.js';

export interface HubLimits extends ConnectionLimits {
	readonly maxMessageBytes: number;
	readonly maxConnectionsPerUser: number;
	readonly maxConnectionsPerAddress: number;
	readonly heartbeatMs: number;
}

export interface HubDeps {
	readonly registry: DocumentRegistry;
	readonly accounts: AccountService;
	readonly origins: OriginPolicy;
	readonly metrics: Metrics;
	readonly log: Logger;
	readonly limits: HubLimits;
}

const SYNC_PREFIX = '/sync/';

type Decision =
	| { readonly ok: false; readonly code: number; readonly reason: string }
	| {
			readonly ok: true;
			readonly auth: Authenticated;
			readonly viewer: { userId: string; orgId: string };
			/** the viewer's org's legal name, for presence */
			readonly orgName: string;
			readonly live: LiveDocument;
			readonly access: 'read' | 'write';
	  };

const STATUS_TEXT: Record<number, string> = {
	403: 'Forbidden',
	404: 'Not Found',
	429: 'Too Many Requests',
	503: 'Service Unavailable'
};

function rejectUpgrade(socket: Duplex, status: number, code: string): void {
	const body = JSON.stringify({ error: { code, message: code } });
	socket.end(
		`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Not Found'}\r\n` +
			'Content-Type: application/json\r\n' +
			`Content-Length: ${Buffer.byteLength(body)}\r\n` +
			'Connection: close\r\n\r\n' +
			body
	);
}

export class SyncHub {
	readonly #deps: HubDeps;
	readonly #wss: WebSocketServer;
	readonly #connections = new Set<SyncConnection>();
	readonly #perAddress = new Map<string, number>();
	readonly #perUser = new Map<string, number>();
	/** open connections by the org of their user, for role and liveness changes in its document */
	readonly #byOrg = new Map<string, Set<SyncConnection>>();
	readonly #heartbeat: NodeJS.Timeout;
	#closing = false;
	#rechecks: Promise<void> = Promise.resolve();

	constructor(deps: HubDeps) {
		this.#deps = deps;
		this.#wss = new WebSocketServer({
			noServer: true,
			maxPayload: deps.limits.maxMessageBytes,
			perMessageDeflate: false
		});
		this.#heartbeat = setInterval(() => {
			for (const connection of this.#connections) connection.ping();
		}, deps.limits.heartbeatMs);
		this.#heartbeat.unref();
		deps.registry.onAccessChanged((live) => this.recheck(live));
	}

	get connections(): ReadonlySet<SyncConnection> {
		return this.#connections;
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		const { limits, origins } = this.#deps;
		const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
		if (!pathname.startsWith(SYNC_PREFIX) || this.#closing) {
			rejectUpgrade(socket, 404, 'not_found');
			return;
		}
		// A page on another site may open a websocket with our cookie: only our own pages may.
		if (!hasTrustedOrigin(req, origins)) {
			rejectUpgrade(socket, 403, 'auth_origin_refused');
			return;
		}
		const address = clientAddress(req, origins);
		if ((this.#perAddress.get(address) ?? 0) >= limits.maxConnectionsPerAddress) {
			rejectUpgrade(socket, 429, 'sync_too_many_connections');
			return;
		}
		let name: string;
		try {
			name = decodeURIComponent(pathname.slice(SYNC_PREFIX.length));
		} catch {
			name = '';
		}
		this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
		socket.on('error', () => {});
		// The session and the document are looked up before the handshake completes, so the
		// connection exists (and hears the client's first frames) the moment the socket opens.
		this.#decide(req, name).then(
			(decision) => {
				if (socket.destroyed || this.#closing) {
					socket.destroy();
					this.#release(address, null);
					return;
				}
				this.#wss.handleUpgrade(req, socket, head, (ws) => {
					let accepted = false;
					try {
						accepted = this.#accept(ws, req, decision, address);
					} finally {
						if (!accepted) this.#release(address, null);
					}
				});
			},
			(error: unknown) => {
				this.#deps.log.error({ err: error }, 'sync upgrade failed');
				this.#release(address, null);
				rejectUpgrade(socket, 503, 'sync_server_error');
			}
		);
	}

	async #decide(req: IncomingMessage, name: string): Promise<Decision> {
		const { accounts, registry } = this.#deps;
		const auth = await accounts.authenticate(parseCookies(req.headers.cookie).get(ACCESS_COOKIE));
		if (!auth.ok) return { ok: false, code: CLOSE_UNAUTHENTICATED, reason: auth.code };
		if (auth.account.must_change_password)
			return { ok: false, code: CLOSE_FORBIDDEN, reason: 'auth_password_change_required' };
		const viewer = { userId: auth.account.id, orgId: auth.account.org_id };
		const opened = await registry.openFor(name, viewer);
		if (opened === 'invalid')
			return { ok: false, code: CLOSE_FORBIDDEN, reason: 'sync_document_invalid' };
		if (opened === 'none')
			return { ok: false, code: CLOSE_FORBIDDEN, reason: 'sync_document_forbidden' };
		const orgName = await orgNameOf(registry, viewer.orgId);
		return { ok: true, auth, viewer, orgName, live: opened.live, access: opened.access };
	}

	#accept(ws: WebSocket, req: IncomingMessage, decision: Decision, address: string): boolean {
		const { registry, limits, metrics, log } = this.#deps;
		if (!decision.ok) {
			ws.close(decision.code, decision.reason);
			return false;
		}
		const { auth, viewer, orgName, live, access } = decision;
		if ((this.#perUser.get(viewer.userId) ?? 0) >= limits.maxConnectionsPerUser) {
			ws.close(CLOSE_RATE, 'sync_too_many_connections');
			return false;
		}
		const connection = new SyncConnection(
			ws,
			live,
			{
				accountId: auth.account.id,
				sessionId: auth.sessionId,
				userId: viewer.userId,
				orgId: viewer.orgId,
				fullName: auth.account.full_name,
				orgName,
				address
			},
			access,
			registry,
			limits
		);
		// Only clients that ask (the app, with `?ack=1`) get acknowledgements: the stock client logs
		// an error for every message type it does not know.
		connection.acknowledges =
			new URL(req.url ?? '/', 'http://localhost').searchParams.get('ack') === '1';
		this.#perUser.set(viewer.userId, (this.#perUser.get(viewer.userId) ?? 0) + 1);
		this.#connections.add(connection);
		let orgConnections = this.#byOrg.get(viewer.orgId);
		if (!orgConnections) this.#byOrg.set(viewer.orgId, (orgConnections = new Set()));
		orgConnections.add(connection);
		metrics.connections.set(this.#connections.size);
		connection.onClosed = (closed) => {
			this.#connections.delete(closed);
			const sameOrg = this.#byOrg.get(closed.orgId);
			sameOrg?.delete(closed);
			if (sameOrg?.size === 0) this.#byOrg.delete(closed.orgId);
			this.#release(address, closed.userId);
			metrics.connections.set(this.#connections.size);
		};
		connection.start();
		log.debug({ doc: live.name, user: viewer.userId, access }, 'sync connection opened');
		return true;
	}

	#release(address: string, userId: string | null): void {
		const decrement = (map: Map<string, number>, key: string) => {
			const left = (map.get(key) ?? 1) - 1;
			if (left <= 0) map.delete(key);
			else map.set(key, left);
		};
		decrement(this.#perAddress, address);
		if (userId !== null) decrement(this.#perUser, userId);
	}

	/** Ends the connections of sessions that were signed out or revoked. */
	closeSessions(sessionIds: readonly string[]): void {
		const ended = new Set(sessionIds);
		for (const connection of [...this.#connections]) {
			if (ended.has(connection.sessionId))
				connection.close(CLOSE_UNAUTHENTICATED, 'auth_session_expired');
		}
	}

	/** After a document's log changed: access may have been granted, lowered or withdrawn. */
	recheck(changed: LiveDocument): void {
		this.#rechecks = this.#rechecks
			.then(() => this.#recheck(changed))
			.catch((error: unknown) => this.#deps.log.error({ err: error }, 'access recheck failed'));
	}

	/** Resolves once every queued recheck has run. */
	rechecked(): Promise<void> {
		return this.#rechecks;
	}

	async #recheck(changed: LiveDocument): Promise<void> {
		const { registry } = this.#deps;
		const affected = new Set(changed.peers);
		for (const name of registry.dependentsOf(changed.name)) {
			for (const peer of registry.peek(name)?.peers ?? []) affected.add(peer);
		}
		// A user's org document holds their roles and whether they may still sign in at all.
		if (changed.ref.kind === 'org') {
			for (const connection of this.#byOrg.get(changed.ref.orgId) ?? []) affected.add(connection);
		}
		for (const peer of affected) {
			if (!(peer instanceof SyncConnection) || !peer.open) continue;
			const access = await registry.accessFor(peer.live, peer);
			if (!peer.open) continue;
			if (access === 'none') peer.close(CLOSE_FORBIDDEN, 'sync_access_revoked');
			else peer.access = access;
		}
	}

	/** Closes every connection with "going away" (clients reconnect to the next server). */
	close(): void {
		this.#closing = true;
		clearInterval(this.#heartbeat);
		for (const connection of [...this.#connections]) {
			connection.close(CLOSE_GOING_AWAY, 'sync_server_shutting_down');
		}
		this.#wss.close();
	}
}

/** The org's legal name as its document says, for presence (the org id until it has one). */
async function orgNameOf(registry: DocumentRegistry, orgId: string): Promise<string> {
	const org = await registry.projection({ kind: 'org', orgId });
	return org?.kind === 'org' && org.org ? org.org.legalName : orgId;
}
