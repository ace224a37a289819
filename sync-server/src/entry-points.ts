// Where the server's other entry points are, run from its TypeScript sources (tsx, Vitest) or from
// the bundle in sync-server/dist (sync-server/bin/bundle.mjs puts every entry beside this module's
// bundled copy). The one place that tells the two apart.
import { fileURLToPath } from 'node:url';

const fromSources = import.meta.url.endsWith('.ts');

/** The validation worker's entry: in sources a boot file that registers tsx in the thread first. */
export function validationWorkerEntry(): URL {
	return fromSources
		? new URL('./validation/worker-boot.mjs', import.meta.url)
		: new URL('./validation-worker.js', import.meta.url);
}

/** Node arguments that run one sync server process (the cluster launcher starts several). */
export function serverProcessArgs(): string[] {
	return fromSources
		? ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))]
		: ['--enable-source-maps', fileURLToPath(new URL('./main.js', import.meta.url))];
}

/** The repository's root (sync-server/src and sync-server/dist are both two levels down). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
