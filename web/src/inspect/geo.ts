// How far the phone is from the site its seal names: a seal far from where it hangs is a
// warning (a licence moved to another shop or sign). Pure functions, unit-tested.

export interface Point { lat: number; lng: number }

/** Beyond this the verdict warns that the licence may belong to another site. */
export const FAR_METRES = 200;
const EARTH_RADIUS_M = 6_371_008.8; // mean radius (IUGG)

/** Great-circle distance in metres (haversine): well under a metre off at street scale. */
export function distanceMetres(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export type Nearness = "near" | "far" | "unsure";

/** Near, far, or unsure when the phone's own fix is too coarse to tell (its accuracy radius,
 * in metres, reaches past the limit): a bad fix must not accuse a shop. */
export function nearness(distance: number, accuracyM: number, limit = FAR_METRES): Nearness {
  if (distance - accuracyM > limit) return "far";
  if (distance + accuracyM <= limit) return "near";
  return accuracyM > limit ? "unsure" : distance > limit ? "far" : "near";
}
