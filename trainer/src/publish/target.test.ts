import { describe, expect, it } from 'vitest';
import { errorCode } from '../../../test/helpers/fixtures.ts';
import { DEFAULT_LOCAL_BUCKET, DEFAULT_PERSIST_TO, parseTarget } from './target.ts';

describe('parseTarget', () => {
  it('reads s3:// targets with endpoint and region defaults from the environment', () => {
    expect(parseTarget('s3://models/graphrec/prod', {}, {})).toEqual({ kind: 's3', bucket: 'models', prefix: 'graphrec/prod', endpoint: undefined, region: 'auto' });
    expect(parseTarget('s3://models', {}, { GRAPHREC_S3_ENDPOINT: 'http://127.0.0.1:4568', AWS_REGION: 'eu-west-1' })).toMatchObject({ prefix: '', endpoint: 'http://127.0.0.1:4568', region: 'eu-west-1' });
    expect(parseTarget('s3://models', { endpoint: 'http://x', region: 'r' }, { GRAPHREC_S3_ENDPOINT: 'http://y' })).toMatchObject({ endpoint: 'http://x', region: 'r' });
  });

  it('reads local targets with the wrangler defaults', () => {
    expect(parseTarget('local', {}, {})).toEqual({ kind: 'local', bucket: DEFAULT_LOCAL_BUCKET, prefix: '', persistTo: DEFAULT_PERSIST_TO });
    expect(parseTarget('local:dev-bucket/p', { persistTo: '/tmp/state' }, {})).toEqual({ kind: 'local', bucket: 'dev-bucket', prefix: 'p', persistTo: '/tmp/state' });
    expect(DEFAULT_PERSIST_TO).toMatch(/\/\.wrangler\/state$/);
  });

  it('refuses other forms and misplaced flags', () => {
    for (const [to, flags] of [[undefined, {}], ['ftp://x', {}], ['s3://B', {}], ['local:Bad_Name', {}], ['local', { endpoint: 'http://x' }], ['s3://models', { persistTo: 'x' }]] as const) {
      expect(errorCode(() => parseTarget(to, flags, {})), String(to)).toBe('publish/bad-target');
    }
  });
});
