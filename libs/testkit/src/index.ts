export { testNames, uniqueId, type TestNames } from './unique-names';
export { TEST_DATABASE_URL, TEST_NATS_URL, TEST_REDIS_URL } from './test-servers';
export { createSchema, dropSchema } from './postgres-schema';
export { deleteStreams } from './nats-streams';
export { waitFor } from './wait-for';
export { openSse, type SseConnection, type SseEvent } from './sse-client';
export { readComposeFile, composeServiceEnv, type ComposeFile, type ComposeService } from './compose-file';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export { startOtlpReceiver, flattenOtlpRequest, OTLP_SPAN_KIND, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
