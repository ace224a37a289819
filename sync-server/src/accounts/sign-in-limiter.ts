// Sign-in throttling: attempts per network address, and a growing lock per email address after
// repeated failures. Both apply identically whether or not an account exists for the email.
import { remember, WindowBudget } from '../window-budget.js';

export interface LimiterSettings {
	/** failed attempts one address may make per window (a shared office NAT signs in a lot) */
	readonly perAddress: number;
	readonly addressWindowMs: number;
	/** failures in a row before an email is locked */
	readonly failuresBeforeLock: number;
	/** first lock; doubles with every further failure, up to maxLockMs */
	readonly baseLockMs: number;
	readonly maxLockMs: number;
	/** entries kept at most (oldest forgotten first), so a flood cannot exhaust memory */
	readonly maxEntries: number;
}

export const DEFAULT_LIMITS: LimiterSettings = {
	perAddress: 30,
	addressWindowMs: 5 * 60_000,
	failuresBeforeLock: 5,
	baseLockMs: 30_000,
	maxLockMs: 15 * 60_000,
	maxEntries: 100_000
};

export type LimitDecision =
	| { readonly allowed: true }
	| {
			readonly allowed: false;
			readonly code: 'auth_rate_limited' | 'auth_locked';
			readonly retryAfterSeconds: number;
	  };

/**
 * The throttle's surface: in this process's memory (below) or shared through Redis. `knownDevice`
 * is an attempt from a device that holds a live session of that very account: the email's lock
 * (which anyone can set off with a few wrong guesses) does not apply to it, and its failures count
 * against its address only, so nobody can lock the owner out of a device they are signed in on.
 */
export interface SignInLimits {
	attempt(
		address: string,
		email: string,
		now: number,
		knownDevice?: boolean
	): LimitDecision | Promise<LimitDecision>;
	failed(address: string, email: string, now: number, knownDevice?: boolean): void | Promise<void>;
	succeeded(email: string): void | Promise<void>;
}

interface EmailEntry {
	failures: number;
	lockedUntil: number;
	lastFailure: number;
}

export class SignInLimiter implements SignInLimits {
	readonly #settings: LimiterSettings;
	/** failed attempts per address */
	readonly #addresses: WindowBudget;
	readonly #emails = new Map<string, EmailEntry>();

	constructor(settings: Partial<LimiterSettings> = {}) {
		this.#settings = { ...DEFAULT_LIMITS, ...settings };
		this.#addresses = new WindowBudget({
			limit: this.#settings.perAddress,
			windowMs: this.#settings.addressWindowMs,
			maxEntries: this.#settings.maxEntries
		});
	}

	/** Says whether an attempt from `address` for `email` may be checked at all. */
	attempt(address: string, email: string, now: number, knownDevice = false): LimitDecision {
		const wait = this.#addresses.retryAfter(address, now);
		if (wait !== null) {
			return { allowed: false, code: 'auth_rate_limited', retryAfterSeconds: wait };
		}
		if (knownDevice) return { allowed: true };
		const lock = this.#emails.get(email);
		if (lock && lock.lockedUntil > now) {
			return {
				allowed: false,
				code: 'auth_locked',
				retryAfterSeconds: Math.ceil((lock.lockedUntil - now) / 1000)
			};
		}
		return { allowed: true };
	}

	failed(address: string, email: string, now: number, knownDevice = false): void {
		const s = this.#settings;
		this.#addresses.spend(address, 1, now);
		if (knownDevice) return;
		const entry = this.#emails.get(email);
		// A quiet period as long as the longest lock forgives old failures.
		const fresh = entry && now - entry.lastFailure < s.maxLockMs ? entry : undefined;
		const failures = (fresh?.failures ?? 0) + 1;
		const over = failures - s.failuresBeforeLock;
		const lockedUntil =
			over >= 0 ? now + Math.min(s.baseLockMs * 2 ** Math.min(over, 20), s.maxLockMs) : 0;
		remember(this.#emails, email, { failures, lockedUntil, lastFailure: now }, s.maxEntries);
	}

	succeeded(email: string): void {
		this.#emails.delete(email);
	}
}
