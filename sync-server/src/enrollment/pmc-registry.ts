// The Partner Membership Center registry the program operator keeps: partner network organization
// profiles (MPN ID, legal name, country/region) and the PMC accounts allowed to use them. A PMC
// sign-in returns the profiles its account may link (passwords only as scrypt hashes).
import { normalizeEmail, type PartnerNetworkProfile } from '$lib/domain/rules';
import type { SqliteDatabase } from '../store/database.js';

export interface PmcProfileRow {
	readonly mpnId: string;
	readonly legalName: string;
	readonly country: string;
	/** PMC user names allowed to link this profile */
	readonly accounts: readonly string[];
}

export class PmcRegistry {
	readonly #db: SqliteDatabase;
	readonly #s;

	constructor(db: SqliteDatabase) {
		this.#db = db;
		this.#s = {
			account: db.prepare<[string], { user_name: string; password_hash: string }>(
				'SELECT user_name, password_hash FROM pmc_accounts WHERE user_name = ?'
			),
			putAccount: db.prepare<[string, string, number]>(
				`INSERT INTO pmc_accounts (user_name, password_hash, created_at) VALUES (?, ?, ?)
				 ON CONFLICT (user_name) DO UPDATE SET password_hash = excluded.password_hash`
			),
			putProfile: db.prepare<[string, string, string, number]>(
				`INSERT INTO pmc_profiles (mpn_id, legal_name, country, created_at) VALUES (?, ?, ?, ?)
				 ON CONFLICT (mpn_id) DO UPDATE SET legal_name = excluded.legal_name, country = excluded.country`
			),
			allow: db.prepare<[string, string]>(
				'INSERT OR IGNORE INTO pmc_profile_accounts (mpn_id, user_name) VALUES (?, ?)'
			),
			profilesOf: db.prepare<[string], { mpn_id: string; legal_name: string; country: string }>(
				`SELECT p.mpn_id, p.legal_name, p.country FROM pmc_profiles p
				 JOIN pmc_profile_accounts a ON a.mpn_id = p.mpn_id WHERE a.user_name = ? ORDER BY p.mpn_id`
			),
			all: db.prepare<
				[],
				{ mpn_id: string; legal_name: string; country: string; accounts: string | null }
			>(
				`SELECT p.mpn_id, p.legal_name, p.country, group_concat(a.user_name, ' ') AS accounts
				 FROM pmc_profiles p LEFT JOIN pmc_profile_accounts a ON a.mpn_id = p.mpn_id
				 GROUP BY p.mpn_id ORDER BY p.mpn_id LIMIT 1000`
			)
		};
	}

	passwordHashOf(userName: string): string | undefined {
		return this.#s.account.get(normalizeEmail(userName))?.password_hash;
	}

	/** Adds or replaces a PMC account (its password already hashed). */
	putAccount(userName: string, passwordHash: string, now: number): void {
		this.#s.putAccount.run(normalizeEmail(userName), passwordHash, now);
	}

	/** Adds or updates a profile and allows the named (existing) PMC accounts to link it. */
	putProfile(profile: PartnerNetworkProfile, accounts: readonly string[], now: number): void {
		this.#db.transaction(() => {
			this.#s.putProfile.run(profile.mpnId, profile.legalName, profile.country, now);
			for (const userName of accounts) this.#s.allow.run(profile.mpnId, normalizeEmail(userName));
		})();
	}

	hasAccount(userName: string): boolean {
		return this.passwordHashOf(userName) !== undefined;
	}

	profilesOf(userName: string): PartnerNetworkProfile[] {
		return this.#s.profilesOf.all(normalizeEmail(userName)).map((row) => ({
			mpnId: row.mpn_id,
			legalName: row.legal_name,
			country: row.country
		}));
	}

	list(): PmcProfileRow[] {
		return this.#s.all.all().map((row) => ({
			mpnId: row.mpn_id,
			legalName: row.legal_name,
			country: row.country,
			accounts: row.accounts ? row.accounts.split(' ').sort() : []
		}));
	}
}
