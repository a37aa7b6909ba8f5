export * from './actions.ts';
export * from './game.ts';
export * from './match.ts';
export * from './names.ts';
export * from './play.ts';
export * from './rng.ts';
export * from './agent.ts';
