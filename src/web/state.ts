/**
 * What the page shows, exposed as `window.esmondView` so tests (and curious users) can check what
 * was drawn without reading pixels.
 * @module
 */
import type { ViewState } from './view-state.js';

declare global {
  interface Window {
    esmondView?: ViewState;
  }
}

/** The single state object (created on first use). */
export function viewState(): ViewState {
  window.esmondView ??= {
    error: null,
    grid: { rendered: false, hosts: 0, cells: 0, loadedAtMs: null, paintedAtMs: null },
    pair: {
      loading: false,
      source: null,
      destination: null,
      range: null,
      points: {},
      windows: {},
      traces: {},
      paintedAtMs: null,
    },
  };
  return window.esmondView;
}

/** Resolves once the next frame has been laid out and painted (what "first paint" measures). */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      setTimeout(resolve, 0);
    });
  });
}
