// Which origin a request came from and whether the server trusts it: its own origin (from the Host
// header and scheme) or one of the configured ones. Guards the websocket and every API POST.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface OriginPolicy {
	/** extra origins allowed besides the server's own, e.g. `http://localhost:5173` in development */
	readonly allowedOrigins: readonly string[];
	/** believe X-Forwarded-Proto / X-Forwarded-For (only behind a proxy that sets them) */
	readonly trustProxy: boolean;
}

export function isHttps(req: IncomingMessage, policy: OriginPolicy): boolean {
	if ((req.socket as TLSSocket).encrypted) return true;
	return policy.trustProxy && req.headers['x-forwarded-proto'] === 'https';
}

export function ownOrigin(req: IncomingMessage, policy: OriginPolicy): string | null {
	const host = req.headers.host;
	if (!host || !/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host)) return null;
	return `${isHttps(req, policy) ? 'https' : 'http'}://${host.toLowerCase()}`;
}

/** The Origin header must be present and name this server (or an allowed origin). */
export function hasTrustedOrigin(req: IncomingMessage, policy: OriginPolicy): boolean {
	const origin = req.headers.origin;
	if (typeof origin !== 'string' || origin === 'null') return false;
	const normalized = origin.toLowerCase();
	return normalized === ownOrigin(req, policy) || policy.allowedOrigins.includes(normalized);
}

export function clientAddress(req: IncomingMessage, policy: OriginPolicy): string {
	if (policy.trustProxy) {
		const forwarded = req.headers['x-forwarded-for'];
		const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
		if (first) return first;
	}
	return req.socket.remoteAddress ?? 'unknown';
}
