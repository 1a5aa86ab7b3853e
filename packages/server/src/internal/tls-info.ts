import { X509Certificate } from "node:crypto";
import type { Socket } from "node:net";
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { TlsExtension } from "@sluice/core";

const TLS_VERSIONS: Readonly<Record<string, number>> = {
  TLSv1: 0x0301,
  "TLSv1.1": 0x0302,
  "TLSv1.2": 0x0303,
  "TLSv1.3": 0x0304,
};

// IANA numbers of the cipher suites OpenSSL negotiates by default (RFC 8446, RFC 5289, RFC 7905).
const CIPHER_SUITES: Readonly<Record<string, number>> = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
  TLS_AES_128_CCM_SHA256: 0x1304,
  TLS_AES_128_CCM_8_SHA256: 0x1305,
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca8,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
  TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: 0x009e,
  TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: 0x009f,
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 0xc027,
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384: 0xc028,
};

/** The parts of a `TLSSocket` read here. */
type TlsDetails = Pick<TLSSocket, "getPeerCertificate" | "getProtocol" | "getCipher" | "authorizationError">;

const cache = new WeakMap<Socket, TlsExtension>();

/**
 * The `tls` scope extension for a TLS connection, computed once per connection.
 *
 * @param serverCertPem the server certificate (PEM) as configured
 */
export function tlsExtensionFor(socket: Socket, serverCertPem: string | null): TlsExtension {
  let info = cache.get(socket);
  if (info === undefined) {
    info = Object.freeze(computeTlsExtension(socket as Socket & TlsDetails, serverCertPem));
    cache.set(socket, info);
  }
  return info;
}

function computeTlsExtension(socket: TlsDetails, serverCertPem: string | null): TlsExtension {
  const peer = socket.getPeerCertificate(true) as PeerCertificate | Record<string, never>;
  const chain: string[] = [];
  let name: string | null = null;
  if ("raw" in peer && Buffer.isBuffer(peer.raw)) {
    name = rfc4514Name(new X509Certificate(peer.raw).subject);
    let current: PeerCertificate | undefined = peer as PeerCertificate;
    const seen = new Set<PeerCertificate>();
    while (current !== undefined && !seen.has(current) && Buffer.isBuffer(current.raw)) {
      seen.add(current);
      chain.push(toPem(current.raw));
      const issuer: PeerCertificate | undefined = (current as { issuerCertificate?: PeerCertificate }).issuerCertificate;
      current = issuer === current ? undefined : issuer;
    }
  }
  const authError = socket.authorizationError as Error | string | null | undefined;
  const protocol = socket.getProtocol();
  const cipher = socket.getCipher() as { standardName?: string; name: string } | undefined;
  return {
    server_cert: serverCertPem,
    client_cert_chain: chain,
    client_cert_name: name,
    client_cert_error: chain.length === 0 || authError === null || authError === undefined ? null : String(authError),
    tls_version: protocol === null ? null : (TLS_VERSIONS[protocol] ?? null),
    cipher_suite: cipher === undefined ? null : (CIPHER_SUITES[cipher.standardName ?? cipher.name] ?? null),
  };
}

function toPem(der: Buffer): string {
  const base64 = der.toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE-----\n${base64}${base64.endsWith("\n") ? "" : "\n"}-----END CERTIFICATE-----\n`;
}

/** Node prints subjects as `C=US\nO=Org\nCN=name` (most significant first); RFC 4514 reverses and comma-joins. */
function rfc4514Name(subject: string): string | null {
  const parts = subject.split("\n").filter((part) => part !== "");
  if (parts.length === 0) return null;
  return parts
    .reverse()
    .map((part) => {
      const equals = part.indexOf("=");
      const value = part.slice(equals + 1).replace(/([,+"\\<>;])/g, "\\$1");
      return `${part.slice(0, equals)}=${value}`;
    })
    .join(",");
}
