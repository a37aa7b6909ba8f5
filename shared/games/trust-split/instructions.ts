/** Default instructions for a study of Trust-and-Split (Markdown), when the study file gives none. */
export const TRUST_SPLIT_INSTRUCTIONS = `## How to play Trust-and-Split

You play several rounds with **one other player**. Each round you share **10 coins**.

**Hands.** Each round you and the other player are each dealt a hand — rock, paper or scissors
(the two hands always differ). You see only your own hand. Whoever holds the *winning* hand
(rock beats scissors, scissors beats paper, paper beats rock) has the **upper hand**: each coin
is worth **10 points** to them and **1 point** to the other player.

**Talk.** Before splitting you take turns sending short messages. You may say anything —
including what your hand is, truthfully or not.

**Split.** Then you both choose, at the same time and in secret, how many of the 10 coins you
want to keep.

- If the two requests add up to 10 or less, each of you gets what you asked for (coins nobody
  asked for are lost).
- If they add up to more than 10, the coins are shared in proportion to the requests.

**Points.** Your points are the coins you receive times what each coin is worth to you, added up
over all rounds. After each round you see what happened. Every action has a time limit; if it runs
out, a default is used for you.

Your bonus depends on the points you earn.
`;
