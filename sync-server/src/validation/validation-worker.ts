// The validation thread: keeps a shadow copy of each document the main thread validates for and
// analyzes incoming updates against it, so a crafted update can only stall this thread.
import { parentPort } from 'node:worker_threads';
import { Shadow, type Analysis, type ShadowSpec } from './update-analysis.js';

export type WorkerRequest =
	| {
			readonly t: 'load';
			readonly doc: string;
			readonly spec: ShadowSpec;
			readonly state: Uint8Array;
	  }
	| { readonly t: 'apply'; readonly doc: string; readonly update: Uint8Array }
	| { readonly t: 'drop'; readonly doc: string }
	| {
			readonly t: 'validate';
			readonly id: number;
			readonly doc: string;
			readonly update: Uint8Array;
			readonly editable: readonly string[];
			readonly budgetMs: number;
	  };

export type WorkerResponse =
	| {
			readonly id: number;
			readonly analysis: Analysis;
			/** the shadow was discarded (after a refusal); load it again before the next validation */
			readonly dropped: boolean;
	  }
	/** no shadow for that document (never loaded, or lost to an error): load it and ask again */
	| { readonly id: number; readonly missing: true };

const shadows = new Map<string, Shadow>();
const port = parentPort;
if (!port) throw new Error('validation-worker runs in a worker thread');

function handle(request: WorkerRequest): WorkerResponse | null {
	switch (request.t) {
		case 'load':
			shadows.set(request.doc, new Shadow(request.spec, request.state));
			return null;
		case 'apply':
			shadows.get(request.doc)?.applyTrusted(request.update);
			return null;
		case 'drop':
			shadows.delete(request.doc);
			return null;
		case 'validate': {
			const shadow = shadows.get(request.doc);
			if (!shadow) return { id: request.id, missing: true };
			let analysis = shadow.analyze(request.update, new Set(request.editable));
			if (analysis.ok && analysis.elapsedMs > request.budgetMs) {
				analysis = {
					ok: false,
					code: 'sync_update_too_complex',
					detail: `took ${Math.round(analysis.elapsedMs)} ms`
				};
			}
			const dropped = !analysis.ok && !analysis.untouched;
			if (dropped) shadows.delete(request.doc);
			return { id: request.id, analysis, dropped };
		}
	}
}

// The main thread's watchdog only starts counting once this thread is ready to work.
port.postMessage({ ready: true });

function handleSafely(request: WorkerRequest): WorkerResponse | null {
	try {
		return handle(request);
	} catch (error) {
		// A shadow that threw mid-way cannot be trusted any more.
		shadows.delete(request.doc);
		return request.t === 'validate'
			? {
					id: request.id,
					analysis: {
						ok: false,
						code: 'sync_update_malformed',
						detail: String(error).slice(0, 200)
					},
					dropped: true
				}
			: null;
	}
}

/** Requests arrive in batches (one message per turn of the main thread's loop), answers likewise. */
port.on('message', (requests: readonly WorkerRequest[]) => {
	const responses: WorkerResponse[] = [];
	for (const request of requests) {
		const response = handleSafely(request);
		if (response) responses.push(response);
	}
	if (responses.length > 0) port.postMessage(responses);
});
