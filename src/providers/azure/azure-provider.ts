import { createOpenAICompatibleAdapter } from '../openai-compatible/openai-compatible-adapter.js';
import { createOpenAICompatibleEmbeddings } from '../openai-compatible/openai-compatible-embeddings.js';
import type { ProviderBuildOptions, ProviderDefinition } from '../provider-definition.js';

/** The Azure OpenAI API version used when the config gives no `api_version` (GA, chat completions). */
export const defaultAzureApiVersion = '2024-10-21';

/**
 * Azure OpenAI: OpenAI's wire format at `{resource}/openai/deployments/{deployment}/chat/completions
 * ?api-version=…` with an `api-key` header. A deployment's `model` in the config is the Azure
 * deployment name; the cost is looked up by the model Azure reports in its response.
 */
export const azureProvider: ProviderDefinition = {
  kind: 'azure',
  defaultBaseUrl: undefined,
  pricingProviderId: 'azure',
  requiresApiKey: true,
  create(options) {
    const { resource, deploymentPath } = azureTarget(options);
    return createOpenAICompatibleAdapter({
      providerId: options.providerId,
      baseUrl: resource,
      apiKey: options.apiKey,
      apiKeyHeader: 'api-key',
      headers: options.headers,
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs,
      chatPath: (deployment) => deploymentPath(deployment, 'chat/completions'),
    });
  },
  createEmbeddings(options) {
    const { resource, deploymentPath } = azureTarget(options);
    return createOpenAICompatibleEmbeddings({
      providerId: options.providerId,
      baseUrl: resource,
      apiKey: options.apiKey,
      apiKeyHeader: 'api-key',
      headers: options.headers,
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs,
      embeddingsPath: (deployment) => deploymentPath(deployment, 'embeddings'),
    });
  },
};

function azureTarget(options: ProviderBuildOptions) {
  if (options.baseUrl === undefined) throw new Error(`providers.${options.providerId}.base_url: kind azure needs the resource URL, e.g. https://my-resource.openai.azure.com`);
  const apiVersion = options.settings['apiVersion'] ?? defaultAzureApiVersion;
  const resource = options.baseUrl.replace(/\/+$/, '');
  const resourcePath = new URL(resource).pathname.replace(/\/+$/, '');
  return {
    resource,
    deploymentPath: (deployment: string, operation: string) =>
      `${resourcePath}/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${encodeURIComponent(apiVersion)}`,
  };
}
