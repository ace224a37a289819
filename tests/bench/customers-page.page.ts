// Injected into the real app (customers-page.bench.ts): imports generated customers into the app's
// own IndexedDB database through the same import code as local-data.page.ts.
import { AppDatabase } from '$lib/db/app-database';
import { importCustomerDocuments } from './customer-import';

Object.assign(window, {
	benchImport: async (count: number) => {
		const db = new AppDatabase();
		await db.open();
		try {
			return await importCustomerDocuments(db, count);
		} finally {
			db.close();
		}
	}
});
