// The app's one database instance.
import { AppDatabase } from './app-database';

export const db = new AppDatabase();
