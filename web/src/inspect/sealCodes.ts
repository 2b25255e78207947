// The seal's one-byte codes (docs/seal-token.md, "Code tables"): append-only data, a code never
// changes meaning. tests/unit/test_inspector_codes.py checks this table against chalicelib/data.
export const DISTRICT_CODES: readonly string[] = [
  "EAST", "CENTRAL", "GOMROK", "MONTAZA1", "BORG", "MONTAZA2", "WEST", "AGAMY", "AMREYA1", "AMREYA2",
];
export const KIND_CODES: readonly string[] = [
  "shop", "occupancy", "advertisement", "building", "demolition", "restoration",
  "kiosk", "elevator", "excavation", "site_validity", "utility_connection",
  "occupancy_certificate", "planning_conditions", "restoration_completion", "licence_statement",
];
