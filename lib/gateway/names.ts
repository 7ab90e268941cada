/** One DNS-1123 label. */
export const DNS_LABEL_PATTERN = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
/** A lower-case DNS name (also what object names, listener names and GatewayClass names are). */
export const HOSTNAME = new RegExp(`^${DNS_LABEL_PATTERN}(\\.${DNS_LABEL_PATTERN})*$`);
/** A wildcard host, `*.` and a DNS name. */
export const WILDCARD_HOSTNAME = new RegExp(`^\\*(\\.${DNS_LABEL_PATTERN})+$`);
/** An object name (DNS-1123 subdomain). */
export const NAME = HOSTNAME;

/** Whether `host` is a DNS name or a wildcard one, at most 253 characters, and no IPv4 address. */
export function validHostname(host: string): boolean {
  return host.length <= 253 && (HOSTNAME.test(host) || WILDCARD_HOSTNAME.test(host)) && !/^\d+(\.\d+){3}$/.test(host);
}

/** Whether a route hostname is served by a listener hostname: equal, or under a wildcard (a suffix match in Gateway API). */
export function hostnameCovered(listener: string, route: string): boolean {
  if (listener === route) return true;
  if (!listener.startsWith('*.')) return false;
  const suffix = listener.slice(1);
  return route.endsWith(suffix) && route.length > suffix.length && !route.startsWith('*');
}
