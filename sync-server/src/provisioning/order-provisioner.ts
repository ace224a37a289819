// Provisions submitted orders as the program: after any accepted append to a customer document
// (a websocket client, the HTTP API, the demo seed) and at startup, each order still Submitted gets
// exactly one outcome, decided under the document's lock by the domain (order-provisioning.ts).
// In a cluster every process that holds the document sees the order (its own client's, or one
// heard on the bus) and tries; appendAtomically locks the document across processes and catches
// up from the store before the decision, so whoever comes second finds the outcome and writes
// nothing.
import type { Logger } from 'pino';
import { HybridLogicalClock } from '$lib/domain/clock';
import { decideProvisioning, submittedOrders } from '$lib/flows/order/order-provisioning';
import { newId } from '../accounts/tokens.js';
import { SYSTEM_ACTOR } from '../authorize.js';
import type { DocumentRegistry } from '../docs/document-registry.js';
import type { LiveDocument } from '../docs/live-document.js';
import type { EventMaker } from '$lib/flows/documents/decision';
import { eventMaker } from '../system-events.js';

export interface OrderProvisionerDeps {
	readonly registry: DocumentRegistry;
	readonly log: Logger;
	/** waits this long before deciding an order (tests that need to see Submitted); default 0 */
	readonly delayMs?: number;
	readonly now?: () => number;
}

export class OrderProvisioner {
	readonly #deps: OrderProvisionerDeps;
	readonly #now: () => number;
	readonly #clock = new HybridLogicalClock('provisioning');
	readonly #event: EventMaker;
	/** per customer document: the orders queued or being decided, and the tail of its queue */
	readonly #queued = new Map<string, Set<string>>();
	readonly #tails = new Map<string, Promise<void>>();
	/** waits before a decision, per customer document, cut short when the server stops */
	readonly #waits = new Map<() => void, string>();
	/** documents whose orders are decided without the delay (the demo seed's, see `decideNow`) */
	readonly #hurried = new Set<string>();
	#closed = false;

	constructor(deps: OrderProvisionerDeps) {
		this.#deps = deps;
		this.#now = deps.now ?? Date.now;
		this.#event = eventMaker(this.#clock, this.#now);
	}

	/** Log listener: queues every order of this customer document that is still Submitted. */
	readonly observe = (live: LiveDocument): void => {
		try {
			const state = live.projector.state;
			if (this.#closed || live.ref.kind !== 'customer' || state.kind !== 'customer') return;
			for (const orderId of submittedOrders(state)) this.#enqueue(live.name, orderId);
		} catch (error) {
			this.#deps.log.error({ err: error, document: live.name }, 'order provisioning: bad state');
		}
	};

	/**
	 * Startup: orders a previous run accepted but never decided (killed between the two). Reads the
	 * customer documents one at a time (the idle ones are unloaded again later).
	 */
	async provisionPending(): Promise<void> {
		const { registry, log } = this.#deps;
		for (const name of await registry.names()) {
			if (this.#closed) return;
			if (registry.policy.parse(name)?.kind !== 'customer') continue;
			try {
				const live = await registry.get(name);
				if (live) this.observe(live);
			} catch (error) {
				log.error({ err: error, document: name }, 'order provisioning: could not load');
			}
		}
	}

	/** Resolves once every order queued so far (for this document, or all) has its outcome. */
	async settled(name?: string): Promise<void> {
		const tails =
			name === undefined ? [...this.#tails.values()] : [this.#tails.get(name) ?? Promise.resolve()];
		await Promise.all(tails);
	}

	/**
	 * Decides this document's queued orders without the configured delay and resolves once they
	 * have their outcomes: the demo seed's orders are history, written before anyone can look.
	 */
	async decideNow(name: string): Promise<void> {
		this.#hurried.add(name);
		try {
			for (const [stop, of] of this.#waits) if (of === name) stop();
			await this.settled(name);
		} finally {
			this.#hurried.delete(name);
		}
	}

	/** Decides nothing more; resolves once a decision being written is done. */
	async close(): Promise<void> {
		this.#closed = true;
		for (const stop of this.#waits.keys()) stop();
		this.#waits.clear();
		await this.settled();
	}

	#enqueue(name: string, orderId: string): void {
		let queued = this.#queued.get(name);
		if (!queued) this.#queued.set(name, (queued = new Set()));
		if (queued.has(orderId)) return;
		queued.add(orderId);
		const tail = (this.#tails.get(name) ?? Promise.resolve())
			.then(() => this.#wait(name))
			.then(() => this.#provision(name, orderId))
			.catch((error: unknown) => {
				this.#deps.log.error({ err: error, document: name, orderId }, 'order provisioning failed');
			})
			.finally(() => {
				queued.delete(orderId);
				if (queued.size === 0) this.#queued.delete(name);
				if (this.#tails.get(name) === tail) this.#tails.delete(name);
			});
		this.#tails.set(name, tail);
	}

	#wait(name: string): Promise<void> {
		const delay = this.#deps.delayMs ?? 0;
		if (delay <= 0 || this.#hurried.has(name)) return Promise.resolve();
		// A pending wait never keeps a stopping server alive (the order is decided on the next start).
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.#waits.delete(done);
				resolve();
			};
			const timer = setTimeout(done, delay);
			timer.unref();
			this.#waits.set(done, name);
		});
	}

	async #provision(name: string, orderId: string): Promise<void> {
		if (this.#closed) return;
		const { registry, log } = this.#deps;
		const result = await registry.appendAtomically(
			[name],
			([state]) => {
				// Decided again under the document's lock: an outcome written meanwhile wins.
				if (state?.kind !== 'customer') return { refused: null };
				const now = this.#now();
				const outcome = decideProvisioning(state, orderId, now, newId);
				if (!outcome) return { refused: null };
				const at = { at: this.#clock.now(now) };
				const event =
					outcome.type === 'order.failed'
						? this.#event(outcome.type, outcome.payload, at)
						: this.#event(outcome.type, outcome.payload, at);
				return { events: [[event]], value: outcome };
			},
			SYSTEM_ACTOR
		);
		if (!result.ok) {
			log.warn({ document: name, orderId, code: result.code }, 'order outcome refused');
		} else if (!result.refused && result.value) {
			const outcome = result.value;
			log.info(
				{
					document: name,
					orderId,
					outcome: outcome.type,
					...(outcome.type === 'order.failed' ? { reason: outcome.payload.reason } : {})
				},
				'order decided'
			);
		}
	}
}
