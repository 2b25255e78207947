import { describe, expect, it } from "vitest";
import { FAR_METRES, distanceMetres, nearness } from "./geo";

describe("distance from the site", () => {
  it("measures street-scale distances in metres", () => {
    // One thousandth of a degree of latitude is ~111.2 m anywhere.
    expect(distanceMetres({ lat: 31.2, lng: 29.9 }, { lat: 31.201, lng: 29.9 })).toBeCloseTo(111.2, 0);
    // Along a parallel at Alexandria's latitude a degree of longitude is shorter (cos 31.2°).
    expect(distanceMetres({ lat: 31.2, lng: 29.9 }, { lat: 31.2, lng: 29.901 })).toBeCloseTo(95.1, 0);
    expect(distanceMetres({ lat: 31.2, lng: 29.9 }, { lat: 31.2, lng: 29.9 })).toBe(0);
  });

  it("is symmetric and spans the city (Montaza to Agami is ~30 km)", () => {
    const montaza = { lat: 31.2881, lng: 30.0166 };
    const agami = { lat: 31.0946, lng: 29.7595 };
    expect(distanceMetres(montaza, agami)).toBeCloseTo(distanceMetres(agami, montaza), 6);
    expect(distanceMetres(montaza, agami) / 1000).toBeGreaterThan(31);
    expect(distanceMetres(montaza, agami) / 1000).toBeLessThan(33);
  });

  it("warns only when the phone is surely beyond the limit", () => {
    expect(FAR_METRES).toBe(200);
    expect(nearness(150, 10)).toBe("near");
    expect(nearness(260, 10)).toBe("far");
    expect(nearness(205, 10)).toBe("far");
    expect(nearness(195, 10)).toBe("near");
    // A coarse fix (a 500 m cell-tower guess) can say neither.
    expect(nearness(300, 500)).toBe("unsure");
    expect(nearness(2000, 500)).toBe("far");
  });
});
