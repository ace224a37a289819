// Keeps a projection in step with a live log. Yjs orders concurrent appends by client, so a remote
// event can land before events this replica already projected; then (and only then) the projection is
// rebuilt from the whole log, so every replica ends with the state of the same log order.
import type { DocumentRef } from '$lib/domain/documents';
import type { DocumentProjection } from './document-state';
import { createProjector, type DocumentProjector, type ProjectorContext } from './projection';

/** The shape of a `Y.YArrayEvent`'s `changes.delta` (plain data, so no Yjs import here). */
export type LogDelta = ReadonlyArray<{
	readonly insert?: readonly unknown[] | string;
	readonly retain?: number;
	readonly delete?: number;
}>;

export interface LogFollower {
	readonly state: DocumentProjection;
	/** Number of full rebuilds so far (an inserted-before-the-end delta causes one). */
	readonly rebuilds: number;
	/** Apply one observed change; `readLog` returns the whole log when a rebuild is needed. */
	apply(delta: LogDelta, readLog: () => readonly unknown[]): void;
	/** Start again from a whole log (on load). */
	reset(log: readonly unknown[]): void;
}

export function createLogFollower(ref: DocumentRef, ctx?: ProjectorContext): LogFollower {
	let projector: DocumentProjector = createProjector(ref, ctx);
	let rebuilds = 0;

	function reset(log: readonly unknown[]): void {
		projector = createProjector(ref, ctx);
		projector.append(log);
	}

	/** The entries appended at the end, or null when the change touched anything before the end. */
	function appendedAtEnd(delta: LogDelta, length: number): readonly unknown[] | null {
		let position = 0;
		const appended: unknown[] = [];
		for (const op of delta) {
			if (op.delete) return null;
			if (op.retain !== undefined) {
				if (appended.length > 0) return null;
				position += op.retain;
			} else if (Array.isArray(op.insert)) {
				if (position !== length) return null;
				appended.push(...op.insert);
			} else if (op.insert !== undefined) {
				return null;
			}
		}
		return appended;
	}

	return {
		get state() {
			return projector.state;
		},
		get rebuilds() {
			return rebuilds;
		},
		reset,
		apply(delta, readLog) {
			const appended = appendedAtEnd(delta, projector.state.length);
			if (appended) {
				projector.append(appended);
				return;
			}
			rebuilds += 1;
			reset(readLog());
		}
	};
}
