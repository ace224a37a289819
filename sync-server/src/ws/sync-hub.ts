// The websocket endpoints: `/sync/<document>` (one document per socket, the stock client's) and
// `/sync` (a channel carrying every document of a device). Origin check, session cookie,
// per-document access and connection caps, then a SyncConnection per document. Also closes
// connections whose session or access ended, and tells channels when their document list changed.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AccountService, Authenticated } from '../accounts/account-service.js';
import { accessChangeOf, type AccessChange } from '../docs/access-change.js';
import type { DocumentRegistry } from '../docs/document-registry.js';
import type { LiveDocument } from '../docs/live-document.js';
import { ACCESS_COOKIE, parseCookies } from '../http/cookies.js';
import { clientAddress, hasTrustedOrigin, type OriginPolicy } from '../http/origin.js';
import type { Metrics } from '../metrics.js';
import {
	CHANNEL_PATH,
	MAX_NAME_LENGTH,
	type DocumentSummary,
	type ListedDocument
} from '$lib/protocol/channel';
import { summaryRows } from '$lib/db/read-models/summary';
import { documentName, parseDocumentName } from '$lib/domain/documents';
import { accessGrants } from '$lib/flows/documents/access';
import { DocumentSocket } from './document-socket.js';
import { SyncChannel, type ChannelHost, type ChannelLimits } from './sync-channel.js';
import {
	CLOSE_FORBIDDEN,
	CLOSE_GOING_AWAY,
	CLOSE_RATE,
	CLOSE_UNAUTHENTICATED,
	SyncConnection,
	type ConnectionLimits,
	type SyncTransport
} from './sync-connection.js';

export interface HubLimits extends ConnectionLimits, ChannelLimits {
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
	/** what each user may open, as the listing index decides it */
	readonly listing: HubListing;
}

/** The listing index, as the hub's channels read it. */
export interface HubListing {
	/** every document the user may open, with their access (what `GET /api/auth/documents` lists) */
	documentsFor(viewer: Viewer): Promise<readonly ListedDocument[]>;
	/** of `names`, each one the user may open, with their access, or null */
	documentsAmong(
		viewer: Viewer,
		names: readonly string[]
	): Promise<ReadonlyMap<string, ListedDocument | null>>;
}

interface Viewer {
	readonly userId: string;
	readonly orgId: string;
}

const SYNC_PREFIX = '/sync/';

/** A websocket's closing code and reason, for a refused upgrade or document. */
interface Refusal {
	readonly ok: false;
	readonly code: number;
	readonly reason: string;
}

/** The viewer behind an upgrade's access cookie, once it may sync at all. */
interface SignedIn {
	readonly ok: true;
	readonly auth: Authenticated;
	readonly viewer: Viewer;
}

/** One document the viewer may open. */
interface Opened {
	readonly ok: true;
	/** the viewer's org's legal name, for presence */
	readonly orgName: string;
	readonly live: LiveDocument;
	readonly access: 'read' | 'write';
}

