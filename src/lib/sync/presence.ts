// Presence: who else has a page of a document open now. Each tab announces `{ view }` on that
// document's awareness while the page is open (nothing otherwise, so idle documents send no
// presence). The sync server stamps every state with the signed-in user (`verifiedUser`), so the
// names shown are the server's, never what a client claims.
import { z } from 'zod';

export interface Peer {
	userId: string;
	orgId: string;
	/** '' where the server knows no name (the page says so in words, never the id) */
	fullName: string;
	orgName: string;
	/** the page they have open, e.g. `customer-record` */
	view: string;
}

const presenceState = z.object({
	view: z.string().min(1).max(64),
	verifiedUser: z.object({
		userId: z.string().min(1),
		orgId: z.string().min(1),
		fullName: z.string(),
		orgName: z.string()
	})
});

/** The people (one entry per user, several tabs count once) on `view`, except `selfUserId`. */
export function peersOn(
	states: ReadonlyMap<number, unknown>,
	view: string,
	selfUserId: string
): Peer[] {
	const peers = new Map<string, Peer>();
	for (const state of states.values()) {
		const parsed = presenceState.safeParse(state);
		if (!parsed.success || parsed.data.view !== view) continue;
		const { userId, orgId, fullName, orgName } = parsed.data.verifiedUser;
		if (userId === selfUserId || peers.has(userId)) continue;
		peers.set(userId, {
			userId,
			orgId,
			fullName,
			orgName,
			view
		});
	}
	return [...peers.values()].sort(
		(a, b) => a.fullName.localeCompare(b.fullName) || a.userId.localeCompare(b.userId)
	);
}
