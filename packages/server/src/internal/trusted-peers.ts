import { BlockList, isIP } from "node:net";
import { InvalidServerOption } from "../errors.js";

/**
 * The set of peers whose proxy headers are believed (`--forwarded-allow-ips`): IPv4/IPv6
 * addresses, CIDR ranges, `*` for everyone, and literal names (e.g. a unix socket path or
 * `"unix:"`) compared verbatim.
 */
export class TrustedPeers {
  readonly everyone: boolean;
  private readonly ranges = new BlockList();
  private readonly literals = new Set<string>();

  /** @param entries the trusted entries; throws `InvalidServerOption` for a malformed CIDR */
  constructor(entries: readonly string[]) {
    let everyone = false;
    for (const raw of entries) {
      const entry = raw.trim();
      if (entry === "") continue;
      if (entry === "*") {
        everyone = true;
        continue;
      }
      const slash = entry.indexOf("/");
      if (slash > 0 && isIP(entry.slice(0, slash)) !== 0) {
        const base = entry.slice(0, slash);
        const family = isIP(base) === 4 ? "ipv4" : "ipv6";
        const prefixText = entry.slice(slash + 1);
        const prefix = Number(prefixText);
        const max = family === "ipv4" ? 32 : 128;
        if (!/^\d+$/.test(prefixText) || prefix > max) {
          throw new InvalidServerOption("forwardedAllowIps", `entry "${entry}" must be a CIDR with a prefix length from 0 to ${max}`, raw);
        }
        this.ranges.addSubnet(base, prefix, family);
      } else if (isIP(entry) !== 0) {
        this.ranges.addAddress(entry, isIP(entry) === 4 ? "ipv4" : "ipv6");
        this.literals.add(entry);
      } else {
        this.literals.add(entry);
      }
    }
    this.everyone = everyone;
  }

  /** Whether proxy headers from `peer` (an IP, a unix socket path, or undefined) are believed. */
  trusts(peer: string | undefined): boolean {
    if (this.everyone) return true;
    if (peer === undefined) return false;
    if (this.literals.has(peer)) return true;
    const family = isIP(peer);
    if (family === 4) return this.ranges.check(peer, "ipv4");
    if (family === 6) {
      if (peer.startsWith("::ffff:") && isIP(peer.slice(7)) === 4) return this.ranges.check(peer.slice(7), "ipv4");
      return this.ranges.check(peer, "ipv6");
    }
    return false;
  }
}

/**
 * Splits a comma-separated `--forwarded-allow-ips` value (or list) into entries.
 *
 * @example
 * ```ts
 * trustedEntries("127.0.0.1, 10.0.0.0/8"); // ["127.0.0.1", "10.0.0.0/8"]
 * ```
 */
export function trustedEntries(value: string | readonly string[]): string[] {
  const list = typeof value === "string" ? [value] : value;
  return list.flatMap((item) => item.split(",")).map((item) => item.trim()).filter((item) => item !== "");
}
