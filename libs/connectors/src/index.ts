export { ConnectorError, InvalidUpstreamPageError, UpstreamHttpError, UpstreamUnavailableError } from './connector-errors';
export { canonicalJson, contentHash } from './content-hash';
export { diffRecords, type FetchedRecord, type RecordDiff } from './record-diff';
export { fetchPagedList, recordsFromPage, type FetchListOptions, type FetchListResult } from './paged-http-list';
