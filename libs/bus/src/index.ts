// @freshet/bus: the NATS connection, idempotent stream and consumer provisioning, and
// typed, validated publish/consume for Freshet's contracts. The only public entry.
export { connectBus, closeBus, type ConnectBusOptions } from './connect-bus';
export {
  busTopology,
  MIN_DUPLICATE_WINDOW_MS,
  COMMANDS_DUPLICATE_WINDOW_MS,
  MAX_STREAM_REPLICAS,
  type BusTopology,
  type BusTopologyOptions,
  type BusStreamConfig,
} from './bus-topology';
export { ensureStreams, type EnsureStreamsResult } from './ensure-streams';
export { ensureStreamReplicas, replicasRefusal } from './stream-replicas';
export { ensureDurableConsumer, type DurableConsumerOptions, type EnsureConsumerOutcome } from './ensure-durable-consumer';
export { publishEvent } from './publish-event';
export { publishSyncCommand } from './publish-sync-command';
export type { PublishResult } from './publish-message';
export {
  consumeDurable,
  type ConsumeDurableOptions,
  type DurableHandler,
  type DurableMessageContext,
  type HandlerResult,
} from './consume-durable';
export {
  consumeByPriority,
  DEFERRED_MESSAGES_METRIC,
  DEFERRALS_PER_TIER_PER_SWEEP,
  PRIORITY_CONSUMER_DEFAULTS,
  type ConsumeByPriorityOptions,
  type PriorityHandler,
  type PriorityMessageContext,
  type PriorityTierConsumer,
} from './consume-by-priority';
export {
  ensurePriorityConsumers,
  retireDurableConsumer,
  type PriorityConsumersOptions,
  type RetireConsumerOutcome,
} from './priority-consumers';
export { consumeOrdered, type ConsumeOrderedOptions, type OrderedMessageMeta } from './consume-ordered';
export type { ConsumerHandle } from './consume-loop';
export { API_CODES, isApiError } from './jetstream-api-errors';
export { streamLastSequence, streamState } from './stream-last-sequence';
export type { MessageHeaders } from './message-headers';
export { traceContextFromHeaders, contextOfTraceFields, traceFieldsOf, inTrace } from './trace-context';
export { BUS_TRACER_NAME, MESSAGING, BUS_ATTRIBUTES } from './bus-tracing';
export { nakDelayMs, NAK_BASE_DELAY_MS, NAK_MAX_DELAY_MS } from './nak-backoff';
export { INVALID_MESSAGES_METRIC, BUS_METER_NAME } from './bus-metrics';
export { MESSAGING_METRICS, recordBusOperation, errorTypeOf } from './messaging-metrics';
export { observeConsumerLag, CONSUMER_PENDING_METRIC, CONSUMER_ACK_PENDING_METRIC, type ConsumerLagOptions, type ConsumerLagObserver } from './consumer-lag';
export {
  BusError,
  BusConnectError,
  InvalidTopologyError,
  StreamConfigConflictError,
  StreamSubjectOverlapError,
  StreamReplicasUnavailableError,
  ConsumerConfigConflictError,
  InvalidConsumerOptionsError,
  InvalidOutgoingMessageError,
  PublishFailedError,
  BusStreamNotFoundError,
  BusConsumerNotFoundError,
  StreamHistoryGoneError,
  ConsumerLoopError,
  ProvisioningFailedError,
  type ConfigDifference,
} from './errors';
export { respondJson, type RpcAnswer } from './respond-json';
export { requestJson, RpcBadReplyError, RpcUnavailableError } from './request-json';
export { topologyFromConfig, type BusSettings } from './topology-from-config';
export { epochOf, readStreamBounds, type StreamBounds } from './stream-epoch';
