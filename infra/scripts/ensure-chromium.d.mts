/** Types of `ensure-chromium.mjs`, for the tests that import it. */
export declare const DEBIAN_CHROMIUM: string;

export declare function ensureChromium(options?: { install?: boolean; log?: (line: string) => void }): { path: string | null; message: string };
