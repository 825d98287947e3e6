// Every test run on the shared servers gets its own names: a subject prefix, stream
// names, a Postgres schema and a Redis key prefix, so concurrent runs never collide.
import { randomBytes } from 'node:crypto';

export interface TestNames {
  id: string;
  subjectPrefix: string;
  eventsStream: string;
  commandsStream: string;
  databaseSchema: string;
  redisKeyPrefix: string;
}

export function uniqueId(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

export function testNames(label = 't'): TestNames {
  const id = `${label}${uniqueId()}`.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return {
    id,
    subjectPrefix: `ft_${id}`,
    eventsStream: `FT_${id.toUpperCase()}_EVENTS`,
    commandsStream: `FT_${id.toUpperCase()}_COMMANDS`,
    databaseSchema: `ft_${id}`,
    redisKeyPrefix: `ft:${id}:`,
  };
}
