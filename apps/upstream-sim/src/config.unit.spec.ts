import { ConfigError } from '@freshet/config';
import { describe, expect, it } from 'vitest';
import { loadUpstreamSimConfig } from './config';
import { parseDatasetSpecs } from './dataset-specs';

describe('parseDatasetSpecs', () => {
  it('reads a comma list of name:count', () => {
    expect(parseDatasetSpecs('demo:120, orders:0 ,big-one_2:5000')).toEqual({
      ok: true,
      specs: [
        { name: 'demo', count: 120 },
        { name: 'orders', count: 0 },
        { name: 'big-one_2', count: 5000 },
      ],
    });
  });

  it('reports every bad entry', () => {
    const result = parseDatasetSpecs('demo,a.b:1,x:-1,y:2,y:3,z:99999999');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(5);
    expect(result.problems.join('\n')).toMatch(/"demo" is not name:count/);
    expect(result.problems.join('\n')).toMatch(/"y" is listed twice/);
  });
});

describe('loadUpstreamSimConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadUpstreamSimConfig({})).toMatchObject({
      PORT: 4010,
      SIM_SEED: 42,
      SIM_DATASETS: [{ name: 'demo', count: 120 }],
      SIM_PAGE_SIZE: 50,
      SIM_CACHE_MAX_AGE_SECONDS: 0,
      SIM_ERROR_LIMIT: 100,
      SIM_ERROR_WINDOW_SECONDS: 60,
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadUpstreamSimConfig({ SIM_SEED: '-1', SIM_DATASETS: 'demo', SIM_PAGE_SIZE: '0', SIM_ERROR_LIMIT: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'SIM_DATASETS',
      'SIM_ERROR_LIMIT',
      'SIM_PAGE_SIZE',
      'SIM_SEED',
    ]);
  });
});
