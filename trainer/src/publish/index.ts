/**
 * @module
 * Versioned publishing of export folders to S3, R2 or the local R2 bucket of
 * `wrangler dev`: upload with verification, `CURRENT` last, rollback, retention.
 */
export { publishExport, uploadVersion, type PublishOptions, type PublishResult, type UploadResult } from './publish.ts';
export { rollback, type RollbackResult } from './rollback.ts';
export { DEFAULT_KEEP, pruneVersions, type PruneResult } from './retention.ts';
export { listVersions, readCurrent, type ModelLocation, type VersionSummary } from './versions.ts';
export { readLocalExport, type LocalExport } from './local-export.ts';
export { bytesBody, DEFAULT_MULTIPART_THRESHOLD, fileBody, type ConditionalPut, type ObjectInfo, type ObjectStore, type PutBody, type PutOptions } from './object-store.ts';
export { openS3Store, type S3StoreOptions } from './s3-store.ts';
export { openLocalR2Store, type LocalR2StoreOptions } from './local-r2-store.ts';
export { DEFAULT_LOCAL_BUCKET, DEFAULT_PERSIST_TO, describeTarget, openTarget, parseTarget, type Target, type TargetFlags } from './target.ts';
export { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';
