import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api/client";
import { call } from "../../api/problem";
import { Radios, TextField, yesNo } from "../../components/Fields";
import { Code } from "../../components/Status";
import { t, pick } from "../../i18n";
import { fieldSpecs, liveDistricts } from "../../lib/catalogue";
import { normaliseDigits, parseDecimal } from "../../lib/digits";
import { choiceLabel, districtName, fieldLabel, serviceName } from "../../lib/labels";
import type { StepProps } from "./Apply";
import { REPLACED_LICENCE_FIELD, type Step } from "./draft";
import { pinVerdict, type PinVerdict } from "./pin";
import type { SiteMap } from "./SiteMap";

export function DistrictStep({ service, catalogue, draft, errors, update }: StepProps) {
  const options = liveDistricts(service, catalogue.districts)
    .map((district) => ({ value: district.code, label: pick(district.name_ar, district.name_en) }));
  if (options.length === 0) return <p class="notice">{t("apply.district.none")}</p>;
  return (
    <Radios name="district" legend={t("apply.district.title")} isPageHeading={false} options={options}
      value={draft.district} error={errors.district}
      onValue={(value) => update((next) => (next.district = value), ["district"])} />
  );
}

export function ApplicantStep({ draft, errors, update }: StepProps) {
  const set = (name: keyof typeof draft.applicant) => (value: string) =>
    update((next) => (next.applicant[name] = value), [`applicant.${name}`]);
  return (
    <>
      <TextField id="applicant-name" label={t("apply.applicant.name")} hint={t("apply.applicant.nameHint")}
        value={draft.applicant.name} onValue={set("name")} autoComplete="name" error={errors["applicant-name"]} />
      <TextField id="applicant-national_id" label={t("apply.applicant.nationalId")}
        hint={t("apply.applicant.nationalIdHint")} value={draft.applicant.national_id} onValue={set("national_id")}
        inputMode="numeric" ltr width="short" error={errors["applicant-national_id"]} />
      <TextField id="applicant-mobile" label={t("apply.applicant.mobile")} hint={t("apply.applicant.mobileHint")}
        value={draft.applicant.mobile} onValue={set("mobile")} inputMode="tel" autoComplete="tel" ltr width="short"
        error={errors["applicant-mobile"]} />
    </>
  );
}

// The centre of Alexandria, where the pin starts when nothing has been chosen yet.
const ALEXANDRIA = { lat: 31.2001, lng: 29.9187 };

// How long the pin rests before the API is asked where it is (a drag sends many moves).
const LOCATE_AFTER_MS = 400;

/** `locateMe`: offer the device's position and fill the district from the pin (a citizen on the
 * site; not a clerk at the centre, whose district is the application's). */
