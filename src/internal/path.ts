/**
 * One path segment from a caller's id. Everything but unreserved characters is escaped, so
 * `a/b?c#d e` stays one segment; the dots of `.` and `..` are escaped too, so that a server
 * never resolves the id as a step in the path.
 */
export function segment(id: string): string {
  return /^\.{1,2}$/.test(id) ? id.replace(/\./g, '%2E') : encodeURIComponent(id);
}
