import type { Clock } from '../../core/clock.js';
import { TollgateError, toTollgateError } from '../../core/errors.js';
import { withBody, type ModelCall, type ModelRequest, type ModelStream } from '../../core/model-call.js';
import type { CircuitBreaker } from '../circuit-breaker/circuit-breaker.js';
import { userPresentableError } from '../degradation/user-presentable-error.js';
import { stickyKeyFor } from '../load-balancing/sticky-key.js';
import { errorClassOf, type ErrorClass } from '../retry/error-class.js';
import { decideAfterFailure } from '../retry/decide-after-failure.js';
import type { Sleep } from './abortable-sleep.js';
import { observeStream } from './observe-stream.js';
import type { ResilientDeployment, ResilientModel } from './resilient-model.js';

export interface ResilientDispatchOptions {
  readonly models: ReadonlyMap<string, ResilientModel>;
  readonly breaker: CircuitBreaker;
  /** The FAQ rung (static answers), metered; `undefined` when no FAQ is configured. */
  readonly staticAnswers: { readonly call: ModelCall; canAnswer(request: ModelRequest): boolean } | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly sleep: Sleep;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: TollgateError; action: 'fallback' | 'fail' };

/** Failures that say a provider is unwell, so a fallback model or a lower rung may serve instead. */
const providerFailures: ReadonlySet<ErrorClass> = new Set(['rate-limit', 'overload', 'server', 'timeout', 'connect', 'stream-interrupted']);

/**
 * The resilience layer (design.md: fallback chain → load balancing → retries → circuit breaker →
 * timeouts → adapter), then the rest of the degradation ladder: simpler model → static FAQ answer →
 * a user-presentable error. Every attempt is metered by the deployment call it goes through;
 * `context.route` says which rung each attempt served.
 */
