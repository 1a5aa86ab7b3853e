/**
 * The `tls` scope extension (`scope.extensions.tls`), present on connections made over TLS.
 * Certificates are PEM strings.
 *
 * @example
 * ```ts
 * const tls = scope.extensions?.tls;
 * if (tls?.client_cert_name) console.log("client is", tls.client_cert_name);
 * ```
 */
export interface TlsExtension {
  /** The server certificate in PEM, or `null` when unavailable. */
  server_cert: string | null;
  /** The client's certificate chain in PEM, leaf first; empty when the client sent none. */
  client_cert_chain: string[];
  /** The client certificate subject as an RFC 4514 distinguished name, or `null`. */
  client_cert_name: string | null;
  /** Why the client certificate failed verification, or `null` when it passed or none was sent. */
  client_cert_error: string | null;
  /** The TLS version as its IANA number (`0x0304` for TLS 1.3), or `null` when unknown. */
  tls_version: number | null;
  /** The cipher suite as its IANA 16-bit number, or `null` when unknown. */
  cipher_suite: number | null;
}
