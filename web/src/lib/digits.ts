// Phones with an Arabic keyboard type Arabic-Indic (٠-٩) or Eastern Arabic-Indic (۰-۹) digits
// and the Arabic decimal separator (٫). Every numeric input goes through here before sending.
const ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩";
const EASTERN_ARABIC_INDIC = "۰۱۲۳۴۵۶۷۸۹";

/** ASCII digits for Arabic-Indic ones; ٫ becomes "." and thousands separators go; trimmed. */
export function normaliseDigits(text: string): string {
  let out = "";
  for (const char of text) {
    const arabic = ARABIC_INDIC.indexOf(char);
    const eastern = EASTERN_ARABIC_INDIC.indexOf(char);
    if (arabic >= 0) out += String(arabic);
    else if (eastern >= 0) out += String(eastern);
    else if (char === "\u066B") out += "."; // ARABIC DECIMAL SEPARATOR
    else if (char === "\u066C") continue; // ARABIC THOUSANDS SEPARATOR
    else out += char;
  }
  return out.trim();
}

/** A finite number from what was typed (any digits; "," or "٫" as decimal point), else null. */
export function parseDecimal(text: string): number | null {
  const cleaned = normaliseDigits(text).replace(/\s+/g, "").replace(/,/g, ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : null;
}

/** A whole number from what was typed, else null. */
export function parseWhole(text: string): number | null {
  const cleaned = normaliseDigits(text).replace(/\s+/g, "");
  return /^[-+]?\d+$/.test(cleaned) ? Number(cleaned) : null;
}
