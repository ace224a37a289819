// Which documents each org may open, kept in SQLite so "my documents" is a lookup, not a scan.
// Every answer comes from the policy (accessFor); the index only remembers them, per org, and the
// final per-user answer is asked again when the list is served.
import type { Access, Viewer } from '../authorize.js';
import type { SqliteDatabase } from '../store/database.js';
import type { DocumentRegistry } from './document-registry.js';
import type { LiveDocument } from './live-document.js';

export interface ListedDocument {
	readonly name: string;
	readonly access: 'read' | 'write';
}

export class AccessIndex {
	readonly #registry: DocumentRegistry;
	readonly #orgs: () => readonly string[];
	readonly #s;
	readonly #db: SqliteDatabase;

	constructor(db: SqliteDatabase, registry: DocumentRegistry, orgs: () => readonly string[]) {
		this.#db = db;
		this.#registry = registry;
		this.#orgs = orgs;
		this.#s = {
			forOrg: db.prepare<[string], { doc: string }>(
				'SELECT doc FROM document_access WHERE org_id = ? ORDER BY doc'
			),
			forDoc: db.prepare<[string], { org_id: string; access: string }>(
				'SELECT org_id, access FROM document_access WHERE doc = ?'
			),
			put: db.prepare<[string, string, string]>(
				'INSERT OR REPLACE INTO document_access (org_id, doc, access) VALUES (?, ?, ?)'
			),
			remove: db.prepare<[string, string]>(
				'DELETE FROM document_access WHERE org_id = ? AND doc = ?'
			),
			count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM document_access')
		};
	}

	/** An org-level viewer: no particular user, so only the org's standing counts. */
	#orgViewer(orgId: string): Viewer {
		return { userId: '', orgId };
	}

	/** Re-decides one document for every known org (after its log, or one it depends on, changed). */
	refresh(live: LiveDocument): void {
		const before = new Map(this.#s.forDoc.all(live.name).map((row) => [row.org_id, row.access]));
		this.#db.transaction(() => {
			for (const orgId of this.#orgs()) {
				const access: Access = this.#registry.accessOf(live, this.#orgViewer(orgId));
				if (access === 'none') {
					if (before.has(orgId)) this.#s.remove.run(orgId, live.name);
				} else if (before.get(orgId) !== access) {
					this.#s.put.run(orgId, live.name, access);
				}
			}
		})();
	}

	/** Refreshes `live` and the documents whose access looked at it. */
	refreshWithDependents(live: LiveDocument): void {
		this.refresh(live);
		for (const name of this.#registry.dependentsOf(live.name)) {
			const dependent = this.#registry.get(name);
			if (dependent) this.refresh(dependent);
		}
	}

	/** Decides every document for one org (an org seen for the first time) or for all. */
	rebuild(orgId?: string): void {
		for (const name of this.#registry.names()) {
			const live = this.#registry.get(name);
			if (!live) continue;
			if (orgId === undefined) {
				this.refresh(live);
				continue;
			}
			const access = this.#registry.accessOf(live, this.#orgViewer(orgId));
			if (access === 'none') this.#s.remove.run(orgId, name);
			else this.#s.put.run(orgId, name, access);
		}
	}

	get empty(): boolean {
		return (this.#s.count.get()?.n ?? 0) === 0;
	}

	/** Every document this user may open now, with their own access. */
	documentsFor(viewer: Viewer): ListedDocument[] {
		const listed: ListedDocument[] = [];
		for (const { doc } of this.#s.forOrg.all(viewer.orgId)) {
			const live = this.#registry.get(doc);
			if (!live) continue;
			const access = this.#registry.accessOf(live, viewer);
			if (access !== 'none') listed.push({ name: doc, access });
		}
		return listed;
	}
}
