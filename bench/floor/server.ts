// The floor of the server bench's peer part: socket.io alone, with the shape of a Trust-and-Split
// action and nothing else: a seat's `act` is acknowledged and an `update` goes to both seats of its
// table (the room), as Parley does, with no rules, no views, no validation, no storage and no HTTP
// session creation. What Parley and boardgame.io spend per action above this is their own.
// Run as a child process; prints "floor listening on <url>" once it serves.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/** a table's game ends after this many actions (Parley's `paper` Trust-and-Split takes ~41) */
const ACTIONS_PER_GAME = 40;
/** an update about the size of Parley's patch update for one action (the floor then receives ~1 kB per action, as Parley does) */
const FILLER = 'x'.repeat(440);

const http = createServer();
const io = new Server(http, { transports: ['websocket'] });
/** each table's version: the count of its actions so far */
const versions = new Map<string, number>();

io.on('connection', (socket) => {
  const table = String(socket.handshake.query.table ?? '');
  const seat = Number(socket.handshake.query.seat);
  if (!table || !(seat === 0 || seat === 1)) return void socket.disconnect(true);
  void socket.join(table);
  socket.emit('update', { version: versions.get(table) ?? 0, over: false, note: FILLER });
  socket.on('act', (_action: unknown, ack: unknown) => {
    const version = versions.get(table) ?? 0;
    // whose turn it is: seats alternate; out of turn is refused like any other bad act
    if (version % 2 !== seat || version >= ACTIONS_PER_GAME) {
      if (typeof ack === 'function') ack({ ok: false });
      return;
    }
    versions.set(table, version + 1);
    if (typeof ack === 'function') ack({ ok: true, version: version + 1 });
    io.to(table).emit('update', { version: version + 1, over: version + 1 >= ACTIONS_PER_GAME, note: FILLER });
  });
  socket.on('disconnect', () => {
    if (!io.sockets.adapter.rooms.get(table)?.size) versions.delete(table);
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('floor: no TCP address');
  console.log(`floor listening on http://127.0.0.1:${address.port}`);
});
