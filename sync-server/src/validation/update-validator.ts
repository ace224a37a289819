// The main thread's side of update validation: sends updates to the validation worker, which holds
// shadow documents, and replaces the worker (blaming the update it was working on) when it stops
// answering within the time budget or dies, so no update can hang or crash the server.
import { Worker } from 'node:worker_threads';
import type { Analysis, ShadowSpec } from './update-analysis.js';
import type { WorkerRequest, WorkerResponse } from './validation-worker.js';
import { validationWorkerEntry } from '../entry-points.js';

export interface ValidatorSettings {
	/** an accepted analysis that took longer than this is refused as too complex */
	readonly budgetMs: number;
	/** a worker silent this long with work outstanding is replaced */
	readonly watchdogMs: number;
	readonly maxOldGenerationSizeMb: number;
}

/** What the validator needs to (re)build a document's shadow. */
export interface ShadowSource {
	readonly name: string;
	readonly spec: ShadowSpec;
	encodeState(): Uint8Array;
}

interface Pending {
	readonly id: number;
	readonly source: ShadowSource;
	readonly update: Uint8Array;
	readonly editable: readonly string[];
	readonly resolve: (analysis: Analysis) => void;
	retried: boolean;
}

export class UpdateValidator {
	readonly #settings: ValidatorSettings;
	#worker!: Worker;
	#loaded = new Set<string>();
	#outbox: WorkerRequest[] = [];
	readonly #pending = new Map<number, Pending>();
	#nextId = 1;
	#lastProgress = performance.now();
	/** a new worker is not blamed for the time it takes to boot */
	#ready = false;
	readonly #watchdog: NodeJS.Timeout;
	#closed = false;
	/** workers replaced so far (a metric, and a test hook) */
	restarts = 0;

	constructor(settings: ValidatorSettings) {
		this.#settings = settings;
		this.#start();
		this.#watchdog = setInterval(() => this.#check(), Math.max(20, settings.watchdogMs / 4));
		this.#watchdog.unref();
	}

	#start(): void {
		const worker = new Worker(validationWorkerEntry(), {
			resourceLimits: { maxOldGenerationSizeMb: this.#settings.maxOldGenerationSizeMb }
		});
		worker.unref();
		worker.on('message', (message: readonly WorkerResponse[] | { ready: true }) => {
			if ('ready' in message) {
				if (worker === this.#worker) {
					this.#ready = true;
					this.#lastProgress = performance.now();
				}
				return;
			}
			for (const response of message) this.#receive(worker, response);
		});
		worker.on('error', () => this.#replace(worker));
		worker.on('exit', () => this.#replace(worker));
		this.#worker = worker;
		this.#ready = false;
		this.#loaded = new Set();
		// Unsent requests were meant for the old worker's shadows; pending ones are replayed.
		this.#outbox = [];
		this.#lastProgress = performance.now();
	}

	/** Requests of one turn of the event loop go to the worker as one message. */
	#post(request: WorkerRequest): void {
		this.#outbox.push(request);
		if (this.#outbox.length === 1) setImmediate(this.#flushOutbox);
	}

	readonly #flushOutbox = (): void => {
		const requests = this.#outbox;
		this.#outbox = [];
		if (requests.length > 0 && !this.#closed) this.#worker.postMessage(requests);
	};

	#ensureLoaded(source: ShadowSource): void {
		if (this.#loaded.has(source.name)) return;
		this.#post({ t: 'load', doc: source.name, spec: source.spec, state: source.encodeState() });
		this.#loaded.add(source.name);
	}

	#send(pending: Pending): void {
		this.#ensureLoaded(pending.source);
		this.#post({
			t: 'validate',
			id: pending.id,
			doc: pending.source.name,
			update: pending.update,
			editable: pending.editable,
			budgetMs: this.#settings.budgetMs
		});
	}

	/** Analyzes `update` against the document; at most one call per document at a time. */
	analyze(
		source: ShadowSource,
		update: Uint8Array,
		editable: readonly string[]
	): Promise<Analysis> {
		if (this.#closed) {
			return Promise.resolve({ ok: false, code: 'sync_server_shutting_down', detail: 'closing' });
		}
		return new Promise((resolve) => {
			// Time counts from the oldest outstanding request (the worker answers in order).
			if (this.#pending.size === 0) this.#lastProgress = performance.now();
			const pending: Pending = {
				id: this.#nextId++,
				source,
				update,
				editable,
				resolve,
				retried: false
			};
			this.#pending.set(pending.id, pending);
			this.#send(pending);
		});
	}

	/** The live document changed without validation (a server-made change): keep the shadow equal. */
	applyTrusted(name: string, update: Uint8Array): void {
		if (this.#loaded.has(name)) this.#post({ t: 'apply', doc: name, update });
	}

	/** Forgets a document's shadow (it was refused by the main thread, or the document unloaded). */
	drop(name: string): void {
		if (this.#loaded.delete(name)) this.#post({ t: 'drop', doc: name });
	}

	#receive(worker: Worker, response: WorkerResponse): void {
		if (worker !== this.#worker) return;
		this.#lastProgress = performance.now();
		const pending = this.#pending.get(response.id);
		if (!pending) return;
		if ('missing' in response) {
			this.#loaded.delete(pending.source.name);
			if (!pending.retried) {
				pending.retried = true;
				this.#send(pending);
				return;
			}
			this.#pending.delete(response.id);
			pending.resolve({ ok: false, code: 'sync_server_error', detail: 'shadow unavailable' });
			return;
		}
		this.#pending.delete(response.id);
		if (response.dropped) this.#loaded.delete(pending.source.name);
		pending.resolve(response.analysis);
	}

	#check(): void {
		if (this.#pending.size === 0 || !this.#ready) return;
		if (performance.now() - this.#lastProgress > this.#settings.watchdogMs) {
			void this.#worker.terminate();
			this.#replace(this.#worker);
		}
	}

	/**
	 * The worker answers in order, so the oldest outstanding request is the one it was stuck on (or
	 * died of): refuse it, then replay the others on a fresh worker.
	 */
	#replace(failed: Worker): void {
		if (failed !== this.#worker || this.#closed) return;
		failed.removeAllListeners('message');
		this.restarts += 1;
		const outstanding = [...this.#pending.values()];
		this.#pending.clear();
		this.#start();
		const [culprit, ...others] = outstanding;
		culprit?.resolve({
			ok: false,
			code: 'sync_update_too_complex',
			detail: 'validation exceeded its time or memory budget'
		});
		for (const pending of others) {
			this.#pending.set(pending.id, pending);
			this.#send(pending);
		}
	}

	async close(): Promise<void> {
		this.#closed = true;
		clearInterval(this.#watchdog);
		for (const pending of this.#pending.values()) {
			pending.resolve({ ok: false, code: 'sync_server_shutting_down', detail: 'closing' });
		}
		this.#pending.clear();
		await this.#worker.terminate();
	}
}
