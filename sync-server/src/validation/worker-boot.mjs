// Worker entry: registers the TypeScript loader in this thread (workers do not inherit --import),
// then runs the validation worker.
import { register } from 'tsx/esm/api';

register();
await import('./validation-worker.ts');