export function createResilientDispatch(options: ResilientDispatchOptions): ModelCall {
  const { models, breaker, clock } = options;

  async function serve<T>(request: ModelRequest, invoke: (call: ModelCall, request: ModelRequest) => Promise<T>): Promise<T> {
    const first = models.get(request.body.model);
    if (first === undefined) {
      throw new TollgateError({
        code: 'TG_ERR_UNKNOWN_MODEL',
        message: `The model "${request.body.model}" does not exist on this gateway. Configured models: ${[...models.keys()].slice(0, 20).join(', ')}.`,
        param: 'model',
      });
    }
    const failures: TollgateError[] = [];
    const tried: string[] = [];
    const visited = new Set<string>();
    let model: ResilientModel | undefined = first;
    let route = 'primary';
    let reason: string | null = null;
    while (model !== undefined) {
      visited.add(model.name);
      tried.push(model.name);
      const outcome: Outcome<T> = await tryModel(model, request, invoke, route, reason);
      if (outcome.ok) return outcome.value;
      failures.push(outcome.error);
      const errorClass = errorClassOf(outcome.error);
      if (outcome.action === 'fail') throw outcome.error;
      const next = nextModel(first, model, errorClass, visited);
      if (next === undefined) break;
      route = `fallback:${next.name}`;
      reason = `${errorClass} on ${model.name} (${outcome.error.code})`;
      model = next;
    }
    const last = failures.at(-1) as TollgateError;
    const lastClass = errorClassOf(last);
    if (providerFailures.has(lastClass)) {
      const simpler = first.degradeTo === undefined ? undefined : models.get(first.degradeTo);
      if (simpler !== undefined && !visited.has(simpler.name)) {
        tried.push(simpler.name);
        const outcome = await tryModel(simpler, request, invoke, `degraded:${simpler.name}`, `every model failed (${last.code})`);
        if (outcome.ok) return outcome.value;
        failures.push(outcome.error);
      }
      // The FAQ rung is only tried when it has an answer, so a miss leaves no ledger row.
      if (options.staticAnswers !== undefined && options.staticAnswers.canAnswer(request)) {
        request.context.route = 'faq';
        request.context.routeReason = `every model failed (${last.code})`;
        request.context.servingDeployment = 'tollgate/tollgate-faq';
        return await invoke(options.staticAnswers.call, request);
      }
    }
    // With no other rung to try, the provider's own (mapped) error is the clearest answer.
    const ladderUsed = tried.length > 1 || options.staticAnswers !== undefined;
    if (!providerFailures.has(lastClass) || !ladderUsed) throw last;
    throw userPresentableError(failures.at(-1) as TollgateError, {
      logicalModel: first.name,
      attempts: request.context.attemptsStarted,
      triedModels: tried,
      failures,
    });
  }

  function nextModel(first: ResilientModel, current: ResilientModel, errorClass: ErrorClass, visited: ReadonlySet<string>): ResilientModel | undefined {
    const pick = (name: string | undefined) => (name === undefined || visited.has(name) ? undefined : models.get(name));
    if (errorClass === 'context-window') return pick(current.contextWindowFallback ?? first.contextWindowFallback);
    if (errorClass === 'content-policy') return pick(current.contentPolicyFallback ?? first.contentPolicyFallback);
    if (!providerFailures.has(errorClass)) return undefined;
    for (const name of first.fallbacks) {
      const candidate = pick(name);
      if (candidate !== undefined) return candidate;
    }
    return undefined;
  }

  /** Load balancing, circuit breaker and retries across one model's deployments. */
  async function tryModel<T>(
    model: ResilientModel,
    request: ModelRequest,
    invoke: (call: ModelCall, request: ModelRequest) => Promise<T>,
    route: string,
    reason: string | null,
  ): Promise<Outcome<T>> {
    const startedAt = clock.monotonic();
    const failedKeys = new Set<string>();
    const tags = request.context.tags;
    const stickyKey =
      model.sticky === undefined
        ? undefined
        : stickyKeyFor({ sessionId: tags.session, body: request.body, scope: tags.virtualKeyId ?? tags.team }, model.sticky.by);
    let attempt = 0;
    let lastError: TollgateError | undefined;
    let retryReason: string | null = null;
    for (;;) {
      const target = pickAllowed(model, failedKeys, stickyKey);
      if (target === undefined) {
        const error =
          lastError ??
          new TollgateError({
            code: 'TG_ERR_CIRCUIT_OPEN',
            message: `Every deployment of "${model.name}" is ejected by its circuit breaker or cooling down after a 429.`,
            isRetryable: true,
          });
        return { ok: false, error, action: 'fallback' };
      }
      attempt++;
      request.context.route = attempt === 1 ? route : 'retry';
      request.context.routeReason = attempt === 1 ? reason : retryReason;
      request.context.servingDeployment = target.key;
      const finish = model.balancer.begin(target.key);
      const callStartedAt = clock.monotonic();
      try {
        const value = await invoke(target.call, routed(request, target));
        const latencyMs = clock.monotonic() - callStartedAt;
        finish({ latencyMs });
        if (!isStream(value)) breaker.record(target.key, { ok: true, latencyMs });
        return { ok: true, value: isStream(value) ? (observed(value, target.key, latencyMs) as T) : value };
      } catch (thrown) {
        const error = toTollgateError(thrown);
        finish({ failed: true });
        breaker.record(target.key, { ok: false, error });
        if (error.code === 'TG_ERR_UPSTREAM_RATE_LIMITED') model.balancer.coolDown(target.key, error.retryAfterMs);
        lastError = error;
        const decision = decideAfterFailure(error, { attempt, elapsedMs: clock.monotonic() - startedAt }, model.retryPolicy, options.random);
        if (decision.action !== 'retry') return { ok: false, error, action: decision.action };
        failedKeys.add(target.key);
        retryReason = decision.reason;
        await options.sleep(decision.delayMs, request.signal);
      }
    }
  }

  /** Prefers a deployment not yet tried for this request; skips ejected ones (each skip is instant). */
  function pickAllowed(model: ResilientModel, failedKeys: ReadonlySet<string>, stickyKey: string | undefined): ResilientDeployment | undefined {
    const denied = new Set<string>();
    for (let tries = 0; tries <= model.deployments.length * 2; tries++) {
      const candidate =
        model.balancer.pick(model.deployments, { exclude: new Set([...failedKeys, ...denied]), stickyKey }) ??
        model.balancer.pick(model.deployments, { exclude: denied, stickyKey });
      if (candidate === undefined) return undefined;
      if (breaker.acquire(candidate.key).allowed) return candidate;
      denied.add(candidate.key);
    }
    return undefined;
  }

  /** A stream's health is known only at its end: report it to the breaker then. */
  function observed(stream: ModelStream, key: string, latencyMs: number): ModelStream {
    return observeStream(stream, (error) => breaker.record(key, error === undefined ? { ok: true, latencyMs } : { ok: false, error }));
  }

  return {
    generate: (request) => serve(request, (call, routedRequest) => call.generate(routedRequest)),
    stream: (request) => serve(request, (call, routedRequest) => call.stream(routedRequest)),
  };
}

function routed(request: ModelRequest, target: ResilientDeployment): ModelRequest {
  const upstreamModel = target.deployment.upstreamModel;
  return upstreamModel === request.body.model ? request : withBody(request, { ...request.body, model: upstreamModel });
}

function isStream(value: unknown): value is ModelStream {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value && 'wireFormat' in value;
}
