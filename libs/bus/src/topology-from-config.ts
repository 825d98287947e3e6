// The bus topology every service provisions, from the shared NATS settings of its config
// (libs/config's natsEnv), so the mapping is written once.
import { busTopology, type BusTopology } from './bus-topology';

export interface BusSettings {
  FRESHET_SUBJECT_PREFIX: string;
  FRESHET_EVENTS_STREAM: string;
  FRESHET_COMMANDS_STREAM: string;
  FRESHET_EVENTS_MAX_AGE_HOURS: number;
  /** natsEnv always sets it (default 1); optional for settings written by hand (tests). */
  FRESHET_STREAM_REPLICAS?: number;
}

export function topologyFromConfig(config: BusSettings): BusTopology {
  return busTopology({
    prefix: config.FRESHET_SUBJECT_PREFIX,
    eventsStream: config.FRESHET_EVENTS_STREAM,
    commandsStream: config.FRESHET_COMMANDS_STREAM,
    eventsMaxAgeMs: config.FRESHET_EVENTS_MAX_AGE_HOURS * 3_600_000,
    replicas: config.FRESHET_STREAM_REPLICAS ?? 1,
  });
}
