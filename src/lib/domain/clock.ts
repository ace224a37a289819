// Hybrid logical clock for an event's `at`: wall time for display and expiry, a counter so a device's
// events stay ordered even when its wall clock goes backwards. Pure: wall time is an argument.
import { ID_PATTERN } from './ids';

/** `<15-digit milliseconds>-<5-digit counter>-<node>`; strings sort in clock order. */
export type HlcTimestamp = string;

export const HLC_PATTERN = /^\d{15}-\d{5}-[a-z0-9-]{1,64}$/;
const MAX_COUNTER = 99_999;
const MAX_WALL = 8_640_000_000_000_000; // the largest time a Date can hold

/**
 * How far ahead of the server's clock a new event's `at` may be: device clocks that keep network
 * time differ from the server's by seconds, and the app corrects its stamps by the server's clock
 * when it has seen it (the `Date` of /health), so minutes are room enough. Anything further ahead
 * is refused at the door: a stamp far in the future would drag every device that observes it along.
 */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * How far behind the server's clock a new event's `at` may be: offline work keeps the time it was
 * done, and a laptop can stay offline for weeks (a holiday, a long trip) and still deliver its
 * changes. Ninety days covers that with room to spare; older is not work being delivered late but
 * a stamp chosen to look old (expiry rules compare with `at`), or a device whose clock is far off.
 */
export const MAX_PAST_AGE_MS = 90 * 86_400_000;

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
	const now = Math.floor(wallMs);
	const own = trustedWall(state, now);
	const wall = Math.max(own, now);
	const next = advance(wall, wall === state.wall ? state.counter + 1 : 0, state.node);
	return [next, formatHlc(next)];
}

/**
 * Why the server refuses a new event stamped `at` when its own clock reads `now` (null: in bounds).
 * Only new events are judged: what a log already holds stays as it is.
 */
export function eventTimeRefusal(
	at: HlcTimestamp,
	now: number
): 'error_event_in_future' | 'error_event_too_old' | null {
	const wall = hlcMillis(at);
	if (wall > now + MAX_FUTURE_SKEW_MS) return 'error_event_in_future';
	if (wall < now - MAX_PAST_AGE_MS) return 'error_event_too_old';
	return null;
}

/**
 * How far the server's clock is ahead of this device's (ms; negative: behind), from a response's
 * HTTP `Date` (`serverDate`: its whole second, parsed) to a request sent at `sentAt` and answered at
 * `receivedAt` by the device's clock. 0 when the device's clock agrees within what the header can
 * tell (its second, the round trip): a well-set clock is used as it is. Undefined when unusable.
 */
export function serverClockOffset(
	sentAt: number,
	receivedAt: number,
	serverDate: number
): number | undefined {
	const date = serverDate;
	if (!Number.isFinite(date) || !(receivedAt >= sentAt)) return undefined;
	// The server answered somewhere in [sentAt, receivedAt], within the second [date, date + 1000).
	const ahead = date - receivedAt; // the least it can be ahead
	const behind = date + 1000 - sentAt; // the most it can be ahead
	if (ahead <= 0 && behind >= 0) return 0;
	return Math.round((ahead + behind) / 2);
}

/**
 * The wall time this clock may build on: its own, unless that is beyond the allowed skew ahead of
 * the wall clock (a device clock set back, or a state dragged forward before remote stamps were
 * bounded). Then the wall clock wins: a stamp the server would refuse helps no one, and the log's
 * order, not `at`, orders events.
 */
function trustedWall(state: HlcState, wallMs: number): number {
	return state.wall > wallMs + MAX_FUTURE_SKEW_MS ? wallMs : state.wall;
}

/**
 * Merge a timestamp seen in a remote event, so later local events sort after it. A remote stamp
 * further ahead of `wallMs` than the allowed skew is ignored: following it would give this device
 * stamps the server refuses (a crafted one, `999999999999999-…`, even overflows the format), and
 * `at` orders nothing (the log's order does).
 */
export function receive(state: HlcState, remote: HlcTimestamp, wallMs: number): HlcState {
	const other = parseHlc(remote);
	const now = Math.floor(wallMs);
	if (other.wall > now + MAX_FUTURE_SKEW_MS) return state;
	const own = trustedWall(state, now);
	if (own !== state.wall) state = { wall: own, counter: 0, node: state.node };
	const wall = Math.max(state.wall, other.wall, now);
	let counter = 0;
	if (wall === state.wall && wall === other.wall) {
		counter = Math.max(state.counter, other.counter) + 1;
	} else if (wall === state.wall) counter = state.counter + 1;
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
