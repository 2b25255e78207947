import { Page } from "../components/Page";
import { t } from "../i18n";

export default function NotFound() {
  return (
    <Page title={t("error.notFoundTitle")}>
      <p>{t("error.notFoundBody")}</p>
      <p><a href="/">{t("nav.services")}</a></p>
    </Page>
  );
}
