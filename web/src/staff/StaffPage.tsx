import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";
import { Page } from "../components/Page";
import { pick, useLocale } from "../i18n";
import { loadCatalogue } from "../lib/catalogue";
import { useSignedIn } from "../lib/guard";
import type { Session } from "../lib/session";
import { useLoad } from "../lib/useLoad";
import { ts, type StaffKey } from "./i18n";
import "./staff.css";

export type StaffRole = Exclude<Session["role"], "citizen">;

/** Each role's sections of the console, in the order its staff use them. */
const SECTIONS: Record<StaffRole, { href: string; label: StaffKey }[]> = {
  officer: [
    { href: "/staff/queue", label: "staff.nav.queue" },
    { href: "/staff/licences", label: "staff.nav.licences" },
    { href: "/staff/violations", label: "staff.nav.violations" },
  ],
  clerk: [
    { href: "/staff/counter", label: "staff.nav.counter" },
    { href: "/staff/counter/drawer", label: "staff.nav.drawer" },
  ],
  admin: [
    { href: "/staff/admin/rollout", label: "staff.nav.rollout" },
    { href: "/staff/admin/reports", label: "staff.nav.reports" },
    { href: "/staff/admin/finance", label: "staff.nav.finance" },
  ],
};

export function homeOf(role: StaffRole): string {
  return SECTIONS[role][0].href;
}

function isStaff(person: Session): person is Session & { role: StaffRole } {
  return person.role !== "citizen";
}

/** Who is signed in, and the sections their role may open (the API still decides each call). */
function StaffNav(props: { person: Session & { role: StaffRole } }) {
  const { path } = useLocation();
  const catalogue = useLoad(loadCatalogue, []);
  const district = catalogue.data?.districts.find((d) => d.code === props.person.district);
  const role = ts(`staff.role.${props.person.role}` as StaffKey);
  return (
    <nav class="staff-nav" aria-label={ts("staff.nav.label")}>
      <p class="staff-who">
        {props.person.role === "admin" || !props.person.district
          ? ts("staff.signedInAsAdmin", { role })
          : ts("staff.signedInAs", { role, district: district ? pick(district.name_ar, district.name_en) : props.person.district })}
      </p>
      <ul>
        {SECTIONS[props.person.role].map((section) => (
          <li key={section.href}>
            <a href={section.href} aria-current={path === section.href ? "page" : undefined}>{ts(section.label)}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A page of the staff console: for the given roles only. Anyone signed out is sent to the
 * sign-in page (and back); a citizen or another role is told so, not shown an empty screen. */
export function StaffPage(props: { title: string; roles: StaffRole[]; caption?: string;
  children: (person: Session & { role: StaffRole }) => ComponentChildren }) {
  useLocale();
  const person = useSignedIn();
  if (!person) return null;
  if (!isStaff(person) || !props.roles.includes(person.role)) {
    return (
      <Page title={isStaff(person) ? ts("staff.notYours.title") : ts("staff.needSignIn.title")}>
        <p>{isStaff(person) ? ts("staff.notYours.body") : ts("staff.needSignIn.body")}</p>
        <a class="button" href={isStaff(person) ? homeOf(person.role) : "/sign-in?next=/staff"}>
          {isStaff(person) ? ts("staff.home") : ts("staff.needSignIn.action")}
        </a>
      </Page>
    );
  }
  return (
    <div class="staff">
      <StaffNav person={person} />
      <div class="staff-body">
        <Page title={props.title} caption={props.caption ?? ts("staff.console")}>
          {props.children(person)}
        </Page>
      </div>
    </div>
  );
}
