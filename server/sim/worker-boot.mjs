// Worker threads do not inherit tsx's loader on every Node version: register it, then load the worker.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
