import { TollgateError } from '../../core/errors.js';
import { withBody, type Deployment, type ModelCall, type ModelRequest } from '../../core/model-call.js';

export interface DeploymentCall {
  readonly deployment: Deployment;
  /** The deployment's adapter, already metered. */
  readonly call: ModelCall;
}

/**
 * The innermost call: finds the logical model's deployment and calls it with the upstream model
 * name. The body is only rebuilt when the names differ, so unchanged requests keep their bytes.
 */
export function createDispatchCall(models: ReadonlyMap<string, readonly DeploymentCall[]>): ModelCall {
  function resolve(request: ModelRequest): { target: DeploymentCall; request: ModelRequest } {
    const deployments = models.get(request.body.model);
    const target = deployments?.[0];
    if (target === undefined) {
      const known = [...models.keys()].slice(0, 20).join(', ');
      throw new TollgateError({
        code: 'TG_ERR_UNKNOWN_MODEL',
        message: `The model "${request.body.model}" does not exist on this gateway. Configured models: ${known}.`,
        param: 'model',
      });
    }
    const upstreamModel = target.deployment.upstreamModel;
    const routed = upstreamModel === request.body.model ? request : withBody(request, { ...request.body, model: upstreamModel });
    return { target, request: routed };
  }

  return {
    async generate(request) {
      const { target, request: routed } = resolve(request);
      return target.call.generate(routed);
    },
    async stream(request) {
      const { target, request: routed } = resolve(request);
      return target.call.stream(routed);
    },
  };
}
