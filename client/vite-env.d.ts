// Vite's module types: CSS side-effect imports and `?raw` text (the guides shown at /docs/…).
/// <reference types="vite/client" />
