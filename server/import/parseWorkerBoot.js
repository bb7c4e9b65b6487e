// Entry of the import parse worker (parseWorker.ts). A worker thread does not inherit the TypeScript loader of the
// thread that starts it (tsx's register() in bin/sightline.js, vitest's transform), so register tsx here first.
import { register } from 'tsx/esm/api';

register();
await import('./parseWorker.ts');