export function SiteStep({ service, catalogue, draft, errors, update, locateMe = true }: StepProps & { locateMe?: boolean }) {
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<SiteMap | undefined>(undefined);
  const [mapState, setMapState] = useState<"loading" | "ready" | "failed">("loading");
  const [tilesFailed, setTilesFailed] = useState(false);
  const [finding, setFinding] = useState<"idle" | "finding" | "denied" | "unavailable">("idle");
  const [verdict, setVerdict] = useState<PinVerdict>();
  const lat = parseDecimal(draft.site.lat);
  const lng = parseDecimal(draft.site.lng);
  const setCoordinates = (position: { lat: number; lng: number }) =>
    update((next) => {
      next.site.lat = position.lat.toFixed(6);
      next.site.lng = position.lng.toFixed(6);
    }, ["site.lat", "site.lng", "site"]);
  const latest = useRef(setCoordinates);
  latest.current = setCoordinates;

  // Leaflet is loaded on this step only, in its own chunk, and only once the step has been
  // painted: the question, its hint and the coordinate fields show first (they are the page's
  // largest content, and enough to answer), and the 44 KB map does not compete with them on a
  // slow line. The map's box has its size from the start: nothing moves when it arrives.
  useEffect(() => {
    let cancelled = false;
    const load = () => import("./SiteMap")
      .then(({ mountSiteMap }) => {
        if (cancelled || !container.current) return;
        map.current = mountSiteMap(container.current, lat !== null && lng !== null ? { lat, lng } : ALEXANDRIA,
          (position) => latest.current(position), t("apply.site.mapLabel"), () => setTilesFailed(true));
        setMapState("ready");
      })
      .catch(() => setMapState("failed"));
    // Two frames on, the step's first frame has been drawn; then the first idle moment (or
    // 300 ms at most, and where there is no requestIdleCallback, Safari, a 50 ms timer).
    let frame = requestAnimationFrame(() => (frame = requestAnimationFrame(whenIdle)));
    const hasIdle = typeof globalThis.requestIdleCallback === "function";
    let idle: number | undefined;
    function whenIdle() {
      idle = hasIdle ? requestIdleCallback(() => void load(), { timeout: 300 })
        : Number(globalThis.setTimeout(() => void load(), 50));
    }
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
      if (idle !== undefined) {
        if (hasIdle) cancelIdleCallback(idle);
        else clearTimeout(idle);
      }
      map.current?.destroy();
    };
  }, []);
  useEffect(() => {
    if (lat !== null && lng !== null) map.current?.moveTo({ lat, lng });
  }, [lat, lng]);

  // The district from the pin: where the API holds the district's boundary, the district is
  // filled in (and said so); elsewhere the district chosen earlier stands.
  const live = liveDistricts(service, catalogue.districts).map((district) => district.code);
  const fillDistrict = useRef((code: string) => update((next) => (next.district = code), ["district"]));
  fillDistrict.current = (code: string) => update((next) => (next.district = code), ["district"]);
  useEffect(() => {
    if (lat === null || lng === null) return setVerdict(undefined);
    let current = true;
    const timer = setTimeout(async () => {
      const found = await call(() => api.GET("/v1/districts/locate", { params: { query: { lat, lng } } }));
      if (!current || (found.problem && found.problem.status !== 404)) return; // offline: nothing to say
      const next = pinVerdict(found.data, live);
      setVerdict(next);
      // At the centre (no "use my location") the application's district is the clerk's: said, not changed.
      if (locateMe && next.kind === "fill" && next.code !== draft.district) fillDistrict.current(next.code);
    }, LOCATE_AFTER_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [lat, lng]);

  function findMe() {
    setFinding("finding");
    navigator.geolocation.getCurrentPosition(
      (found) => {
        setFinding("idle");
        setCoordinates({ lat: found.coords.latitude, lng: found.coords.longitude });
      },
      (failure) => setFinding(failure.code === failure.PERMISSION_DENIED ? "denied" : "unavailable"),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 });
  }

  const set = (name: keyof typeof draft.site) => (value: string) =>
    update((next) => (next.site[name] = value), [`site.${name}`, "site"]);
  return (
    <>
      <p class="hint">{t("apply.site.mapHint")}</p>
      <div class="map-frame">
        <div ref={container} class="map" dir="ltr" />
        {mapState === "loading" && <p class="map-status" role="status">{t("apply.site.mapLoading")}</p>}
      </div>
      {mapState === "ready" && !import.meta.env.VITE_MAP_TILES && <p class="hint">{t("apply.site.mapNoTiles")}</p>}
      {(mapState === "failed" || tilesFailed) && <p class="notice" role="status">{t("apply.site.mapUnreachable")}</p>}
      {locateMe && "geolocation" in navigator && (
        <button type="button" class="button button-secondary" disabled={finding === "finding"} onClick={findMe}>
          {finding === "finding" ? t("apply.site.finding") : t("apply.site.useLocation")}
        </button>
      )}
      {(finding === "denied" || finding === "unavailable") && (
        <p class="notice notice-problem" role="status">
          {finding === "denied" ? t("apply.site.locationDenied") : t("apply.site.locationUnavailable")}</p>
      )}
      <p class="pin-status" role="status">{verdict && pinMessage(verdict, draft.district, catalogue.districts)}</p>
      <p class="hint">{t("apply.site.coordsHint")}</p>
      <div class="field-row">
        <TextField id="site-lat" label={t("apply.site.lat")} value={draft.site.lat}
          onValue={set("lat")} inputMode="decimal" ltr width="short" error={errors["site-lat"]} />
        <TextField id="site-lng" label={t("apply.site.lng")} value={draft.site.lng} onValue={set("lng")}
          inputMode="decimal" ltr width="short" error={errors["site-lng"]} />
      </div>
      <TextField id="site-address" label={t("apply.site.address")} hint={t("apply.site.addressHint")}
        value={draft.site.address} onValue={set("address")} multiline autoComplete="street-address"
        error={errors["site-address"]} />
    </>
  );
}

