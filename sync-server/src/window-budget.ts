// A fixed-window budget per key (a client address): each attempt spends from it, a failure may
// spend more, and a spent key waits for its window to end. Memory is bounded: the least recently
// charged keys are forgotten first, so a flood of addresses cannot exhaust it.

export interface BudgetSettings {
	/** what one key may spend per window */
	readonly limit: number;
	readonly windowMs: number;
	/** keys kept at most */
	readonly maxEntries: number;
}

interface Window {
	start: number;
	spent: number;
}

/** Sets `key` as the most recent entry of `map`, dropping the oldest beyond `max`. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
	map.delete(key);
	map.set(key, value);
	while (map.size > max) {
		const oldest = map.keys().next();
		if (oldest.done) break;
		map.delete(oldest.value);
	}
}

/** What a budget answers: in this process's memory (WindowBudget) or shared through Redis. */
export interface AddressBudget {
	/** Seconds until `key` may try again, or null when it still has budget. */
	retryAfter(key: string, now: number): number | null | Promise<number | null>;
	spend(key: string, cost: number, now: number): void | Promise<void>;
}

export class WindowBudget implements AddressBudget {
	readonly #settings: BudgetSettings;
	readonly #windows = new Map<string, Window>();

	constructor(settings: BudgetSettings) {
		this.#settings = settings;
	}

	/** Seconds until `key` may try again, or null when it still has budget. */
	retryAfter(key: string, now: number): number | null {
		const { limit, windowMs } = this.#settings;
		const window = this.#windows.get(key);
		if (!window || now - window.start >= windowMs || window.spent < limit) return null;
		return Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
	}

	spend(key: string, cost: number, now: number): void {
		const { windowMs, maxEntries } = this.#settings;
		const seen = this.#windows.get(key);
		const window = seen && now - seen.start < windowMs ? seen : { start: now, spent: 0 };
		window.spent += cost;
		remember(this.#windows, key, window, maxEntries);
	}
}
