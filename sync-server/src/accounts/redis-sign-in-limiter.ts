// Sign-in throttling shared by every process of a cluster: the same rules as SignInLimiter (per
// address window, growing per-email lock), kept in Redis hashes and changed by Lua scripts so
// concurrent attempts on different processes count exactly. Times come from the caller's clock;
// Redis expiry only forgets entries nobody needs any more (so memory stays bounded).
import type { Redis } from 'ioredis';
import {
	DEFAULT_LIMITS,
	type LimitDecision,
	type LimiterSettings,
	type SignInLimits
} from './sign-in-limiter.js';

const FAILED = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local maxLock = tonumber(ARGV[3])
local before = tonumber(ARGV[4])
local base = tonumber(ARGV[5])
local a = redis.call('HMGET', KEYS[1], 'start', 'count')
local start = tonumber(a[1])
local count = tonumber(a[2]) or 0
if not start or now - start >= window then start = now; count = 0 end
redis.call('HSET', KEYS[1], 'start', start, 'count', count + 1)
redis.call('PEXPIRE', KEYS[1], window * 2)
if ARGV[6] == '1' then return 0 end
local e = redis.call('HMGET', KEYS[2], 'failures', 'last')
local failures = 0
if e[1] and now - tonumber(e[2]) < maxLock then failures = tonumber(e[1]) end
failures = failures + 1
local over = failures - before
local lockedUntil = 0
if over >= 0 then lockedUntil = now + math.min(base * 2 ^ math.min(over, 20), maxLock) end
redis.call('HSET', KEYS[2], 'failures', failures, 'last', now, 'lockedUntil', lockedUntil)
redis.call('PEXPIRE', KEYS[2], maxLock * 2)
return failures
`;

export class RedisSignInLimiter implements SignInLimits {
	readonly #redis: Redis;
	readonly #settings: LimiterSettings;
	readonly #prefix: string;

	constructor(redis: Redis, settings: Partial<LimiterSettings> = {}, prefix = 'tiertwo:signin:') {
		this.#redis = redis;
		this.#settings = { ...DEFAULT_LIMITS, ...settings };
		this.#prefix = prefix;
	}

	#keys(address: string, email: string): [string, string] {
		return [`${this.#prefix}addr:${address}`, `${this.#prefix}email:${email}`];
	}

	async attempt(
		address: string,
		email: string,
		now: number,
		knownDevice = false
	): Promise<LimitDecision> {
		const s = this.#settings;
		const [addressKey, emailKey] = this.#keys(address, email);
		const [entry, lock] = await Promise.all([
			this.#redis.hmget(addressKey, 'start', 'count'),
			this.#redis.hget(emailKey, 'lockedUntil')
		]);
		const start = Number(entry[0] ?? NaN);
		const count = Number(entry[1] ?? 0);
		if (Number.isFinite(start) && now - start < s.addressWindowMs && count >= s.perAddress) {
			return {
				allowed: false,
				code: 'auth_rate_limited',
				retryAfterSeconds: Math.ceil((start + s.addressWindowMs - now) / 1000)
			};
		}
		const lockedUntil = knownDevice ? 0 : Number(lock ?? 0);
		if (lockedUntil > now) {
			return {
				allowed: false,
				code: 'auth_locked',
				retryAfterSeconds: Math.ceil((lockedUntil - now) / 1000)
			};
		}
		return { allowed: true };
	}

	async failed(address: string, email: string, now: number, knownDevice = false): Promise<void> {
		const s = this.#settings;
		await this.#redis.eval(
			FAILED,
			2,
			...this.#keys(address, email),
			now,
			s.addressWindowMs,
			s.maxLockMs,
			s.failuresBeforeLock,
			s.baseLockMs,
			knownDevice ? '1' : '0'
		);
	}

	async succeeded(email: string): Promise<void> {
		await this.#redis.del(this.#keys('', email)[1]);
	}
}
