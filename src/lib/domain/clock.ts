// Hybrid logical clock for an event's `at`: wall time for display and expiry, a counter so a device's
// events stay ordered even when its wall clock goes backwards. Pure: wall time is an argument.
import { ID_PATTERN } from './ids';

/** `<15-digit milliseconds>-<5-digit counter>-<node>`; strings sort in clock order. */
export type HlcTimestamp = string;

export const HLC_PATTERN = /^\d{15}-\d{5}-[a-z0-9-]{1,64}$/;
const MAX_COUNTER = 99_999;
const MAX_WALL = 8_640_000_000_000_000; // the largest time a Date can hold

export interface HlcState {
	readonly wall: number;
	readonly counter: number;
	readonly node: string;
}

export function createHlc(node: string): HlcState {
	if (!ID_PATTERN.test(node)) throw new RangeError(`clock node id must match ${ID_PATTERN}`);
	return { wall: 0, counter: 0, node };
}

export function formatHlc(state: HlcState): HlcTimestamp {
	return `${String(state.wall).padStart(15, '0')}-${String(state.counter).padStart(5, '0')}-${state.node}`;
}

export function isHlcTimestamp(value: unknown): value is HlcTimestamp {
	return (
		typeof value === 'string' && HLC_PATTERN.test(value) && Number(value.slice(0, 15)) <= MAX_WALL
	);
}

export function parseHlc(at: HlcTimestamp): HlcState {
	if (!isHlcTimestamp(at)) throw new RangeError(`not a clock timestamp: ${at}`);
	return { wall: Number(at.slice(0, 15)), counter: Number(at.slice(16, 21)), node: at.slice(22) };
}

/** Milliseconds since the epoch, for display and expiry checks. */
export function hlcMillis(at: HlcTimestamp): number {
	return Number(at.slice(0, 15));
}

export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function advance(wall: number, counter: number, node: string): HlcState {
	// A counter overflow borrows a millisecond instead of wrapping, so order is never lost.
	return counter > MAX_COUNTER ? { wall: wall + 1, counter: 0, node } : { wall, counter, node };
}

/** The next timestamp for a local event at wall time `wallMs`. */
export function tick(state: HlcState, wallMs: number): [HlcState, HlcTimestamp] {
	const wall = Math.max(state.wall, Math.floor(wallMs));
	const next = advance(wall, wall === state.wall ? state.counter + 1 : 0, state.node);
	return [next, formatHlc(next)];
}

/** Merge a timestamp seen in a remote event, so later local events sort after it. */
export function receive(state: HlcState, remote: HlcTimestamp, wallMs: number): HlcState {
	const other = parseHlc(remote);
	const wall = Math.max(state.wall, other.wall, Math.floor(wallMs));
	let counter = 0;
	if (wall === state.wall && wall === other.wall)
		counter = Math.max(state.counter, other.counter) + 1;
	else if (wall === state.wall) counter = state.counter + 1;
	else if (wall === other.wall) counter = other.counter + 1;
	return advance(wall, counter, state.node);
}

/** A mutable holder around the pure functions, for callers that keep one clock per device. */
export class HybridLogicalClock {
	#state: HlcState;
	constructor(node: string) {
		this.#state = createHlc(node);
	}
	now(wallMs: number): HlcTimestamp {
		const [next, at] = tick(this.#state, wallMs);
		this.#state = next;
		return at;
	}
	observe(remote: HlcTimestamp, wallMs: number): void {
		this.#state = receive(this.#state, remote, wallMs);
	}
	get state(): HlcState {
		return this.#state;
	}
}
