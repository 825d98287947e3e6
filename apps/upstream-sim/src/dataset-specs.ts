// Parses SIM_DATASETS ("demo:120,orders:5000") into the datasets seeded at start.
import { DATASET_NAME_PATTERN, DATASET_NAME_RULE, LIMITS } from './constants';

export interface DatasetSpec {
  name: string;
  count: number;
}

export type DatasetSpecsResult = { ok: true; specs: DatasetSpec[] } | { ok: false; problems: string[] };

export function parseDatasetSpecs(text: string): DatasetSpecsResult {
  const specs: DatasetSpec[] = [];
  const problems: string[] = [];
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const match = /^([^:]+):([0-9]+)$/.exec(entry);
    const name = match?.[1]?.trim();
    const count = Number(match?.[2]);
    if (!match || name === undefined) {
      problems.push(`${JSON.stringify(entry)} is not name:count`);
    } else if (!DATASET_NAME_PATTERN.test(name)) {
      problems.push(`dataset name ${JSON.stringify(name)} must be ${DATASET_NAME_RULE}`);
    } else if (count > LIMITS.maxSeedCount) {
      problems.push(`count for ${JSON.stringify(name)} must be at most ${LIMITS.maxSeedCount}`);
    } else if (specs.some((spec) => spec.name === name)) {
      problems.push(`dataset ${JSON.stringify(name)} is listed twice`);
    } else {
      specs.push({ name, count });
    }
  }
  return problems.length === 0 ? { ok: true, specs } : { ok: false, problems };
}
