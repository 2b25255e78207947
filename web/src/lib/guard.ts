import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { useSession, type Session } from "./session";

/** The signed-in person, or a trip to the sign-in page that comes back here afterwards. */
export function useSignedIn(): Session | null {
  const person = useSession();
  const { route, url } = useLocation();
  useEffect(() => {
    if (!person) route(`/sign-in?next=${encodeURIComponent(url)}`, true);
  }, [person, url]);
  return person;
}
