/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** A tile URL template for the site map (e.g. OpenStreetMap's); unset: the map has no imagery. */
  readonly VITE_MAP_TILES?: string;
  /** The payment gateways offered, comma-separated (default "sandbox", the local stack's). */
  readonly VITE_PAYMENT_GATEWAYS?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
