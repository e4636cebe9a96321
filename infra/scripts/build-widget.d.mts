/** Types of `build-widget.mjs`, for the tests that import it. */
export interface WidgetBundle {
  code: string;
  /** sha256 of `code`, 16 hex digits. */
  hash: string;
  bytes: number;
  gzipBytes: number;
}

export declare const WIDGET_ENTRY: string;
export declare const WIDGET_MODULE: string;
export declare function bundleWidget(): Promise<WidgetBundle>;
export declare function buildWidget(): Promise<WidgetBundle & { written: boolean; path: string }>;
