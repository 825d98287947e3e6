export { ConfigError, type ConfigProblem } from './config-error';
export { loadConfig } from './load-config';
export { httpEnv, natsEnv, portEnv, postgresEnv, redisEnv } from './env-fragments';
