/**
 * The HTTP server's default limits, apart from the server: the tools' flag tables show them in
 * their help, which must not load node:http and the archive app to do it.
 * @module
 */

/**
 * Default limits against slow or greedy clients (README "Hardening / limits"). Generous for a
 * real client on a slow link; short enough that 1 000 idle sockets cannot pin the server.
 */
export const SERVER_LIMITS = {
  keepAliveMs: 65_000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
  socketTimeoutMs: 60_000,
  maxConnections: 1_000,
} as const;
