import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where Parley may send a webhook. In production only globally routable
 * unicast addresses: loopback, private, link-local, carrier-grade NAT,
 * multicast, reserved and the IPv6 translation ranges are all refused
 * (ipaddr.js names every special-purpose range; we allow only "unicast").
 * IPv4 written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 it is.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // process(): an IPv4-mapped IPv6 address comes back as its IPv4.
  return ipaddr.process(address).range() === 'unicast';
}

export class RefusedAddressError extends Error {
  constructor(readonly host: string) {
    super(`${host} resolves to an address webhooks may not reach (loopback, private or link-local)`);
    this.name = 'RefusedAddressError';
  }
}

/** How a webhook URL's host becomes addresses; swapped in tests. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/** `[::1]` in a URL is `::1` to the resolver. */
const bareHost = (hostname: string) => (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname);

/**
 * The policy for one deployment: `strict` (production) refuses any host that
 * resolves to a non-public address, both when a webhook is registered and
 * when it is delivered; otherwise everything is allowed (tests and
 * development post to local receivers).
 */
export class AddressGuard {
  constructor(
    readonly strict: boolean,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  /** The host's addresses, every one checked; throws RefusedAddressError when any is refused. */
  async check(hostname: string): Promise<LookupAddress[]> {
    const host = bareHost(hostname);
    const family = isIP(host);
    const addresses = family ? [{ address: host, family }] : await this.resolve(host);
    if (!addresses.length) throw new RefusedAddressError(host);
    if (this.strict && addresses.some((a) => !isPublicAddress(a.address))) throw new RefusedAddressError(host);
    return addresses;
  }

  /**
   * A `lookup` for http(s).request: the socket connects to exactly the
   * address this guard checked, so a name that resolves differently a moment
   * later (DNS rebinding) cannot slip past. IP-literal hosts never reach a
   * lookup: callers check them with `check` first.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.check(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (!wanted.length) return callback(new RefusedAddressError(hostname), '', 0);
        if (options.all) (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
