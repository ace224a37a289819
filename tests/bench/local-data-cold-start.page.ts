// The Customers list's first query after a cold start, as its own small script (the list page
// needs only the database and the list queries): open, read the first 50 rows by name (and count).
import { AppDatabase } from '$lib/db/app-database';
import { customerCount, customerCountUpTo, customerWindow } from '$lib/db/customer-list';

async function firstRows() {
	const t = performance.now();
	const db = new AppDatabase('tiertwo-bench');
	// As the page does: the first rows and the quick count at once; the exact count after them.
	const [rows] = await Promise.all([
		customerWindow(db, '', 'name-asc', 0, 50),
		customerCountUpTo(db, '')
	]);
	const end = performance.now();
	const count = await customerCount(db, '');
	const countEnd = performance.now();
	db.close();
	return { ms: end - t, sinceNavigationMs: end, countMs: countEnd - t, rows: rows.length, count };
}

Object.assign(window, { firstRows: firstRows() });
