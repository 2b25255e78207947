// The site map (Leaflet), in its own chunk: only the site step (and the officer's application
// page, read-only: no `onMove`) loads it. It needs no tiles: the
// pin, a click to move it and dragging work on a blank map, and the typed coordinates stay the
// source of truth. A tile layer is added only when VITE_MAP_TILES names one.
import L from "leaflet";
import "leaflet/dist/leaflet.css";

// Tile errors before the page gives up on the background (one lost tile is not an outage).
const TILE_FAILURES = 3;

export interface SiteMap {
  moveTo(position: { lat: number; lng: number }): void;
  destroy(): void;
}

export function mountSiteMap(
  element: HTMLElement,
  start: { lat: number; lng: number },
  onMove: ((position: { lat: number; lng: number }) => void) | null,
  label: string,
  onTilesFailed: () => void = () => undefined,
): SiteMap {
  const map = L.map(element, { center: start, zoom: 15, zoomControl: false,
    attributionControl: Boolean(import.meta.env.VITE_MAP_TILES) });
  // Controls on the side the page starts from: the right in Arabic.
  L.control.zoom({ position: document.documentElement.dir === "rtl" ? "topright" : "topleft" }).addTo(map);
  element.setAttribute("aria-label", label);
  element.setAttribute("role", "application");
  const tiles = import.meta.env.VITE_MAP_TILES;
  if (tiles) {
    // Tiles come from a server of their own: on a phone without it (no data, a blocked host)
    // the page says so once and the typed coordinates carry the site.
    let failed = 0;
    L.tileLayer(tiles, { maxZoom: 19, attribution: "© OpenStreetMap contributors" })
      .on("tileerror", () => {
        failed += 1;
        if (failed === TILE_FAILURES) onTilesFailed();
      })
      .addTo(map);
  }
  // A CSS pin (no image files to resolve, and it reads the same in both directions).
  const icon = L.divIcon({ className: "site-pin", iconSize: [24, 24], iconAnchor: [12, 24] });
  const marker = L.marker(start, { draggable: onMove !== null, icon, keyboard: onMove !== null, title: label })
    .addTo(map);
  if (onMove) {
    marker.on("dragend", () => onMove(marker.getLatLng()));
    map.on("click", (event: L.LeafletMouseEvent) => {
      marker.setLatLng(event.latlng);
      onMove(event.latlng);
    });
  }
  // The container changes size (a phone turned, the page laid out again): keep the pin centred.
  const resized = new ResizeObserver(() => {
    map.invalidateSize({ animate: false });
    map.setView(marker.getLatLng(), map.getZoom(), { animate: false });
  });
  resized.observe(element);
  return {
    moveTo(position) {
      if (!marker.getLatLng().equals(position)) {
        marker.setLatLng(position);
        map.panTo(position);
      }
    },
    destroy() {
      resized.disconnect();
      map.remove();
    },
  };
}
