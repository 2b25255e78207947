import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t, useLocale } from "../i18n";

/** One page: its question or title as the only h1, the document title, and focus moved to the
 * heading on arrival so that screen readers announce the new page. */
export function Page(props: { title: string; caption?: string; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useLocale();
  useEffect(() => {
    document.title = `${props.title} — ${t("app.name")}`;
  }, [props.title]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <>
      {props.caption && <span class="caption">{props.caption}</span>}
      <h1 ref={heading} tabIndex={-1}>
        {props.title}
      </h1>
      {props.children}
    </>
  );
}
