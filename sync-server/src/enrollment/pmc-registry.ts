// The Partner Membership Center registry the program operator keeps: partner network organization
// profiles (MPN ID, legal name, country/region) and the PMC accounts allowed to use them. A PMC
// sign-in returns the profiles its account may link (passwords only as scrypt hashes).
import { normalizeEmail, type PartnerNetworkProfile } from '$lib/domain/rules';
import type { EnrollmentStorage, PmcProfileRow } from '../store/storage.js';

export type { PmcProfileRow };

export class PmcRegistry {
	readonly #store: EnrollmentStorage;

	constructor(store: EnrollmentStorage) {
		this.#store = store;
	}

	passwordHashOf(userName: string): Promise<string | undefined> {
		return this.#store.pmcPasswordHash(normalizeEmail(userName));
	}

	/** Adds or replaces a PMC account (its password already hashed). */
	putAccount(userName: string, passwordHash: string, now: number): Promise<void> {
		return this.#store.putPmcAccount(normalizeEmail(userName), passwordHash, now);
	}

	/** Adds or updates a profile and allows the named (existing) PMC accounts to link it. */
	putProfile(
		profile: PartnerNetworkProfile,
		accounts: readonly string[],
		now: number
	): Promise<void> {
		return this.#store.putPmcProfile(profile, accounts.map(normalizeEmail), now);
	}

	async hasAccount(userName: string): Promise<boolean> {
		return (await this.passwordHashOf(userName)) !== undefined;
	}

	profilesOf(userName: string): Promise<PartnerNetworkProfile[]> {
		return this.#store.pmcProfilesOf(normalizeEmail(userName));
	}

	list(): Promise<PmcProfileRow[]> {
		return this.#store.pmcProfiles();
	}
}
