// Sources as configuration: a YAML or JSON file listing source definitions, validated
// as a whole before anything is written. Errors name the file, the source's position and
// the path of the bad field, e.g. `sources.yaml: sources[1].connector.pagination.type: …`.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { sourceDefinitionSchema, watchedMinAgeRule, type SourceDefinition } from '@freshet/contracts';

export class SourcesFileError extends Error {
  readonly code = 'INVALID_SOURCES_FILE';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid sources file:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SourcesFileError';
  }
}

const sourcesFileSchema = z
  .object({ sources: z.array(sourceDefinitionSchema.superRefine(watchedMinAgeRule)).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.sources.forEach((s, index) => {
      const id = `${s.tenant}/${s.source}`;
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['sources', index, 'source'], message: `${id} is defined twice` });
      seen.add(id);
    });
  });

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, segment) => (typeof segment === 'number' ? `${out}[${segment}]` : out ? `${out}.${String(segment)}` : String(segment)), '');
}

export function parseSourcesDocument(file: string, text: string): SourceDefinition[] {
  let document: unknown;
  try {
    document = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SourcesFileError(file, [`not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`]);
  }
  const result = sourcesFileSchema.safeParse(document);
  if (!result.success) throw new SourcesFileError(file, result.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`));
  return result.data.sources;
}

export async function readSourcesFile(file: string): Promise<SourceDefinition[]> {
  return parseSourcesDocument(file, await readFile(file, 'utf8'));
}
