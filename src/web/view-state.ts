/**
 * The page's observable state (`window.esmondView`), shared by the browser code that fills it
 * and the tests and bench that read it. Pure types.
 * @module
 */

/** The page's observable state. */
export interface ViewState {
  /** Set when the archive (or this page's server) could not be read. */
  error: string | null;
  grid: {
    rendered: boolean;
    hosts: number;
    cells: number;
    /** ms from navigation start until the mesh summary was loaded and decoded. */
    loadedAtMs: number | null;
    /** ms from navigation start until the grid was painted (the frame after it went in). */
    paintedAtMs: number | null;
  };
  pair: {
    loading: boolean;
    source: string | null;
    destination: string | null;
    range: { start: number; end: number; label: string } | null;
    /** Series name (`A > B throughput`) → points drawn. */
    points: Record<string, number>;
    /** Summary window used per chart name (0 = raw results; -1 = the traceroute's route changes). */
    windows: Record<string, number>;
    /** Direction (`A > B`) → traceroutes the route changes were made from. */
    traces: Record<string, number>;
    paintedAtMs: number | null;
  };
}
