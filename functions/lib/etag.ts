/**
 * ETag and If-Match for versioned resources (api-contract "Conventions"): a resource's ETag is its
 * version, `"v<n>"`. The routes render and parse them; use cases see only versions.
 */

/** The ETag of an application (or any record with a version). */
export function etagOf(app: { version: number }): string {
  return `"v${app.version}"`;
}

/** A campaign's ETag: a campaign stored before campaigns had versions is version 0. */
export function campaignEtag(c: { version?: number }): string {
  return `"v${c.version ?? 0}"`;
}

/** Parses an If-Match header (`"v3"`, `W/"v3"`) to a version, or undefined when it names none. */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  const m = header?.trim().match(/^(?:W\/)?"v(\d{1,9})"$/);
  return m ? Number(m[1]) : undefined;
}
