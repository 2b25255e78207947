import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useSession, type Session } from "./session";

/** The signed-in person, or a trip to the sign-in page that comes back here afterwards. */
export function useSignedIn(): Session | null {
  const person = useSession();
  const { route, url, path } = useLocation();
  useEffect(() => {
    // The page stays mounted while the sign-in page loads (a lazy route): not sent on from there.
    if (!person && path !== "/sign-in") route(`/sign-in?next=${encodeURIComponent(url)}`, true);
  }, [person, url]);
  return person;
}
