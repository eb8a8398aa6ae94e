import type { EmbeddingCall, EmbeddingRequest } from '../../core/embedding-call.js';
import { TollgateError } from '../../core/errors.js';
import type { Deployment } from '../../core/model-call.js';

export interface EmbeddingDeploymentCall {
  readonly deployment: Deployment;
  /** The deployment's embeddings call (metered), or `undefined` when its provider serves none. */
  readonly call: EmbeddingCall | undefined;
}

/** Finds the logical model's deployment and calls its embeddings endpoint with the upstream model name. */
export function createEmbeddingDispatchCall(models: ReadonlyMap<string, readonly EmbeddingDeploymentCall[]>): EmbeddingCall {
  return {
    async embed(request: EmbeddingRequest) {
      const target = models.get(request.body.model)?.[0];
      if (target === undefined) {
        const known = [...models.keys()].slice(0, 20).join(', ');
        throw new TollgateError({
          code: 'TG_ERR_UNKNOWN_MODEL',
          message: `The model "${request.body.model}" does not exist on this gateway. Configured models: ${known}.`,
          param: 'model',
        });
      }
      if (target.call === undefined) {
        throw new TollgateError({
          code: 'TG_ERR_UNSUPPORTED_PARAMETER',
          message: `The model "${request.body.model}" is served by provider "${target.deployment.providerId}" (${target.deployment.providerKind}), which has no embeddings endpoint in Tollgate.`,
          param: 'model',
        });
      }
      const upstreamModel = target.deployment.upstreamModel;
      const routed = upstreamModel === request.body.model ? request : { ...request, body: { ...request.body, model: upstreamModel }, rawBody: undefined };
      return target.call.embed(routed);
    },
  };
}
