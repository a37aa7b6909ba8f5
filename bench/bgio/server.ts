// boardgame.io's own Server with the Trust-and-Split twin and its in-memory store, on a free port:
// the peer the server bench compares Parley with. Run as a child process with NODE_ENV=production;
// prints "bgio listening on <url>" once it serves. Matches are created through bgio's lobby API.
import { Server } from 'boardgame.io/server';
import { TrustSplitGame } from './trust-split.ts';

const server = Server({ games: [TrustSplitGame], origins: [] });
const { appServer } = await server.run(0);
// bgio 0.50.2 builds its HTTP handler (koa-socket-2's attach) before it adds the lobby routes; koa-compose
// 4.1 saw later middleware through a shared array, 4.2 copies it, so the lobby answered 404. Rebuild it.
appServer.removeAllListeners('request');
appServer.on('request', server.app.callback());
const address = appServer.address();
if (!address || typeof address === 'string') throw new Error('bgio: no TCP address');
console.log(`bgio listening on http://127.0.0.1:${address.port}`);
