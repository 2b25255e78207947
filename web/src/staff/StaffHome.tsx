import { useLocation } from "preact-iso";
import { useEffect } from "preact/hooks";
import { useSignedIn } from "../lib/guard";
import { homeOf } from "./StaffPage";

/** /staff: each role's first section (the officer's queue, the clerk's counter, the admin's
 * rollout); a citizen who lands here goes to their own applications. */
export default function StaffHome() {
  const person = useSignedIn();
  const { route } = useLocation();
  useEffect(() => {
    if (person) route(person.role === "citizen" ? "/applications" : homeOf(person.role), true);
  }, [person]);
  return null;
}
