// Rock, paper and scissors drawn with Phaser graphics (no image assets), centred on (0, 0).
import type Phaser from 'phaser';
import type { Hand } from '../../shared/games/trust-split/hands.ts';
import { PALETTE } from './palette.ts';

type Point = { x: number; y: number };

/** Phaser's typings ask for Vector2s; any {x, y} works at run time. */
export function asPoints(points: Point[]): Phaser.Math.Vector2[] {
  return points as Phaser.Math.Vector2[];
}

const ROCK_RADII = [0.42, 0.37, 0.45, 0.4, 0.44, 0.35, 0.43, 0.38, 0.41];

function drawRock(g: Phaser.GameObjects.Graphics, s: number): void {
  const points = ROCK_RADII.map((r, i) => {
    const angle = (i / ROCK_RADII.length) * Math.PI * 2 - Math.PI / 2;
    return { x: Math.cos(angle) * r * s, y: Math.sin(angle) * r * s * 0.9 + s * 0.04 };
  });
  g.fillStyle(0x000000, 0.25);
  g.fillEllipse(0, s * 0.42, s * 0.8, s * 0.14);
  g.fillStyle(0x8e8676, 1);
  g.fillPoints(asPoints(points), true);
  g.fillStyle(0xb3ab99, 1);
  g.fillEllipse(-s * 0.12, -s * 0.12, s * 0.34, s * 0.22);
  g.lineStyle(Math.max(2, s * 0.03), 0x4d463c, 1);
  g.strokePoints(asPoints(points), true);
  g.lineStyle(Math.max(1.5, s * 0.022), 0x5d5547, 1);
  g.beginPath();
  g.moveTo(s * 0.08, -s * 0.05);
  g.lineTo(s * 0.16, s * 0.08);
  g.lineTo(s * 0.12, s * 0.2);
  g.strokePath();
  g.beginPath();
  g.moveTo(-s * 0.25, s * 0.12);
  g.lineTo(-s * 0.12, s * 0.2);
  g.strokePath();
}

function drawPaper(g: Phaser.GameObjects.Graphics, s: number): void {
  const w = s * 0.6;
  const hgt = s * 0.78;
  const fold = s * 0.16;
  const left = -w / 2;
  const top = -hgt / 2;
  g.fillStyle(0x000000, 0.25);
  g.fillEllipse(0, hgt / 2 + s * 0.04, w * 1.1, s * 0.1);
  const outline = [
    { x: left, y: top },
    { x: left + w - fold, y: top },
    { x: left + w, y: top + fold },
    { x: left + w, y: top + hgt },
    { x: left, y: top + hgt },
  ];
  g.fillStyle(0xfbf6ea, 1);
  g.fillPoints(asPoints(outline), true);
  g.fillStyle(0xd9cfb8, 1);
  g.fillTriangle(left + w - fold, top, left + w - fold, top + fold, left + w, top + fold);
  g.lineStyle(Math.max(2, s * 0.025), 0x8b7f66, 1);
  g.strokePoints(asPoints(outline), true);
  g.lineStyle(Math.max(1.5, s * 0.02), 0x9fb4d8, 1);
  for (let i = 0; i < 5; i++) {
    const y = top + fold + s * 0.06 + i * s * 0.1;
    const inset = i === 4 ? w * 0.35 : 0;
    g.lineBetween(left + w * 0.14, y, left + w * 0.86 - inset, y);
  }
}

function drawScissors(g: Phaser.GameObjects.Graphics, s: number): void {
  const pivot = { x: 0, y: s * 0.02 };
  const blade = (tipX: number, tipY: number, baseX: number, baseY: number) => {
    // a long thin blade from behind the pivot to its tip
    const dx = tipX - baseX;
    const dy = tipY - baseY;
    const len = Math.hypot(dx, dy);
    const nx = (-dy / len) * s * 0.055;
    const ny = (dx / len) * s * 0.055;
    g.fillStyle(0xd8dde6, 1);
    g.fillPoints(asPoints([
      { x: baseX + nx, y: baseY + ny },
      { x: tipX, y: tipY },
      { x: baseX - nx, y: baseY - ny },
    ]), true);
    g.lineStyle(Math.max(1.5, s * 0.02), 0x6d7686, 1);
    g.strokePoints(asPoints([
      { x: baseX + nx, y: baseY + ny },
      { x: tipX, y: tipY },
      { x: baseX - nx, y: baseY - ny },
    ]), true);
  };
  g.fillStyle(0x000000, 0.25);
  g.fillEllipse(0, s * 0.44, s * 0.7, s * 0.1);
  blade(s * 0.2, -s * 0.44, -s * 0.08, s * 0.14);
  blade(-s * 0.2, -s * 0.44, s * 0.08, s * 0.14);
  // handles
  g.lineStyle(Math.max(3, s * 0.06), PALETTE.crimson, 1);
  g.strokeCircle(-s * 0.16, s * 0.28, s * 0.12);
  g.strokeCircle(s * 0.16, s * 0.28, s * 0.12);
  g.lineBetween(-s * 0.1, s * 0.17, pivot.x, pivot.y);
  g.lineBetween(s * 0.1, s * 0.17, pivot.x, pivot.y);
  g.fillStyle(PALETTE.gold, 1);
  g.fillCircle(pivot.x, pivot.y, s * 0.035);
}

/** Draw `hand` into `g`, about `size` pixels across, centred on the graphics' origin. */
export function drawHand(g: Phaser.GameObjects.Graphics, hand: Hand, size: number): void {
  if (hand === 'rock') drawRock(g, size);
  else if (hand === 'paper') drawPaper(g, size);
  else drawScissors(g, size);
}

/** A face-down card back for the hand nobody may see yet. */
export function drawHiddenHand(g: Phaser.GameObjects.Graphics, size: number): void {
  g.fillStyle(PALETTE.gold, 0.9);
  g.fillCircle(0, 0, size * 0.08);
  g.lineStyle(Math.max(2, size * 0.025), PALETTE.gold, 0.8);
  g.strokeCircle(0, 0, size * 0.28);
  g.strokeCircle(0, 0, size * 0.18);
}