type Decision = Refusal | (SignedIn & Opened);

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
	/** channels carry a name before each message: their frames may be that much longer */
	readonly #channelWss: WebSocketServer;
	/** every document connection, over its own socket or in a channel */
	readonly #connections = new Set<SyncConnection>();
	/** the connections that have a websocket of their own */
	readonly #sockets = new Map<SyncConnection, DocumentSocket>();
	readonly #channels = new Set<SyncChannel>();
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
		this.#channelWss = new WebSocketServer({
			noServer: true,
			// a varString name: its length, then up to 3 bytes per UTF-16 unit
			maxPayload: deps.limits.maxMessageBytes + 5 + 3 * MAX_NAME_LENGTH,
			perMessageDeflate: false
		});
		this.#heartbeat = setInterval(() => {
			for (const [connection, socket] of this.#sockets) {
				if (!socket.ping()) connection.detach();
			}
			for (const channel of this.#channels) channel.ping();
		}, deps.limits.heartbeatMs);
		this.#heartbeat.unref();
		deps.registry.onAccessChanged((live) => {
			this.recheck(live);
			this.refreshLists(accessChangeOf(deps.registry, live));
		});
		deps.registry.onStored((name, seq, live) => {
			const changedAt = live?.version().changedAt ?? '';
			for (const channel of this.#channels) {
				if (channel.lists(name)) channel.changed({ name, version: seq, changedAt });
			}
		});
	}

	/**
	 * The list summaries of `names` for `viewer`: each decided again as opening it would be (a list
	 * a moment old may still name a document whose access just ended), none for the others.
	 */
	async #summaries(viewer: Viewer, names: readonly string[]): Promise<DocumentSummary[]> {
		const { registry } = this.#deps;
		const summaries: DocumentSummary[] = [];
		for (const name of names) {
			const live = await registry.get(name);
			if (!live || (await registry.accessFor(live, viewer)) === 'none') continue;
			summaries.push({
				name,
				version: live.seenThrough,
				rows: summaryRows(live.projector.state, name)
			});
		}
		return summaries;
	}

	/** every open document connection, over its own socket or in a channel */
	get connections(): ReadonlySet<SyncConnection> {
		return this.#connections;
	}

	get channels(): ReadonlySet<SyncChannel> {
		return this.#channels;
	}

	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		const { limits, origins } = this.#deps;
		const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
		const channel = pathname === CHANNEL_PATH;
		if ((!channel && !pathname.startsWith(SYNC_PREFIX)) || this.#closing) {
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
		this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
		socket.on('error', () => {});
		if (channel) {
			this.#upgrade(
				req,
				socket,
				head,
				address,
				this.#channelWss,
				this.#authenticate(req),
				(ws, d) => this.#acceptChannel(ws, d, address)
			);
			return;
		}
		let name: string;
		try {
			name = decodeURIComponent(pathname.slice(SYNC_PREFIX.length));
		} catch {
			name = '';
		}
		this.#upgrade(req, socket, head, address, this.#wss, this.#decide(req, name), (ws, d) =>
			this.#accept(ws, req, d, address)
		);
	}

	/**
	 * Completes the handshake once `deciding` settles: the session (and the document) are looked up
	 * before, so the connection exists (and hears the client's first frames) the moment it opens.
	 */
	#upgrade<D>(
		req: IncomingMessage,
		socket: Duplex,
		head: Buffer,
		address: string,
		wss: WebSocketServer,
		deciding: Promise<D>,
		accept: (ws: WebSocket, decision: D) => boolean
	): void {
		deciding.then(
			(decision) => {
				if (socket.destroyed || this.#closing) {
					socket.destroy();
					this.#release(address, null);
					return;
				}
				wss.handleUpgrade(req, socket, head, (ws) => {
					let accepted = false;
					try {
						accepted = accept(ws, decision);
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

	/** The access cookie's viewer, who must have a live session and no password to change. */
	async #authenticate(req: IncomingMessage): Promise<Refusal | SignedIn> {
		const auth = await this.#deps.accounts.authenticate(
			parseCookies(req.headers.cookie).get(ACCESS_COOKIE)
		);
		if (!auth.ok) return { ok: false, code: CLOSE_UNAUTHENTICATED, reason: auth.code };
		if (auth.account.must_change_password) {
			return { ok: false, code: CLOSE_FORBIDDEN, reason: 'auth_password_change_required' };
		}
		return { ok: true, auth, viewer: { userId: auth.account.id, orgId: auth.account.org_id } };
	}

	/** Whether the viewer may open the document, and how (the same for a socket and a channel). */
	async #decideDocument(viewer: Viewer, name: string): Promise<Refusal | Opened> {
		const { registry } = this.#deps;
		const opened = await registry.openFor(name, viewer);
		if (opened === 'invalid') {
			return { ok: false, code: CLOSE_FORBIDDEN, reason: 'sync_document_invalid' };
		}
		if (opened === 'none') {
			return { ok: false, code: CLOSE_FORBIDDEN, reason: 'sync_document_forbidden' };
		}
		const orgName = await orgNameOf(registry, viewer.orgId);
		return { ok: true, orgName, live: opened.live, access: opened.access };
	}

	async #decide(req: IncomingMessage, name: string): Promise<Decision> {
		const signedIn = await this.#authenticate(req);
		if (!signedIn.ok) return signedIn;
		const opened = await this.#decideDocument(signedIn.viewer, name);
		return opened.ok ? { ...signedIn, ...opened } : opened;
	}

	/** A document's connection over `transport`, known to rechecks and sign-outs until it closes. */
	#connect(
		transport: SyncTransport,
		{ auth, viewer }: SignedIn,
		{ orgName, live, access }: Opened,
		address: string,
		acknowledges: boolean,
		onClosed: () => void
	): SyncConnection {
		const { registry, limits, metrics } = this.#deps;
		const connection = new SyncConnection(
			transport,
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
		// Only clients that ask (the app) get acknowledgements: the stock client logs an error for
		// every message type it does not know.
		connection.acknowledges = acknowledges;
		this.#connections.add(connection);
		let orgConnections = this.#byOrg.get(viewer.orgId);
		if (!orgConnections) this.#byOrg.set(viewer.orgId, (orgConnections = new Set()));
		orgConnections.add(connection);
		metrics.documentsOpen.set(this.#connections.size);
		connection.onClosed = (closed) => {
			this.#connections.delete(closed);
			const sameOrg = this.#byOrg.get(closed.orgId);
			sameOrg?.delete(closed);
			if (sameOrg?.size === 0) this.#byOrg.delete(closed.orgId);
			metrics.documentsOpen.set(this.#connections.size);
			onClosed();
		};
		return connection;
	}

	#countSockets(): void {
		this.#deps.metrics.connections.set(this.#sockets.size + this.#channels.size);
	}

	#accept(ws: WebSocket, req: IncomingMessage, decision: Decision, address: string): boolean {
		const { limits, log } = this.#deps;
		if (!decision.ok) {
			ws.close(decision.code, decision.reason);
			return false;
		}
		const { viewer, live, access } = decision;
		if ((this.#perUser.get(viewer.userId) ?? 0) >= limits.maxConnectionsPerUser) {
			ws.close(CLOSE_RATE, 'sync_too_many_connections');
			return false;
		}
		const socket = new DocumentSocket(ws);
		const acknowledges =
			new URL(req.url ?? '/', 'http://localhost').searchParams.get('ack') === '1';
		const connection = this.#connect(socket, decision, decision, address, acknowledges, () => {
			this.#sockets.delete(connection);
			this.#release(address, viewer.userId);
			this.#countSockets();
		});
		socket.attach(connection);
		this.#perUser.set(viewer.userId, (this.#perUser.get(viewer.userId) ?? 0) + 1);
		this.#sockets.set(connection, socket);
		this.#countSockets();
		connection.start();
		log.debug({ doc: live.name, user: viewer.userId, access }, 'sync connection opened');
		return true;
	}

	/** A channel: signed in once here, then each document decided as its own upgrade would be. */
	#acceptChannel(ws: WebSocket, signedIn: Refusal | SignedIn, address: string): boolean {
		const { limits, log, listing } = this.#deps;
		if (!signedIn.ok) {
			ws.close(signedIn.code, signedIn.reason);
			return false;
		}
		const { viewer, auth } = signedIn;
		// A channel is one connection of its user's, however many documents it carries.
		if ((this.#perUser.get(viewer.userId) ?? 0) >= limits.maxConnectionsPerUser) {
			ws.close(CLOSE_RATE, 'sync_too_many_connections');
			return false;
		}
		const host: ChannelHost = {
			open: async (name, transport, acknowledges, wanted) => {
				const opened = await this.#decideDocument(viewer, name);
				if (!opened.ok) return opened;
				if (!wanted() || !channel.open) return null;
				return this.#connect(transport, signedIn, opened, address, acknowledges, () => {});
			},
			documents: () => {
				this.#deps.metrics.documentLists.inc({ scope: 'whole' });
				return listing.documentsFor(viewer);
			},
			documentsAmong: (names) => {
				this.#deps.metrics.documentLists.inc({ scope: 'changed' });
				return listing.documentsAmong(viewer, names);
			},
			summaries: (names) => this.#summaries(viewer, names)
		};
		const channel = new SyncChannel(
			ws,
			{ sessionId: auth.sessionId, userId: viewer.userId, orgId: viewer.orgId },
			host,
			limits,
			log
		);
		this.#perUser.set(viewer.userId, (this.#perUser.get(viewer.userId) ?? 0) + 1);
		this.#channels.add(channel);
		this.#countSockets();
		channel.onClosed = () => {
			this.#channels.delete(channel);
			this.#release(address, viewer.userId);
			this.#countSockets();
		};
		channel.start();
		log.debug({ user: viewer.userId }, 'sync channel opened');
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

	/** Ends the connections (and whole channels) of sessions that were signed out or revoked. */
	closeSessions(sessionIds: readonly string[]): void {
		const ended = new Set(sessionIds);
		for (const connection of [...this.#sockets.keys()]) {
			if (ended.has(connection.sessionId)) {
				connection.close(CLOSE_UNAUTHENTICATED, 'auth_session_expired');
			}
		}
		for (const channel of [...this.#channels]) {
			if (ended.has(channel.sessionId)) {
				channel.close(CLOSE_UNAUTHENTICATED, 'auth_session_expired');
			}
		}
	}

	/** After a document's log changed: access may have been granted, lowered or withdrawn. */
	recheck(changed: LiveDocument): void {
		this.#queueRecheck(changed.name, () => changed.peers);
	}

	#queueRecheck(name: string, peers: () => Iterable<unknown>): void {
		this.#rechecks = this.#rechecks
			.then(() => this.#recheck(name, peers()))
			.catch((error: unknown) => this.#deps.log.error({ err: error }, 'access recheck failed'));
	}

	/** Resolves once every queued recheck has run. */
	rechecked(): Promise<void> {
		return this.#rechecks;
	}

	/** Re-decides the connections to `name` (its `peers`), to the documents that look at it, and of its org. */
	async #recheck(name: string, peers: Iterable<unknown>): Promise<void> {
		const { registry } = this.#deps;
		const affected = new Set(peers);
		for (const dependent of registry.dependentsOf(name)) {
			for (const peer of registry.peek(dependent)?.peers ?? []) affected.add(peer);
		}
		// A user's org document holds their roles and whether they may still sign in at all.
		const ref = registry.policy.parse(name);
		if (ref?.kind === 'org') {
			for (const connection of this.#byOrg.get(ref.orgId) ?? []) affected.add(connection);
		}
		for (const peer of affected) {
			if (!(peer instanceof SyncConnection) || !peer.open) continue;
			const access = await registry.accessFor(peer.live, peer);
			if (!peer.open) continue;
			if (access === 'none') peer.close(CLOSE_FORBIDDEN, 'sync_access_revoked');
			else peer.access = access;
		}
	}

	/**
	 * After an access change: the channels whose document list may differ now ask for it again
	 * (those of the orgs that could have access to the changed document or the ones that look at
	 * it, and those that listed them). Each sends it only if it changed.
	 */
	refreshLists(change: AccessChange): void {
		if (this.#channels.size === 0) return;
		const orgs = new Set(change.orgs);
		const reached = changedListing(change);
		const reachedNames = new Set(reached);
		for (const channel of this.#channels) {
			if (
				change.anyOrg ||
				orgs.has(channel.orgId) ||
				change.names.some((name) => channel.lists(name))
			) {
				const own = documentName({ kind: 'org', orgId: channel.orgId });
				channel.refreshDocuments(reached && !reachedNames.has(own) ? reached : null);
			}
		}
	}

	/**
	 * An access change another process of the cluster committed (heard once it is in the shared
	 * listing index). The documents held here hear their updates on the bus and are rechecked then;
	 * connections to ones that look at a document not held here are rechecked now.
	 */
	accessChangedElsewhere(change: AccessChange): void {
		for (const name of change.names) {
			if (!this.#deps.registry.peek(name)) this.#queueRecheck(name, () => []);
		}
		this.refreshLists(change);
	}

	/** Closes every connection with "going away" (clients reconnect to the next server). */
	close(): void {
		this.#closing = true;
		clearInterval(this.#heartbeat);
		for (const connection of [...this.#sockets.keys()]) {
			connection.close(CLOSE_GOING_AWAY, 'sync_server_shutting_down');
		}
		for (const channel of [...this.#channels]) {
			channel.close(CLOSE_GOING_AWAY, 'sync_server_shutting_down');
		}
		this.#wss.close();
		this.#channelWss.close();
	}
}

/** The org's legal name as its document says, for presence (the org id until it has one). */
async function orgNameOf(registry: DocumentRegistry, orgId: string): Promise<string> {
	const org = await registry.projection({ kind: 'org', orgId });
	return org?.kind === 'org' && org.org ? org.org.legalName : orgId;
}

/**
 * The documents whose listing an access change can alter, for a list that is re-decided in them
 * alone: the changed ones and those that looked at them (as the listing index refreshes them), and
 * what a partnership grants (its reseller's org document, to the provider). Null: any document
 * (a change that could reach every org, or new orgs). A channel's own org document holds its users'
 * roles and its standing, so a change to it re-decides that channel's whole list.
 */
export function changedListing(change: AccessChange): string[] | null {
	if (change.anyOrg || change.names.length === 0) return null;
	const names = new Set(change.names);
	for (const name of change.names) {
		const ref = parseDocumentName(name);
		for (const grant of ref ? accessGrants(ref) : []) names.add(documentName(grant.ref));
	}
	return [...names];
}
