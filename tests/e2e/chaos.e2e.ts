// Chaos: a provider, a reseller and a customer work at the same time through the UI while their
// connections are cut and restored, they go offline, pages reload and the sync server restarts
// twice. They add and remove tenant users, assign licenses, submit orders, type into the shared
// notes, and the reseller sends customer invitation links that new customers accept by creating
// their account. At the end every screen and the server agree, and every action is on the server
// (applied, or kept as superseded or failed by a rule that the screens show). Seeded: the seed is
// printed; CHAOS_SEED=<n> replays a run. New kinds of action are entries of ACTIONS. `npm test` runs
// a sample of 40 actions (a new seed every run); `npm run test:chaos` the full 200.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { LOG_KEY, parseDocumentName } from '../../src/lib/domain/documents';
import type { OrderLine } from '../../src/lib/domain/events';
import { findOffer } from '../../src/lib/domain/offers';
import { tokenFromFragment } from '../../src/lib/flows/partnership/partner-lists';
import { projectLog } from '../../src/lib/flows/documents/projection';
import { invitationTokenHash } from '../../src/lib/sync/invitation-token';
import { freePort, ROOT, seededDataDir, startAppServer, type AppServer } from './app-server';
import { expect, signIn, test, waitForServiceWorkerControl } from './fixtures';
import { networkSwitch } from './network-switch';

// Offline journeys: the service worker serves the app while the network is gone.
test.use({ serviceWorkers: 'allow' });

const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(process.env.CHAOS_STEPS ?? 15);
const PASSWORD = 'tiertwo-demo';
const RECORD = '/customers/wingtip';
/** New customers that accept an invitation link are named so (and listed by this prefix). */
const NEW_CUSTOMER = 'Chaos Customer';
/** Offers each partner may order as a new subscription, once: one name, one subscription. */
const NEW_OFFERS: Partial<Record<Role, string[]>> = {
	reseller: ['Business Basic'],
	provider: ['Business Standard', 'Enterprise E3']
};
/** Kept out of "More licenses" orders: its three licenses are what the two sides compete for. */
const SCARCE_OFFER = 'Cloud Storage 1 TB';

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Role = 'provider' | 'reseller' | 'customer';

interface Actor {
	role: Role;
	email: string;
	context: BrowserContext;
	page: Page;
	network: Awaited<ReturnType<typeof networkSwitch>>;
	/** 'cut': sockets refused; 'offline': no network at all */
	link: 'online' | 'cut' | 'offline';
	/** this actor's own stream (actors act at the same time) */
	random: () => number;
}

/** An invitation link the reseller made (Done in its draft), for a new customer to open. */
interface SentLink {
	link: string;
	kind: 'customer' | 'customerWithProvider';
	/** the round it was made in: a new customer opens it a few rounds later */
	round: number;
	accepted: boolean;
}

/** What the actions did through the UI, to find on the server at the end. */
interface Ledger {
	tenantAdds: Set<string>;
	tenantRemoves: Set<string>;
	/** `${offer}|${name}` -> number of assignments and unassignments made */
	licenses: Map<string, { assigned: number; unassigned: number }>;
	orgUserAdds: Set<string>;
	/** every license action, for the report of a mismatch */
	licenseLog: string[];
	/** order line as the Orders list shows it (unique: its quantity is) -> who submitted it */
	orders: Map<string, Role>;
	/** offers ordered as a new subscription (each at most once) */
	newOffers: Set<string>;
	/** fragments typed into the shared notes */
	notes: Set<string>;
	links: SentLink[];
	/** new customer's name -> the kind of link it accepted */
	accepted: Map<string, SentLink['kind']>;
}

interface World {
	random: () => number;
	browser: Browser;
	server: AppServer;
	actors: Actor[];
	ledger: Ledger;
	serial: number;
	round: number;
	restarts: number;
	log: string[];
}

interface ActionKind {
	name: string;
	/** who may do it */
	roles: Role[];
	weight: number;
	/** does it; false when there was nothing to do it on (nothing counted) */
	run(world: World, actor: Actor): Promise<boolean>;
}

const pick = <T>(random: () => number, items: readonly T[]): T | undefined =>
	items[Math.floor(random() * items.length)];

const nav = (page: Page, name: string) =>
	page.getByRole('navigation').getByRole('link', { name, exact: true });

