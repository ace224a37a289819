// The service worker's lifecycle for the app: register it, notice a waiting update, apply it on request.
import { Workbox } from 'workbox-window';

/** Saves work in progress before the page reloads into a new version. */
export type SaveBeforeReload = () => void | Promise<void>;

const PERIODIC_CHECK_MS = 60 * 60 * 1000;
/** Navigations check for a new release, but not more often than this. */
export const NAVIGATION_CHECK_MIN_INTERVAL_MS = 10_000;

class ServiceWorkerUpdate {
	#available = $state(false);
	#applying = $state(false);
	#workbox: Workbox | undefined;
	#saveHooks = new Set<SaveBeforeReload>();
	#periodic: ReturnType<typeof setInterval> | undefined;
	/** The new version already controls this page (another tab chose Reload first). */
	#newVersionControls = false;
	#lastCheck = 0;

	/** A new version is installed and waiting for the user to choose Reload. */
	get available(): boolean {
		return this.#available;
	}

	get applying(): boolean {
		return this.#applying;
	}

	register(): void {
		if (this.#workbox || !('serviceWorker' in navigator)) return;
		const workbox = new Workbox('/service-worker.js');
		// Also fires when a version was already waiting at page load (another tab found it).
		workbox.addEventListener('waiting', () => {
			this.#available = true;
		});
		workbox.addEventListener('controlling', (event) => {
			if (event.isUpdate) this.#newVersionControls = true;
			// Only ever after the user's click: never reload on our own.
			if (this.#applying) window.location.reload();
		});
		this.#workbox = workbox;
		workbox.register().catch(reportError);
		this.#periodic = setInterval(() => void this.checkForUpdate(), PERIODIC_CHECK_MS);
	}

	/** Asks the browser to fetch the service worker script again; a changed one installs and waits. */
	async checkForUpdate(): Promise<void> {
		this.#lastCheck = Date.now();
		try {
			await this.#workbox?.update();
		} catch {
			// Offline or the server is restarting: the next check (heartbeat recovery) will retry.
		}
	}

	/** A cheap check on each navigation: people keep an app open for days across releases. */
	checkForUpdateOnNavigation(): Promise<void> {
		if (Date.now() - this.#lastCheck < NAVIGATION_CHECK_MIN_INTERVAL_MS) return Promise.resolve();
		return this.checkForUpdate();
	}

	/** Registers work to save before an update reloads the page; returns the unregister function. */
	onBeforeReload(save: SaveBeforeReload): () => void {
		this.#saveHooks.add(save);
		return () => this.#saveHooks.delete(save);
	}

	/**
	 * The user chose Reload: save what is in progress, let the waiting version take over, and
	 * reload once it controls the page. A failed save stops here, so nothing is lost by reloading.
	 */
	async applyUpdate(): Promise<void> {
		const workbox = this.#workbox;
		if (!workbox || this.#applying) return;
		this.#applying = true;
		try {
			for (const save of this.#saveHooks) await save();
		} catch (error) {
			this.#applying = false;
			throw error;
		}
		if (this.#newVersionControls) window.location.reload();
		else workbox.messageSkipWaiting();
	}

	/** For tests. */
	reset(): void {
		clearInterval(this.#periodic);
		this.#workbox = undefined;
		this.#available = false;
		this.#applying = false;
		this.#newVersionControls = false;
		this.#lastCheck = 0;
		this.#saveHooks.clear();
	}
}

export const swUpdate = new ServiceWorkerUpdate();
