// Prometheus metrics (prom-client), one registry per server instance so tests can run several,
// and who may read them (`/metrics` says how busy the server is and which refusals it makes).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
	readonly registry: Registry;
	readonly connections: Gauge;
	readonly documentsOpen: Gauge;
	readonly documentsLoaded: Gauge;
	readonly updatesAccepted: Counter;
	readonly updatesRefused: Counter<'code'>;
	readonly persistSeconds: Histogram;
	readonly validateSeconds: Histogram;
	readonly validatorRestarts: Counter;
	readonly compactions: Counter;
	readonly signIns: Counter<'result'>;
	readonly documentLists: Counter<'scope'>;
}

export function createMetrics(defaultMetrics = true): Metrics {
	const registry = new Registry();
	if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'tiertwo_' });
	const registers = [registry];
	return {
		registry,
		connections: new Gauge({
			name: 'tiertwo_sync_connections',
			help: 'Open sync websockets (one per document, or one channel carrying many)',
			registers
		}),
		documentsOpen: new Gauge({
			name: 'tiertwo_sync_documents_open',
			help: 'Documents open by clients, over their own websockets or in channels',
			registers
		}),
		documentsLoaded: new Gauge({
			name: 'tiertwo_sync_documents_loaded',
			help: 'Documents held in memory',
			registers
		}),
		updatesAccepted: new Counter({
			name: 'tiertwo_sync_updates_accepted_total',
			help: 'Incoming updates accepted, stored and relayed (rate() gives per second)',
			registers
		}),
		updatesRefused: new Counter({
			name: 'tiertwo_sync_updates_refused_total',
			help: 'Incoming updates refused, by reason code',
			labelNames: ['code'],
			registers
		}),
		persistSeconds: new Histogram({
			name: 'tiertwo_sync_persist_seconds',
			help: 'Time to durably store one accepted update',
			buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
			registers
		}),
		validateSeconds: new Histogram({
			name: 'tiertwo_sync_validate_seconds',
			help: 'Time from receiving an update to its verdict (worker analysis and domain checks)',
			buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
			registers
		}),
		validatorRestarts: new Counter({
			name: 'tiertwo_sync_validator_restarts_total',
			help: 'Validation workers replaced after exceeding their time or memory budget',
			registers
		}),
		compactions: new Counter({
			name: 'tiertwo_sync_compactions_total',
			help: 'Documents compacted into a snapshot',
			registers
		}),
		signIns: new Counter({
			name: 'tiertwo_auth_sign_ins_total',
			help: 'Sign-in attempts by result',
			labelNames: ['result'],
			registers
		}),
		documentLists: new Counter({
			name: 'tiertwo_sync_document_lists_total',
			help: 'Channel document lists decided: whole, or in the documents an access change reached',
			labelNames: ['scope'],
			registers
		})
	};
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * With METRICS_TOKEN set, a scraper must send `Authorization: Bearer <token>`; without it, only a
 * process on the same machine may read them, and not through a proxy there (a proxy's requests come
 * from loopback too, but carry X-Forwarded-For for whoever outside sent them).
 */
export function mayReadMetrics(req: IncomingMessage, token: string | null): boolean {
	if (token) {
		const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
		// Compared as digests: equal lengths, and no timing difference to learn the token from.
		const digest = (text: string) => createHash('sha256').update(text).digest();
		return timingSafeEqual(digest(given), digest(token));
	}
	return (
		LOOPBACK.has(req.socket.remoteAddress ?? '') &&
		req.headers['x-forwarded-for'] === undefined &&
		req.headers.forwarded === undefined
	);
}
