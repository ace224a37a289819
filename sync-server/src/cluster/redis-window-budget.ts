// The fixed-window budget of window-budget.ts shared by every process of a cluster: one Redis hash
// per key, spent by a Lua script so concurrent attempts on different processes count exactly.
// Times come from the caller's clock; Redis expiry only forgets windows that are over.
import type { Redis } from 'ioredis';
import type { AddressBudget, BudgetSettings } from '../window-budget.js';

const SPEND = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local a = redis.call('HMGET', KEYS[1], 'start', 'spent')
local start = tonumber(a[1])
local spent = tonumber(a[2]) or 0
if not start or now - start >= window then start = now; spent = 0 end
redis.call('HSET', KEYS[1], 'start', start, 'spent', spent + cost)
redis.call('PEXPIRE', KEYS[1], window * 2)
return spent + cost
`;

export class RedisWindowBudget implements AddressBudget {
	readonly #redis: Redis;
	readonly #settings: Pick<BudgetSettings, 'limit' | 'windowMs'>;
	readonly #prefix: string;

	constructor(redis: Redis, settings: Pick<BudgetSettings, 'limit' | 'windowMs'>, prefix: string) {
		this.#redis = redis;
		this.#settings = settings;
		this.#prefix = prefix;
	}

	async retryAfter(key: string, now: number): Promise<number | null> {
		const { limit, windowMs } = this.#settings;
		const [startText, spentText] = await this.#redis.hmget(this.#prefix + key, 'start', 'spent');
		const start = Number(startText ?? NaN);
		const spent = Number(spentText ?? 0);
		if (!Number.isFinite(start) || now - start >= windowMs || spent < limit) return null;
		return Math.max(1, Math.ceil((start + windowMs - now) / 1000));
	}

	async spend(key: string, cost: number, now: number): Promise<void> {
		await this.#redis.eval(SPEND, 1, this.#prefix + key, now, this.#settings.windowMs, cost);
	}
}
