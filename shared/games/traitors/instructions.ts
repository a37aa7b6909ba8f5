/** Default instructions for a study of The Traitors (Markdown), when the study file gives none. */
export const TRAITORS_INSTRUCTIONS = `## How to play The Traitors

You join a table of players. A few of them are secretly **traitors**; everyone else is
**faithful**. You learn your own role when the game starts. Traitors know who the other traitors
are; the faithful do not know who anyone is.

**Each round:**

1. **Breakfast.** If the traitors murdered someone during the night, everyone learns who.
2. **Discussion.** Every player speaks in turn. Share suspicions, defend yourself, accuse others.
3. **Suspicion.** You may be asked how much you suspect each other player (0–100). Nobody else
   sees your answers.
4. **Round table.** Everyone votes, in secret, to banish one player. The player with the most votes
   leaves the game and their role is revealed.
5. **Night.** The traitors talk privately and choose a faithful player to murder.

**Winning.** The faithful win when every traitor has been banished. The traitors win when they
are as many as the faithful.

Every action has a time limit; if it runs out, a default is used for you (for example, no vote).

Your bonus depends on whether your side wins.
`;