function pinMessage(verdict: PinVerdict, chosen: string, districts: StepProps["catalogue"]["districts"]): string {
  if (verdict.kind === "fill") return t("apply.site.pinDistrict", { district: districtName(verdict.code, districts) });
  if (verdict.kind === "not-live") return t("apply.site.pinNotLive", { district: districtName(verdict.code, districts) });
  if (verdict.kind === "governorate") return t("apply.site.pinGovernorate", { district: districtName(chosen, districts) });
  return t("apply.site.pinOutside");
}

export function DetailsStep({ service, draft, errors, update }: StepProps) {
  return (
    <>
      {errors.details && <p class="error-message">{errors.details}</p>}
      {fieldSpecs(service).map((field) => {
        const id = `details-${field.name}`;
        const value = draft.details[field.name] ?? "";
        const set = (next: string) => update((d) => (d.details[field.name] = next), [`details.${field.name}`]);
        if (field.type === "enum") {
          return <Radios key={id} name={id} legend={fieldLabel(field)} value={value} onValue={set}
            error={errors[id]} options={(field.choices ?? []).map((choice) => ({ value: choice, label: choiceLabel(choice) }))} />;
        }
        if (field.type === "boolean") {
          return <Radios key={id} name={id} legend={fieldLabel(field)} value={value} onValue={set}
            error={errors[id]} options={yesNo()} />;
        }
        const numeric = field.type === "number" || field.type === "integer";
        // The licence an amendment or duplicate replaces: a code, read left to right.
        const licence = field.name === REPLACED_LICENCE_FIELD;
        return <TextField key={id} id={id} label={fieldLabel(field)} value={value} onValue={set} error={errors[id]}
          hint={licence ? t("apply.details.licenceNumberHint") : undefined}
          inputMode={field.type === "integer" ? "numeric" : field.type === "number" ? "decimal" : undefined}
          ltr={numeric || licence} width={numeric ? "short" : "full"} />;
      })}
    </>
  );
}

export function CheckStep({ service, catalogue, draft, steps }: StepProps & { steps: Step[] }) {
  const change = (step: Step) => `/services/${service.code}/apply/${step}?return=check`;
  const detailText = (name: string, type: string) => {
    const value = draft.details[name] ?? "";
    if (type === "enum") return choiceLabel(value);
    if (type === "boolean") return value === "true" ? t("common.yes") : t("common.no");
    return value;
  };
  // Numbers as they will be sent (ASCII digits), whatever keyboard typed them.
  const rows: { key: string; label: string; value: preact.ComponentChildren; step?: Step }[] = [
    { key: "service", label: t("apply.check.service"), value: serviceName(service) },
    { key: "district", label: t("apply.check.district"), value: districtName(draft.district, catalogue.districts), step: "district" },
    { key: "name", label: t("apply.applicant.name"), value: <bdi>{draft.applicant.name}</bdi>, step: "applicant" },
    { key: "national_id", label: t("apply.applicant.nationalId"), value: <Code>{normaliseDigits(draft.applicant.national_id)}</Code>, step: "applicant" },
    { key: "mobile", label: t("apply.applicant.mobile"), value: <Code>{normaliseDigits(draft.applicant.mobile)}</Code>, step: "applicant" },
    { key: "coordinates", label: t("apply.check.site"), value: <Code>{`${normaliseDigits(draft.site.lat)}, ${normaliseDigits(draft.site.lng)}`}</Code>, step: "site" },
    { key: "address", label: t("apply.site.address"), value: <bdi>{draft.site.address}</bdi>, step: "site" },
    ...(steps.includes("details") ? fieldSpecs(service).map((field) => ({
      key: `details-${field.name}`, label: fieldLabel(field), step: "details" as Step,
      value: field.type === "number" || field.type === "integer" || field.name === REPLACED_LICENCE_FIELD
        ? <Code>{normaliseDigits(detailText(field.name, field.type))}</Code> : detailText(field.name, field.type),
    })) : []),
  ];
  return (
    <>
      <dl class="summary-list">
        {rows.map((row) => (
          <div class="summary-row" key={row.key}>
            <dt>{row.label}</dt>
            <dd>{row.value}</dd>
            <dd class="summary-action">
              {row.step && <a href={change(row.step)} aria-label={t("common.changeWhat", { what: row.label })}>{t("common.change")}</a>}
            </dd>
          </div>
        ))}
      </dl>
      <p>{t("apply.check.declaration")}</p>
    </>
  );
}
