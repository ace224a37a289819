// Which Yjs client ids an update may write under: each belongs to the account whose connection
// first wrote it (or to the server, for its own events). Pure: the registry asks the store only to
// record the claims this decides, and tests model the store with a map.

/** More new client ids than this in one update is no honest client's (one per tab and reload). */
export const MAX_NEW_CLIENTS_PER_UPDATE = 64;

export type ClientClaims =
	| { readonly ok: false; readonly code: 'sync_client_id_taken'; readonly client: number }
	| { readonly ok: false; readonly code: 'sync_client_id_limit'; readonly count: number }
	| {
			readonly ok: true;
			/** ids the document has nothing of yet: to be claimed for `owner` */
			readonly fresh: number[];
			/** ids with structs but no owner known here: the store says whose they are */
			readonly existing: number[];
	  };

/**
 * What writing under `clients` (each with the clock its new structs start at) needs, given the
 * owners known so far: refused when one is someone else's, or too many are new.
 */
export function claimsFor(
	clients: readonly (readonly [client: number, from: number])[],
	owners: ReadonlyMap<number, string>,
	owner: string
): ClientClaims {
	const fresh: number[] = [];
	const existing: number[] = [];
	for (const [client, from] of clients) {
		const known = owners.get(client);
		if (known === owner) continue;
		if (known !== undefined) return { ok: false, code: 'sync_client_id_taken', client };
		(from === 0 ? fresh : existing).push(client);
	}
	if (fresh.length > MAX_NEW_CLIENTS_PER_UPDATE) {
		return { ok: false, code: 'sync_client_id_limit', count: fresh.length };
	}
	return { ok: true, fresh, existing };
}
