// The demo workspace's Partner Membership Center registry: PMC accounts (password tiertwo-demo)
// and the organization profiles each may link; Lamna's profile is in Germany, a country/region no
// demo tenant is in, so choosing it shows the documented refusal.
import type { PartnerNetworkProfile } from '$lib/domain/rules';
import { hashPassword } from '../accounts/passwords.js';
import { DEMO_PASSWORD } from '../demo-seed.js';
import type { PmcRegistry } from './pmc-registry.js';

export const DEMO_PMC: readonly {
	readonly userName: string;
	readonly profiles: readonly PartnerNetworkProfile[];
}[] = [
	{
		userName: 'pmc@fineartschool.example',
		profiles: [
			{ mpnId: '7000101', legalName: 'Fine Art School', country: 'US' },
			{ mpnId: '7000102', legalName: 'Fine Art School KK', country: 'JP' }
		]
	},
	{
		userName: 'pmc@lamnahealthcare.example',
		profiles: [{ mpnId: '7000201', legalName: 'Lamna Healthcare GmbH', country: 'DE' }]
	},
	{
		userName: 'pmc@tailwindtraders.example',
		profiles: [{ mpnId: '7000301', legalName: 'Tailwind Traders', country: 'US' }]
	}
];

export async function seedDemoPmcRegistry(
	pmc: PmcRegistry,
	hashLogN: number,
	now: number = Date.now()
): Promise<void> {
	const hash = await hashPassword(DEMO_PASSWORD, hashLogN);
	for (const account of DEMO_PMC) {
		await pmc.putAccount(account.userName, hash, now);
		for (const profile of account.profiles) await pmc.putProfile(profile, [account.userName], now);
	}
}
