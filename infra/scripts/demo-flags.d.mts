/** Types of `demo-flags.mjs`, for the TypeScript pipeline in infra/demo/ and its tests. */
export interface DemoFlags {
  readonly help: boolean;
  /** Absolute path of the McAuley data to use instead of the synthetic catalogue. */
  readonly data: string | undefined;
  /** Synthetic catalogue size. */
  readonly products: number;
  readonly epochs: number;
  /** Explicit port; undefined means the default port, or a free one when it is busy. */
  readonly port: number | undefined;
  readonly fresh: boolean;
  readonly serve: boolean;
  /** Absolute state folder; undefined means `.cache/demo` with the bucket in `.wrangler/state`. */
  readonly state: string | undefined;
  readonly json: boolean;
}

export declare const DEFAULT_PRODUCTS: number;
export declare const DEFAULT_EPOCHS: number;
export declare const DEFAULT_PORT: number;
export declare const DEMO_USAGE: string;
export declare class DemoFlagError extends Error {}
export declare function parseDemoFlags(argv: string[], cwd: string): DemoFlags;
