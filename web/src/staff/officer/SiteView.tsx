import { useEffect, useRef, useState } from "preact/hooks";
import { digits } from "../../lib/format";
import type { SiteMap } from "../../pages/apply/SiteMap";
import { to } from "./i18n";

/** The site as the citizen pinned it: its address, its coordinates as text (always there,
 * whatever becomes of the map), and a read-only map loaded lazily (Leaflet's own chunk, the
 * one the citizens' site step uses). */
export function SiteView(props: { site: { lat: number; lng: number; address: string } }) {
  const { site } = props;
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  useEffect(() => {
    let cancelled = false;
    let map: SiteMap | undefined;
    import("../../pages/apply/SiteMap")
      .then(({ mountSiteMap }) => {
        if (cancelled || !container.current) return;
        map = mountSiteMap(container.current, { lat: site.lat, lng: site.lng }, null, to("site.mapLabel"));
        setState("ready");
      })
      .catch(() => setState("failed"));
    return () => {
      cancelled = true;
      map?.destroy();
    };
  }, [site.lat, site.lng]);
  return (
    <>
      <dl class="summary-list">
        <div class="summary-row"><dt>{to("site.address")}</dt><dd>{site.address}</dd></div>
        <div class="summary-row"><dt>{to("site.coordinates")}</dt>
          <dd><bdi dir="ltr" class="code">{`${digits(site.lat)}, ${digits(site.lng)}`}</bdi></dd></div>
      </dl>
      <div class="map-frame">
        <div ref={container} class="map" dir="ltr" />
        {state === "loading" && <p class="map-status" role="status">{to("site.mapLoading")}</p>}
        {state === "failed" && <p class="map-status" role="status">{to("site.mapFailed")}</p>}
      </div>
    </>
  );
}
