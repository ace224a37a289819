// A small round-robin reverse proxy (HTTP and WebSocket upgrades) for trying a cluster on one
// machine and for the cluster tests: each new request or connection goes to the next server; a
// server that refuses connections is skipped for a second, so clients of a killed process
// reconnect to the others. In production an ordinary load balancer does this job (see README).
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';

export interface Backend {
	readonly host: string;
	readonly port: number;
}

export interface RunningProxy {
	readonly url: string;
	readonly port: number;
	/** replaces the list of servers (e.g. after one restarted on a new port) */
	setBackends(backends: readonly Backend[]): void;
	close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
	'connection',
	'keep-alive',
	'proxy-connection',
	'transfer-encoding',
	'te',
	'trailer',
	'upgrade'
]);

export async function startRoundRobinProxy(
	initial: readonly Backend[],
	options: { port?: number; host?: string } = {}
): Promise<RunningProxy> {
	let backends = [...initial];
	let next = 0;
	const downUntil = new Map<string, number>();
	const key = (b: Backend) => `${b.host}:${b.port}`;
	/** the backends to try, in round-robin order, healthy ones first */
	const order = (): Backend[] => {
		const start = next;
		next = (next + 1) % Math.max(1, backends.length);
		const rotated = backends.map((_, i) => backends[(start + i) % backends.length] as Backend);
		const now = Date.now();
		const up = rotated.filter((b) => (downUntil.get(key(b)) ?? 0) <= now);
		return [...up, ...rotated.filter((b) => !up.includes(b))];
	};
	const markDown = (b: Backend) => downUntil.set(key(b), Date.now() + 1000);

	const forwardedHeaders = (req: http.IncomingMessage) => {
		const headers: http.OutgoingHttpHeaders = {};
		for (const [name, value] of Object.entries(req.headers)) {
			if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
		}
		const address = req.socket.remoteAddress ?? '';
		const prior = req.headers['x-forwarded-for'];
		headers['x-forwarded-for'] = prior ? `${String(prior)}, ${address}` : address;
		return headers;
	};

	const server = http.createServer((req, res) => {
		const candidates = order();
		const attempt = (i: number) => {
			const backend = candidates[i];
			if (!backend) {
				if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
				res.end('no sync server is reachable');
				return;
			}
			const upstream = http.request(
				{
					host: backend.host,
					port: backend.port,
					method: req.method,
					path: req.url,
					headers: forwardedHeaders(req)
				},
				(answer) => {
					const headers: http.OutgoingHttpHeaders = {};
					for (const [name, value] of Object.entries(answer.headers)) {
						if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
					}
					res.writeHead(answer.statusCode ?? 502, headers);
					answer.pipe(res);
					answer.on('error', () => res.destroy());
				}
			);
			upstream.on('error', (error: NodeJS.ErrnoException) => {
				// Refused before anything was sent: the request can go to the next server.
				if (error.code === 'ECONNREFUSED' && !req.readableDidRead) {
					markDown(backend);
					attempt(i + 1);
				} else if (!res.headersSent) {
					res.writeHead(502, { 'content-type': 'text/plain' });
					res.end('sync server failed');
				} else res.destroy();
			});
			req.pipe(upstream);
		};
		attempt(0);
	});

	const upgraded = new Set<Duplex>();
	server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
		socket.on('error', () => socket.destroy());
		upgraded.add(socket);
		socket.on('close', () => upgraded.delete(socket));
		const candidates = order();
		const attempt = (i: number) => {
			const backend = candidates[i];
			if (!backend || socket.destroyed) {
				socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
				return;
			}
			const upstream = net.connect(backend.port, backend.host);
			let connected = false;
			upstream.once('connect', () => {
				connected = true;
				const headers = forwardedHeaders(req);
				let head_ = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
				for (const [name, value] of Object.entries(headers)) {
					for (const v of Array.isArray(value) ? value : [value]) {
						head_ += `${name}: ${String(v)}\r\n`;
					}
				}
				head_ += 'connection: Upgrade\r\nupgrade: websocket\r\n\r\n';
				upstream.write(head_);
				if (head.length > 0) upstream.write(head);
				upstream.pipe(socket);
				socket.pipe(upstream);
			});
			upstream.on('error', (error: NodeJS.ErrnoException) => {
				if (!connected && error.code === 'ECONNREFUSED') {
					markDown(backend);
					attempt(i + 1);
				} else socket.destroy();
			});
			upstream.on('close', () => socket.destroy());
			socket.on('close', () => upstream.destroy());
		};
		attempt(0);
	});
	server.on('clientError', (_error, socket) => socket.destroy());

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const port = (server.address() as net.AddressInfo).port;
	return {
		url: `http://${options.host ?? '127.0.0.1'}:${port}`,
		port,
		setBackends(list) {
			backends = [...list];
			next = 0;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
				for (const socket of upgraded) socket.destroy();
			})
	};
}
