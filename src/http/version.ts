/**
 * The package version, for the `User-Agent` header. A test keeps it equal to package.json's.
 * @module
 */

/** This package's version. */
export const VERSION = '0.1.0';

/** Default `User-Agent`: `esmond-client/<version>`. */
export const DEFAULT_USER_AGENT = `esmond-client/${VERSION}`;
