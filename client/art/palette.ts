// One palette for the whole client (CSS mirrors it in style.css): candle-lit castle hall.
export const PALETTE = {
  night: 0x14111c,
  dusk: 0x201a2c,
  panel: 0x2a2238,
  wood: 0x5a3b28,
  woodDark: 0x3a2619,
  woodLight: 0x7a5236,
  felt: 0x1d5a49,
  feltDark: 0x123d31,
  gold: 0xe3b55b,
  goldDark: 0xa77a2c,
  ember: 0xf08a4b,
  crimson: 0xd2435b,
  teal: 0x46c2ad,
  sky: 0x7aa7e8,
  parchment: 0xf3ead8,
  ink: 0x2b2230,
  muted: 0x9d93a8,
  ghost: 0x5d5468,
} as const;

/** CSS strings for Phaser Text styles. */
export const CSS = {
  parchment: '#f3ead8',
  gold: '#e3b55b',
  crimson: '#ff7a8e',
  teal: '#6fe0cb',
  muted: '#b5abc0',
  ink: '#2b2230',
} as const;

export const SERIF = 'Georgia, "DejaVu Serif", "Times New Roman", serif';
export const SANS = 'system-ui, "Segoe UI", "DejaVu Sans", Roboto, sans-serif';

/** Avatar colours, one per seat, chosen to stay distinct on the dark table. */
export const SEAT_COLOURS = [
  0xe07a5f, 0x81b29a, 0xf2cc8f, 0x7aa7e8, 0xc08bd8, 0x5fc9c9, 0xe8a0bf, 0xb8c46a,
  0xd9915a, 0x8f9fe0, 0x6cc48a, 0xe0c35f, 0xa7c0d8, 0xd87a7a, 0x9ad0b5, 0xc9a7e8,
] as const;

export function seatColour(seat: number): number {
  return SEAT_COLOURS[seat % SEAT_COLOURS.length];
}

export function hex(colour: number): string {
  return `#${colour.toString(16).padStart(6, '0')}`;
}
