/**
 * `true` in the bundles `npm run build` writes to dist/server/ (scripts/build-server.ts defines it);
 * undeclared when the sources run under tsx or vitest, so read it with `typeof PARLEY_BUNDLED !== 'undefined'`.
 * The build folds that test to a constant and drops the dev-only branch (vite, esbuild) from the bundle.
 */
declare const PARLEY_BUNDLED: true | undefined;
