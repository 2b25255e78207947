// One reading of what went wrong, for every page: the API's error body (bilingual message and
// the fields at fault), or no answer at all.
import { locale, t } from "../i18n";

export interface Problem {
  status: number; // 0 when the service could not be reached
  code: string;
  message: string;
  fields: Record<string, string>;
}

interface ErrorBody {
  error?: { code?: string; message_ar?: string; message_en?: string; fields?: Record<string, string> };
}

/** The API writes a field's message as "Arabic / English" (or the other way round): the half in
 * the current language, or the whole text when it is not such a pair. */
export function inLanguage(message: string): string {
  const halves = message.split(" / ");
  if (halves.length !== 2) return message;
  const arabicFirst = /[\u0600-\u06FF]/.test(halves[0]);
  const [ar, en] = arabicFirst ? halves : [halves[1], halves[0]];
  return (locale() === "ar" ? ar : en).trim();
}

export function problemOf(body: unknown, response?: Response): Problem {
  const error = (body as ErrorBody | undefined)?.error;
  const fields: Record<string, string> = {};
  for (const [path, message] of Object.entries(error?.fields ?? {})) fields[path] = inLanguage(message);
  return {
    status: response?.status ?? 0,
    code: error?.code ?? "unknown",
    message: (locale() === "ar" ? error?.message_ar : error?.message_en) ?? t("error.network"),
    fields,
  };
}

export const networkProblem = (): Problem => ({
  status: 0, code: "network", message: t("error.network"), fields: {},
});

/** Run one API call; a thrown fetch (offline, reset) becomes a network problem. */
export async function call<T>(
  request: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: T; problem?: undefined } | { data?: undefined; problem: Problem }> {
  try {
    const { data, error, response } = await request();
    if (error !== undefined || !response.ok) return { problem: problemOf(error, response) };
    return { data: data as T };
  } catch {
    return { problem: networkProblem() };
  }
}
