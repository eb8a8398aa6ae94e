/**
 * The provider simulator: an upstream for tests, demos and benchmarks that speaks OpenAI chat
 * completions, Anthropic Messages and Google Gemini.
 */
export {
  createProviderSimulator,
  type ListeningAddress,
  type ProviderSimulator,
  type ProviderSimulatorOptions,
  type SimulatorStats,
} from './provider-simulator.js';
export {
  createModelResolver,
  defaultSimulatorModels,
  type SimulatorApi,
  type SimulatorModelProfile,
  type SimulatorModelTable,
  type SimulatorThinking,
} from './simulator-models.js';
export { parseFaultHeader, parseFaultRules, type FaultRule, type SimulatedFault } from './fault-schedule.js';
export { faultHeaderName } from './apply-fault.js';
export { simulatorFingerprint } from './chat-completion-body.js';
export { simulatorHeaderName, simulatorHeaderValue } from './simulator-http.js';
export { parseSimulatorCliArguments, runSimulatorCli, type SimulatorCliArguments, type SimulatorCliIo } from './run-simulator-cli.js';