/** Opens the customer record: through the menu and the Customers list (no page load) if it can. */
async function onRecord(page: Page): Promise<void> {
	if (new URL(page.url()).pathname === RECORD) return;
	if (await nav(page, 'Customers').isVisible()) {
		await nav(page, 'Customers').click();
		await page
			.getByRole('table', { name: 'Customers', exact: true })
			.getByRole('link', { name: 'Wingtip Toys', exact: true })
			.click();
	} else {
		await page.goto(RECORD);
	}
	await expect(page.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();
}

/** The chaos tenant users a page shows (names start with "Chaos"). */
async function chaosUsers(page: Page): Promise<string[]> {
	const names = await page.getByRole('rowheader').allTextContents();
	return names.map((name) => name.trim()).filter((name) => name.startsWith('Chaos '));
}

/**
 * After an edit on the customer record: true once it says "Saved on this device.", false when it
 * refused the edit with a reason (a rule: e.g. no license left), which then counts as refused.
 */
async function savedOrRefused(page: Page): Promise<boolean> {
	const saved = page.getByRole('status').filter({ hasText: 'Saved on this device.' });
	const refused = page.getByRole('main').getByRole('alert');
	await expect(saved.or(refused).first()).toBeVisible();
	return !(await refused.isVisible());
}

const gaveUp = () => false;
const clicked = () => true;

const TERMS: Record<string, string> = { monthly: 'Monthly', annual: 'Annual' };

/** An order line as the Orders list describes it (`offerOf`: a subscription's offer name). */
function describeLine(line: OrderLine, offerOf: (subscriptionId: string) => string): string {
	return line.kind === 'newSubscription'
		? `New subscription: ${findOffer(line.offerId)?.name ?? line.offerId}, ${TERMS[line.term]}, ${line.quantity} licenses`
		: `More licenses: ${offerOf(line.subscriptionId)}, +${line.quantity}`;
}

/** The English catalog (every area), for the reasons failed orders show. */
function englishMessages(): Record<string, string> {
	const dir = path.join(ROOT, 'src/lib/i18n/messages');
	const files = ['en.json', ...readdirSync(dir).map((area) => path.join(area, 'en.json'))];
	const messages: Record<string, string> = {};
	for (const file of files) {
		try {
			Object.assign(messages, JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
		} catch {
			// not an area folder
		}
	}
	return messages;
}

const ordersOf = (page: Page) => page.getByRole('region', { name: 'Orders' });
const notesOf = (page: Page) => page.getByRole('textbox', { name: 'Shared notes' });

const ACTIONS: ActionKind[] = [
	{
		name: 'add a tenant user',
		roles: ['reseller', 'customer'],
		weight: 4,
		async run(world, { page, role }) {
			await onRecord(page);
			const name = `Chaos ${role[0]}${(world.serial += 1)}`;
			const form = page.getByRole('form', { name: 'Add user' });
			await form.getByLabel('Display name').fill(name);
			await form.getByLabel('User name').fill(`chaos${world.serial}@wingtip.example`);
			await form.getByRole('button', { name: 'Add', exact: true }).click();
			await expect(page.getByRole('rowheader', { name, exact: true })).toBeVisible();
			world.ledger.tenantAdds.add(name);
			return true;
		}
	},
	{
		name: 'remove a tenant user',
		roles: ['reseller', 'customer'],
		weight: 1,
		async run(world, { page, random }) {
			await onRecord(page);
			const name = pick(random, await chaosUsers(page));
			if (!name) return false;
			const remove = page.getByRole('button', { name: `Remove ${name}`, exact: true });
			if (!(await remove.click({ timeout: 3_000 }).then(clicked, gaveUp))) return false;
			await expect(page.getByRole('rowheader', { name, exact: true })).toHaveCount(0);
			world.ledger.tenantRemoves.add(name);
			return true;
		}
	},
	{
		name: 'assign or unassign a license',
		roles: ['reseller', 'customer'],
		weight: 4,
		async run(world, { page, random, role, link }) {
			await onRecord(page);
			// Licenses only of the users this side added: two sides toggling the same box at once
			// would make what a click did depend on timing (conflicts still come from removals).
			const own = (await chaosUsers(page)).filter((user) => user.startsWith(`Chaos ${role[0]}`));
			const name = pick(random, own);
			if (!name) return false;
			const row = page
				.getByRole('row')
				.filter({ has: page.getByRole('rowheader', { name, exact: true }) });
			// One read (the row may go at any moment: the other side removed the user).
			const labels = await row
				.getByRole('checkbox')
				.evaluateAll((boxes) =>
					boxes
						.filter((box) => !(box as HTMLInputElement).disabled)
						.map((box) => box.getAttribute('aria-label') ?? '')
				);
			const label = pick(random, labels);
			if (!label) return false;
			const box = row.getByRole('checkbox', { name: label, exact: true });
			const on = await box.isChecked({ timeout: 3_000 }).catch(() => null);
			if (on === null) return false;
			// The row may go meanwhile (the other side removed the user) or run out of licenses.
			if (!(await box.click({ timeout: 3_000 }).then(clicked, gaveUp))) return false;
			const saved = await savedOrRefused(page);
			world.ledger.licenseLog.push(
				`${new Date().toISOString()} ${role} (${link}) ${on ? 'unassign' : 'assign'} ${label}: ${saved ? 'saved' : 'refused'}`
			);
			if (!saved) {
				world.log.push(`refused by a rule: ${label}`);
				// The box shows what is saved again (or the user is gone meanwhile).
				await expect
					.poll(() =>
						box
							.evaluate((input) => (input as HTMLInputElement).checked, undefined, {
								timeout: 1_000
							})
							.catch(() => on)
					)
					.toBe(on);
				return true;
			}
			// The other side may have taken the last license meanwhile: then the assignment, saved
			// here, is superseded by the rule once the other's arrives (the box goes back, disabled),
			// and the user may be removed meanwhile. Only an outcome that stayed is counted.
			const seen = { outcome: 'pending' as 'pending' | 'done' | 'superseded' | 'gone' };
			await expect
				.poll(async () => {
					const state = await box
						.evaluate(
							(input) => ({
								checked: (input as HTMLInputElement).checked,
								disabled: (input as HTMLInputElement).disabled
							}),
							undefined,
							{ timeout: 1_000 }
						)
						.catch(() => null);
					if (state === null) seen.outcome = 'gone';
					else if (state.checked === !on) seen.outcome = 'done';
					else if (state.disabled) seen.outcome = 'superseded';
					return seen.outcome;
				})
				.not.toBe('pending');
			if (seen.outcome !== 'done') {
				world.log.push(`${seen.outcome}: ${label}`);
				return true;
			}
			const offer = label.slice(0, label.indexOf(' license for '));
			const key = `${offer}|${name}`;
			const count = world.ledger.licenses.get(key) ?? { assigned: 0, unassigned: 0 };
			if (on) count.unassigned += 1;
			else count.assigned += 1;
			world.ledger.licenses.set(key, count);
			return true;
		}
	},
	{
		// Submit an order on the record: a new subscription of an offer of this partner's (once), or
		// more licenses on a subscription. The quantity is unique in the run, so the line names the
		// order. The form may refuse a total past the offer's maximum (nothing is sent); an order
		// saved offline may fail when the program provisions it (the other side's order took the
		// room first): it is on the server all the same, and every screen shows why it failed.
		name: 'submit an order',
		roles: ['reseller', 'provider'],
		weight: 2.5,
		async run(world, { page, random, role }) {
			await onRecord(page);
			const form = page.getByRole('form', { name: 'Submit an order' });
			const quantity = (world.serial += 1);
			const offers = (NEW_OFFERS[role] ?? []).filter((o) => !world.ledger.newOffers.has(o));
			const newOffer = random() < 0.3 ? pick(random, offers) : undefined;
			let line: string;
			if (newOffer) {
				await form.getByRole('radio', { name: 'New subscription' }).check();
				await form.getByLabel('Offer').selectOption({ label: newOffer });
				const term = form.getByLabel('Term');
				const terms = (await term.locator('option').allTextContents()).map((t) => t.trim());
				const chosen = pick(random, terms)!;
				await term.selectOption({ label: chosen });
				line = `New subscription: ${newOffer}, ${chosen}, ${quantity} licenses`;
			} else {
				await form.getByRole('radio', { name: 'More licenses on a subscription' }).check();
				const select = form.getByRole('combobox', { name: 'Subscription' });
				const names = (await select.locator('option').allTextContents())
					.map((name) => name.trim())
					.filter((name) => name !== 'Choose a subscription' && name !== SCARCE_OFFER);
				const offer = pick(random, names);
				if (!offer) return false;
				await select.selectOption({ label: offer });
				line = `More licenses: ${offer}, +${quantity}`;
			}
			await form.getByLabel('Quantity').fill(String(quantity));
			await form.getByRole('button', { name: 'Submit order' }).click();
			const row = ordersOf(page).getByRole('rowheader', { name: line, exact: true });
			const invalid = form.locator('#order-quantity[aria-invalid="true"]');
			const refused = page.getByRole('main').getByRole('alert');
			await expect(row.or(invalid).or(refused).first()).toBeVisible();
			if (!(await row.isVisible())) {
				// Refused before anything was sent, with the reason on screen.
				const reason = (await invalid.isVisible())
					? await form.locator('#order-quantity-error').textContent()
					: await refused.textContent();
				world.log.push(`order refused: ${line} (${reason})`);
				await page.reload();
				return true;
			}
			world.ledger.orders.set(line, role);
			if (newOffer) world.ledger.newOffers.add(newOffer);
			return true;
		}
	},
	{
		// Types a unique fragment at the start or the end of the shared notes (a Y.Text), online or
		// not. One insertion, as a paste is: the other sides' fragments land before or after it.
		name: 'edit the notes',
		roles: ['reseller', 'provider', 'customer'],
		weight: 2,
		async run(world, { page, random, role }) {
			await onRecord(page);
			const notes = notesOf(page);
			await expect(notes).toBeEditable();
			const fragment = `[${role[0]}${(world.serial += 1)}]`;
			const atStart = random() < 0.3;
			await notes.focus();
			await notes.press(atStart ? 'Control+Home' : 'Control+End');
			await page.keyboard.insertText(atStart ? `${fragment} ` : ` ${fragment}`);
			// Not taken (the field went read-only a moment, its document being swapped): not counted.
			if (!(await notes.inputValue()).includes(fragment)) return false;
			world.ledger.notes.add(fragment);
			return true;
		}
	},
	{
		// Request a reseller relationship (Customers) or Invite new customers with Northwind
		// (Indirect providers): a link made on this device (offline too), then Done.
		name: 'send a customer invitation link',
		roles: ['reseller'],
		weight: 1.5,
		async run(world, { page, random }) {
			const withProvider = random() < 0.5;
			let dialog;
			if (withProvider) {
				await nav(page, 'Indirect providers').click();
				await page
					.getByRole('table', { name: 'Your indirect providers' })
					.getByRole('button', { name: 'Invite new customers with Northwind Distribution' })
					.click();
				dialog = page.getByRole('dialog', {
					name: 'Invite new customers with Northwind Distribution'
				});
			} else {
				await nav(page, 'Customers').click();
				await page.getByRole('button', { name: 'Request a reseller relationship' }).click();
				dialog = page.getByRole('dialog', { name: 'Reseller relationship request' });
			}
			const link = await dialog.getByLabel('Personalized link', { exact: true }).inputValue();
			await dialog.getByRole('button', { name: 'Done' }).click();
			await expect(dialog).toBeHidden();
			world.ledger.links.push({
				link,
				kind: withProvider ? 'customerWithProvider' : 'customer',
				round: world.round,
				accepted: false
			});
			return true;
		}
	},
	{
		// A new customer opens a link sent a few rounds ago, in a browser of its own, and accepts it
		// by creating its customer account (an HTTP call: with no network the page cannot even
		// open, so not while this side is offline). A link that has not reached the server yet is
		// refused with the reason on the page, and tried again later.
		name: 'accept an invitation with a new customer account',
		roles: ['customer'],
		weight: 2,
		async run(world, { link: network }) {
			const reseller = world.actors.find((actor) => actor.role === 'reseller')!;
			const sent = world.ledger.links.find(
				(candidate) => !candidate.accepted && candidate.round <= world.round - 2
			);
			if (!sent || network === 'offline' || reseller.link !== 'online') return false;
			const context = await world.browser.newContext({ baseURL: world.server.url });
			try {
				const page = await context.newPage();
				await page.goto(sent.link);
				const create = page.getByRole('button', { name: 'Create a customer account' });
				const unusable = page.getByRole('heading', {
					level: 1,
					name: "This invitation link can't be used"
				});
				await expect(create.or(unusable)).toBeVisible();
				if (await unusable.isVisible()) {
					world.log.push(`link refused: ${await page.getByRole('alert').textContent()}`);
					return true;
				}
				await create.click();
				const n = (world.serial += 1);
				const name = `${NEW_CUSTOMER} ${n}`;
				await page.getByLabel('Company name').fill(name);
				await page.getByLabel('Domain').fill(`chaos${n}.example`);
				await page.getByLabel('Country/region').selectOption('US');
				await page.getByLabel('Your name').fill(`Chaos Admin ${n}`);
				await page.getByLabel('Email').fill(`admin@chaos${n}.example`);
				await page.getByLabel('Password').fill('violet-harbor-lantern-93');
				await page.getByRole('button', { name: 'Create account and accept' }).click();
				const refused = page.getByRole('alert');
				await expect
					.poll(
						async () =>
							new URL(page.url()).pathname === '/organization' || (await refused.isVisible())
					)
					.toBe(true);
				if (new URL(page.url()).pathname !== '/organization') {
					world.log.push(`account refused: ${await refused.textContent()}`);
					return true;
				}
				sent.accepted = true;
				world.ledger.accepted.set(name, sent.kind);
				return true;
			} finally {
				await context.close();
			}
		}
	},
	{
		name: 'add a user to the organization',
		roles: ['provider'],
		weight: 1,
		async run(world, { page }) {
			const fullName = `Chaos Agent ${(world.serial += 1)}`;
			const email = `chaos${world.serial}@northwind.example`;
			await page.goto('/settings/user-management/add');
			await expect(page.getByRole('heading', { level: 1, name: 'Add user' })).toBeVisible();
			await page.getByLabel('Full name').fill(fullName);
			await page.getByLabel('Email address').fill(email);
			await page.getByRole('radio', { name: /^Sales agent/ }).check();
			await page.getByRole('button', { name: 'Add', exact: true }).click();
			// Online, the page says so once the server accepted the user; offline (or while the server
			// is down), that the user is saved on this device and checked on reconnect.
			await expect(
				page.getByRole('heading', {
					level: 1,
					name: /^(User added|User saved on this device)$/
				})
			).toBeVisible({ timeout: 30_000 });
			await page.getByRole('link', { name: 'Done' }).click();
			await expect(page.getByRole('rowheader', { name: fullName, exact: true })).toBeVisible();
			world.ledger.orgUserAdds.add(email);
			return true;
		}
	}
];

/** Disruptions of the network, the pages and the server. */
async function disrupt(world: World): Promise<void> {
	const actor = pick(world.random, world.actors)!;
	const roll = world.random();
	if (roll < 0.1 && world.restarts < 2 && world.log.length > STEPS / 4) {
		world.restarts += 1;
		world.log.push(`restart the sync server (${world.restarts})`);
		await world.server.restart();
	} else if (roll < 0.4) {
		actor.link = actor.link === 'online' ? 'cut' : 'online';
		world.log.push(`${actor.role}: sockets ${actor.link}`);
		if (actor.link === 'cut') await actor.network.cutSockets();
		else await actor.network.online();
	} else if (roll < 0.6) {
		actor.link = actor.link === 'offline' ? 'online' : 'offline';
		world.log.push(`${actor.role}: ${actor.link}`);
		if (actor.link === 'offline') await actor.network.offline();
		else await actor.network.online();
	} else {
		world.log.push(`${actor.role}: reload`);
		await actor.page.reload();
		await expect(actor.page.getByRole('heading', { level: 1 })).toBeVisible();
	}
}

/** The server's copy of documents, read through Node y-websocket clients of one signed-in user. */
async function serverReader(server: AppServer, email: string) {
	const signIn = await fetch(`${server.url}/api/auth/sign-in`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.url },
		body: JSON.stringify({ email, password: PASSWORD }),
		signal: AbortSignal.timeout(30_000)
	});
	expect(signIn.status).toBe(200);
	const cookie = signIn.headers
		.getSetCookie()
		.map((line) => line.split(';')[0])
		.join('; ');
	class AuthenticatedSocket extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: { cookie, origin: server.url } });
		}
	}
	/** A document's log and its shared notes as the server holds them; null when it refuses it. */
	return async (name: string): Promise<{ log: unknown[]; notes: string } | null> => {
		const doc = new Y.Doc();
		const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/sync`, name, doc, {
			WebSocketPolyfill: AuthenticatedSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true
		});
		let timer: ReturnType<typeof setTimeout> | undefined;
		try {
			const synced = await new Promise<boolean>((resolve, reject) => {
				provider.once('sync', () => resolve(true));
				provider.on('connection-close', (event) => {
					if (event?.code === 4403) resolve(false);
				});
				timer = setTimeout(() => reject(new Error(`${name} as ${email}: no sync in 30 s`)), 30_000);
			});
			if (!synced) return null;
			return { log: doc.getArray(LOG_KEY).toArray(), notes: doc.getText('notes').toString() };
		} finally {
			clearTimeout(timer);
			provider.destroy();
			doc.destroy();
		}
	};
}

/** What the customer record shows: each chaos user with the offers whose license box is checked. */
function recordAsShown(page: Page): Promise<string[]> {
	// One read in the page (a string: no helpers of the test's transpiler in there).
	return page.evaluate(`(() => {
		const shown = [];
		for (const row of document.querySelectorAll('main tbody tr')) {
			const name = row.querySelector('th[scope="row"]')?.textContent?.trim() ?? '';
			if (!name.startsWith('Chaos ')) continue;
			const offers = [...row.querySelectorAll('input[type="checkbox"]')]
				.filter((box) => box.checked)
				.map((box) => {
					const label = box.getAttribute('aria-label') ?? '';
					return label.slice(0, label.indexOf(' license for '));
				})
				.sort();
			shown.push(name + ': ' + offers.join(', '));
		}
		return shown.sort();
	})()`);
}

/** What the record's Orders list shows: each order's lines and its status. */
function ordersAsShown(page: Page): Promise<string[]> {
	return page.evaluate(`(() => {
		const section = document.getElementById('orders-heading')?.closest('section');
		return [...(section?.querySelectorAll('tbody tr') ?? [])]
			.map((row) => {
				const lines = [...row.querySelectorAll('th li')].map((li) => li.textContent.trim());
				const cells = row.querySelectorAll('td');
				return lines.join(' / ') + ' | ' + (cells[cells.length - 1]?.textContent?.trim() ?? '');
			})
			.sort();
	})()`);
}

/** Opens Customers and lists those whose names start with `prefix` (a poll reads it again). */
async function customersAsShown(page: Page, prefix: string): Promise<() => Promise<string[]>> {
	await nav(page, 'Customers').click();
	await expect(page.getByRole('heading', { level: 1, name: 'Customers' })).toBeVisible();
	await page.getByLabel('Search customers by name').fill(prefix);
	const links = page.getByRole('table', { name: 'Customers', exact: true }).getByRole('link');
	return async () => (await links.allTextContents()).map((name) => name.trim()).sort();
}

test('three orgs work through cuts, offline spells, reloads and server restarts, and end in agreement', async ({
	browser
}) => {
	test.setTimeout(900_000);
	console.log(`chaos seed ${SEED} (replay with CHAOS_SEED=${SEED})`);
	const started = Date.now();
	const server = await startAppServer({ port: await freePort(), dataDir: await seededDataDir() });
	const world: World = {
		random: prng(SEED),
		browser,
		server,
		actors: [],
		ledger: {
			tenantAdds: new Set(),
			tenantRemoves: new Set(),
			licenses: new Map(),
			orgUserAdds: new Set(),
			licenseLog: [],
			orders: new Map(),
			newOffers: new Set(),
			notes: new Set(),
			links: [],
			accepted: new Map()
		},
		serial: 0,
		round: 0,
		restarts: 0,
		log: []
	};
	try {
		for (const [role, email] of [
			['provider', 'admin@northwind.example'],
			['reseller', 'admin@contoso.example'],
			['customer', 'admin@wingtip.example']
		] as const) {
			const context = await browser.newContext({ baseURL: server.url });
			const network = await networkSwitch(context);
			const page = await context.newPage();
			await signIn(page, { email, password: PASSWORD });
			await waitForServiceWorkerControl(page);
			const random = prng(SEED + world.actors.length + 1);
			world.actors.push({ role, email, context, page, network, link: 'online', random });
		}
		for (const actor of world.actors) await onRecord(actor.page);

		// Rounds: maybe a disruption, then the three act at the same time.
		let actions = 0;
		while (actions < STEPS) {
			world.round += 1;
			if (world.random() < 0.35) await disrupt(world);
			const done = await Promise.all(
				world.actors.map(async (actor) => {
					const kinds = ACTIONS.filter((kind) => kind.roles.includes(actor.role));
					const total = kinds.reduce((sum, kind) => sum + kind.weight, 0);
					let roll = actor.random() * total;
					const kind = kinds.find((candidate) => (roll -= candidate.weight) < 0) ?? kinds[0]!;
					const ran = await kind.run(world, actor);
					if (ran) world.log.push(`${actor.role}: ${kind.name}`);
					return ran ? 1 : 0;
				})
			);
			actions += done.reduce<number>((sum, one) => sum + one, 0);
		}
		while (world.restarts < 2) {
			world.restarts += 1;
			await server.restart();
		}
		const { ledger } = world;
		console.log(
			`chaos: ${actions} actions in ${world.round} rounds, ${world.log.length - actions} disruptions and refusals; ` +
				`${ledger.orders.size} orders, ${ledger.notes.size} notes, ${ledger.links.length} links, ` +
				`${ledger.accepted.size} accepted (${[...ledger.accepted.values()].filter((k) => k === 'customerWithProvider').length} with the provider), ${Math.round((Date.now() - started) / 1000)} s`
		);

		// Everyone back online: nothing waits to sync on any device.
		for (const actor of world.actors) {
			actor.link = 'online';
			await actor.network.online();
		}
		for (const actor of world.actors) {
			await expect(
				actor.page
					.getByRole('banner')
					.getByRole('status')
					.filter({ hasText: /waiting to sync/ })
			).toHaveCount(0, { timeout: 60_000 });
		}

		// The server's state, read by Node clients.
		const asCustomer = await serverReader(server, 'admin@wingtip.example');
		const asReseller = await serverReader(server, 'admin@contoso.example');
		const asProvider = await serverReader(server, 'admin@northwind.example');
		// Notes typed offline are Yjs updates, not events the status counts: the server has them
		// a moment later. Every fragment typed arrives, and the program decides every order.
		const readCustomer = async () => {
			const stored = (await asCustomer('customer/wingtip'))!;
			const customer = projectLog(parseDocumentName('customer/wingtip')!, stored.log);
			if (customer.kind !== 'customer') throw new Error('not a customer document');
			return { stored, customer };
		};
		let snapshot = await readCustomer();
		await expect
			.poll(
				async () => {
					snapshot = await readCustomer();
					return {
						notesMissing: [...ledger.notes].filter((f) => !snapshot.stored.notes.includes(f)),
						ordersUndecided: Object.values(snapshot.customer.orders)
							.filter((order) => order.status === 'submitted')
							.map((order) => order.orderId)
					};
				},
				{ timeout: 30_000 }
			)
			.toEqual({ notesMissing: [], ordersUndecided: [] });
		const { stored, customer } = snapshot;
		const byName = new Map(
			Object.values(customer.tenantUsers).map((user) => [user.displayName, user])
		);
		const expected = [...byName.values()]
			.filter((user) => user.displayName.startsWith('Chaos '))
			.map((user) => {
				const offers = user.licenses
					.map((id) => customer.subscriptions[id]?.offerName ?? id)
					.sort();
				return `${user.displayName}: ${offers.join(', ')}`;
			})
			.sort();
		const offerOf = (id: string) => customer.subscriptions[id]?.offerName ?? id;
		const english = englishMessages();
		const statusText: Record<string, (reason: string | null) => string> = {
			submitted: () => 'Submitted',
			provisioned: () => 'Provisioned',
			failed: (reason) => (reason ? `Failed: ${english[reason] ?? reason}` : 'Failed')
		};
		const expectedOrders = Object.values(customer.orders)
			.map(
				(order) =>
					`${order.lines.map((line) => describeLine(line, offerOf)).join(' / ')} | ` +
					statusText[order.status]!(order.failureReason)
			)
			.sort();

		// Every screen shows the server's state: users and licenses, orders, notes.
		for (const actor of world.actors) {
			await onRecord(actor.page);
			await expect.poll(() => recordAsShown(actor.page), { timeout: 30_000 }).toEqual(expected);
			await expect.poll(() => ordersAsShown(actor.page)).toEqual(expectedOrders);
			await expect(notesOf(actor.page)).toHaveValue(stored.notes);
		}

		// Every action made through the UI is on the server (applied, or superseded with a reason).
		const events = stored.log as Array<{ type: string; payload: Record<string, unknown> }>;
		const idOf = new Map(
			events
				.filter((event) => event.type === 'tenantUser.added')
				.map((event) => [event.payload.displayName as string, event.payload.tenantUserId as string])
		);
		for (const name of ledger.tenantAdds) expect(idOf.has(name), name).toBe(true);
		for (const name of ledger.tenantRemoves) {
			expect(
				events.some(
					(event) =>
						event.type === 'tenantUser.removed' && event.payload.tenantUserId === idOf.get(name)
				),
				`removal of ${name}`
			).toBe(true);
		}
		const subscriptionOf = new Map(
			Object.values(customer.subscriptions).map((s) => [s.offerName, s.subscriptionId])
		);
		for (const [key, count] of ledger.licenses) {
			const [offer, name] = key.split('|') as [string, string];
			const matches = (type: string) =>
				events.filter(
					(event) =>
						event.type === type &&
						event.payload.subscriptionId === subscriptionOf.get(offer) &&
						event.payload.tenantUserId === idOf.get(name)
				).length;
			// At least as many as the harness saw saved: a click it gave up on (timed out under load)
			// may still have gone through, so the server may hold more, never fewer.
			if (matches('license.assigned') < count.assigned) {
				console.log(
					ledger.licenseLog
						.filter((line) => line.includes(`${offer} license for ${name}:`))
						.join('\n')
				);
			}
			expect(matches('license.assigned'), `assignments ${key}`).toBeGreaterThanOrEqual(
				count.assigned
			);
			expect(matches('license.unassigned'), `unassignments ${key}`).toBeGreaterThanOrEqual(
				count.unassigned
			);
		}
		// Every order saved on a screen was submitted on the server, by that side.
		const submitted = new Map(
			events
				.filter((event) => event.type === 'order.submitted')
				.map((event) => {
					const by = (event as unknown as { by: { orgId: string } }).by.orgId;
					const lines = (event.payload.lines as OrderLine[]).map((l) => describeLine(l, offerOf));
					return [lines.join(' / '), by];
				})
		);
		const orgOf: Record<string, string> = { reseller: 'contoso', provider: 'northwind' };
		for (const [line, role] of ledger.orders) {
			expect(submitted.get(line), `order ${line}`).toBe(orgOf[role]);
		}
		// Superseded changes are the only ones not applied, and each has its reason.
		for (const entry of customer.superseded) expect(entry.code).toMatch(/^error_/);

		const orgLog = (await asProvider('org/northwind'))!.log;
		const org = projectLog(parseDocumentName('org/northwind')!, orgLog);
		if (org.kind !== 'org') throw new Error('not an org document');
		const emails = new Set(Object.values(org.users).map((user) => user.email));
		for (const email of ledger.orgUserAdds) expect(emails.has(email), email).toBe(true);

		// Every link the reseller made is on the server; each accepted one is redeemed by a new
		// customer with the partners of its kind, and the partners' Customers lists show them.
		const contoso = projectLog(
			parseDocumentName('invitations/contoso')!,
			(await asReseller('invitations/contoso'))!.log
		);
		if (contoso.kind !== 'invitations') throw new Error('not an invitations document');
		const invitations = Object.values(contoso.invitations);
		for (const sent of ledger.links) {
			const hash = await invitationTokenHash(tokenFromFragment(new URL(sent.link).hash)!);
			const found = invitations.find((invitation) => invitation.tokenHash === hash);
			expect(found?.kind, `link ${sent.link}`).toBe(sent.kind);
			if (sent.accepted) expect(found?.status, `link ${sent.link}`).toBe('redeemed');
		}
		const newCustomers = new Map<string, { providerId: string | null }>();
		for (const invitation of invitations) {
			if (invitation.status !== 'redeemed' || !invitation.redeemedBy) continue;
			const doc = `customer/${invitation.redeemedBy}`;
			// A customer that has not answered yet (the demo's Margie's Travel) is not readable.
			const readable = await asReseller(doc);
			if (!readable) continue;
			const state = projectLog(parseDocumentName(doc)!, readable.log);
			const name = state.kind === 'customer' ? state.customer?.legalName : undefined;
			if (!name?.startsWith(NEW_CUSTOMER) || state.kind !== 'customer') continue;
			const live = Object.values(state.relationships).find((r) => r.status === 'active');
			newCustomers.set(name, { providerId: live?.providerId ?? null });
		}
		for (const [name, kind] of ledger.accepted) {
			expect(newCustomers.get(name), name).toEqual({
				providerId: kind === 'customerWithProvider' ? 'northwind' : null
			});
		}
		const reseller = world.actors.find((actor) => actor.role === 'reseller')!;
		const provider = world.actors.find((actor) => actor.role === 'provider')!;
		await expect
			.poll(await customersAsShown(reseller.page, NEW_CUSTOMER))
			.toEqual([...newCustomers.keys()].sort());
		await expect.poll(await customersAsShown(provider.page, NEW_CUSTOMER)).toEqual(
			[...newCustomers]
				.filter(([, customer]) => customer.providerId === 'northwind')
				.map(([name]) => name)
				.sort()
		);

		// The provider's user list shows the server's users.
		await provider.page.goto('/settings/user-management');
		for (const user of Object.values(org.users).filter((u) => u.fullName.startsWith('Chaos '))) {
			await expect(
				provider.page.getByRole('rowheader', { name: user.fullName, exact: true })
			).toBeVisible();
		}
		console.log(`chaos: done in ${Math.round((Date.now() - started) / 1000)} s`);
	} catch (error) {
		console.log(`chaos seed ${SEED}; last steps:\n${world.log.slice(-15).join('\n')}`);
		const refusals = server
			.output()
			.split('\n')
			.filter((line) => line.includes('"update refused"'));
		console.log(`the server refused ${refusals.length} updates:\n${refusals.join('\n')}`);
		throw error;
	} finally {
		for (const actor of world.actors) await actor.context.close().catch(() => undefined);
		await server.stop();
	}
});
