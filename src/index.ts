/**
 * Tollgate's public library API. Everything a program needs to embed the gateway, build its own
 * pipeline from the same parts, or read the ledger, by explicit name.
 */
export { createGateway, type Gateway, type GatewayOptions } from './sdk/create-gateway.js';
export { startGateway, type RunningGateway, type StartGatewayOptions } from './sdk/start-gateway.js';
export { loadConfigFile, parseConfig } from './config/load-config.js';
export { ConfigError, type ConfigIssue } from './config/config-error.js';
export type { TollgateConfig, ProviderConfig, ModelConfig, DeploymentConfig, PriceOverride } from './config/tollgate-config.js';

export type { ModelCall, ModelRequest, ModelResponse, ModelStream, Deployment } from './core/model-call.js';
export type { StreamPart, FinishReason } from './core/stream-part.js';
export type { Usage, MeasuredUsage } from './core/usage.js';
export { TollgateError, errorCodes, type ErrorCode } from './core/errors.js';
export { formatUsd, formatUsdShort, NANOS_PER_USD, type Nanos } from './core/money.js';
export type { ModelPrice, CostCalculator, CostResult } from './core/price.js';
export type { LedgerEntry, LedgerStatus } from './core/ledger-entry.js';
export type { LedgerEvent, LedgerEventDetail } from './core/ledger-event.js';
export type { RequestContext, RequestTags } from './core/request-context.js';
export { systemClock, type Clock } from './core/clock.js';

export { createCostCalculator } from './pricing/cost-calculator.js';
export { providerDefinitions } from './providers/registry.js';
export type { ProviderDefinition } from './providers/provider-definition.js';
export { openAICompatiblePreset } from './providers/openai-compatible/openai-compatible-preset.js';
export { createOpenAICompatibleAdapter } from './providers/openai-compatible/openai-compatible-adapter.js';
export { composeStages } from './pipeline/compose.js';
export type { Stage } from './pipeline/stage.js';

export type { LedgerStore, LedgerEventQuery, LedgerReport, ReportQuery } from './stores/ledger-store.js';
export { createMemoryLedgerStore } from './stores/memory/memory-ledger-store.js';
export { openSqliteLedgerStore } from './stores/sqlite/sqlite-ledger-store.js';
export { createLedgerWriter, type LedgerWriter } from './stores/ledger-writer.js';
