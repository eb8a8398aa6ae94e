import type { BalancedDeployment, LoadBalancingStrategy } from './balanced-deployment.js';
import type { DeploymentLoads } from './deployment-loads.js';

/**
 * One pick's inputs. Every strategy walks `candidates` a fixed number of times (O(n)), allocates
 * nothing per candidate and calls `random` at most twice.
 */
export interface PickInput<T extends BalancedDeployment> {
  readonly candidates: readonly T[];
  readonly exclude: ReadonlySet<string> | undefined;
  /** `clock.monotonic()` at the start of the pick, for cool-down checks. */
  readonly monotonicNow: number;
  readonly loads: DeploymentLoads;
  /** A float in [0, 1). */
  readonly random: () => number;
}

/** Not excluded by the caller and not cooling down after a 429. */
export function isEligible(input: PickInput<BalancedDeployment>, candidate: BalancedDeployment): boolean {
  if (input.exclude !== undefined && input.exclude.has(candidate.key)) return false;
  const load = input.loads.load(candidate.key);
  return load === undefined || input.monotonicNow >= load.coolingDownUntilMonotonic;
}

export function pickWithStrategy<T extends BalancedDeployment>(strategy: LoadBalancingStrategy, input: PickInput<T>): T | undefined {
  switch (strategy) {
    case 'weighted':
      return pickWeighted(input);
    case 'least-busy':
      return pickLeastBusy(input);
    case 'least-latency':
      return pickLeastLatency(input);
    case 'lowest-cost':
      return pickLowestCost(input);
  }
}

/** Weighted random. When every eligible weight is 0, uniform among the eligible. */
export function pickWeighted<T extends BalancedDeployment>(input: PickInput<T>): T | undefined {
  const { candidates } = input;
  let eligibleCount = 0;
  let totalWeight = 0;
  for (const candidate of candidates) {
    if (!isEligible(input, candidate)) continue;
    eligibleCount += 1;
    totalWeight += weightOf(candidate);
  }
  if (eligibleCount === 0) return undefined;
  if (totalWeight === 0) return nthEligible(input, randomIndex(input.random, eligibleCount));
  let remaining = input.random() * totalWeight;
  let lastWeighted: T | undefined;
  for (const candidate of candidates) {
    if (!isEligible(input, candidate)) continue;
    const weight = weightOf(candidate);
    if (weight === 0) continue;
    if (remaining < weight) return candidate;
    remaining -= weight;
    lastWeighted = candidate;
  }
  // Floating-point rounding can leave `remaining` a hair above the last weight.
  return lastWeighted;
}

/** Fewest requests in flight; ties broken uniformly at random. */
export function pickLeastBusy<T extends BalancedDeployment>(input: PickInput<T>): T | undefined {
  let fewest = Infinity;
  let ties = 0;
  for (const candidate of input.candidates) {
    if (!isEligible(input, candidate)) continue;
    const inFlight = inFlightOf(input, candidate);
    if (inFlight < fewest) {
      fewest = inFlight;
      ties = 1;
    } else if (inFlight === fewest) {
      ties += 1;
    }
  }
  if (ties === 0) return undefined;
  let skip = randomIndex(input.random, ties);
  for (const candidate of input.candidates) {
    if (!isEligible(input, candidate) || inFlightOf(input, candidate) !== fewest) continue;
    if (skip === 0) return candidate;
    skip -= 1;
  }
  return undefined;
}

/**
 * Power of two choices: two distinct eligible deployments drawn at random, the one with the lower
 * EWMA latency × (in flight + 1) wins. Drawing two keeps traffic spread (the fastest is not chosen
 * when it is not drawn) and the in-flight factor sends load to a slower deployment once the faster
 * one queues up, which also re-measures it.
 *
 * Unmeasured deployments: an idle one (nothing in flight) is explored first, uniformly among such.
 * One already being explored scores with the mean EWMA of the measured eligible ones (1 ms when
 * none is measured, which makes the choice least-busy of two), so a new deployment is not flooded
 * before its first answer arrives.
 */
export function pickLeastLatency<T extends BalancedDeployment>(input: PickInput<T>): T | undefined {
  let eligibleCount = 0;
  let unexploredCount = 0;
  let measuredCount = 0;
  let measuredSum = 0;
  for (const candidate of input.candidates) {
    if (!isEligible(input, candidate)) continue;
    eligibleCount += 1;
    const load = input.loads.load(candidate.key);
    if (load === undefined || load.ewmaLatencyMs === undefined) {
      if (load === undefined || load.inFlight === 0) unexploredCount += 1;
    } else {
      measuredCount += 1;
      measuredSum += load.ewmaLatencyMs;
    }
  }
  if (eligibleCount === 0) return undefined;
  if (unexploredCount > 0) {
    let skip = randomIndex(input.random, unexploredCount);
    for (const candidate of input.candidates) {
      if (!isEligible(input, candidate)) continue;
      const load = input.loads.load(candidate.key);
      if (load !== undefined && (load.ewmaLatencyMs !== undefined || load.inFlight > 0)) continue;
      if (skip === 0) return candidate;
      skip -= 1;
    }
    return undefined;
  }
  if (eligibleCount === 1) return nthEligible(input, 0);
  const first = randomIndex(input.random, eligibleCount);
  let second = randomIndex(input.random, eligibleCount - 1);
  if (second >= first) second += 1;
  const meanLatencyMs = measuredCount === 0 ? 1 : measuredSum / measuredCount;
  let firstCandidate: T | undefined;
  let secondCandidate: T | undefined;
  let index = 0;
  for (const candidate of input.candidates) {
    if (!isEligible(input, candidate)) continue;
    if (index === first) firstCandidate = candidate;
    else if (index === second) secondCandidate = candidate;
    index += 1;
  }
  if (firstCandidate === undefined || secondCandidate === undefined) return firstCandidate ?? secondCandidate;
  const firstScore = latencyScore(input, firstCandidate, meanLatencyMs);
  const secondScore = latencyScore(input, secondCandidate, meanLatencyMs);
  return secondScore < firstScore ? secondCandidate : firstCandidate;
}

/** Cheapest known price; an unknown price ranks after every known one; ties go to the least busy, then at random. */
export function pickLowestCost<T extends BalancedDeployment>(input: PickInput<T>): T | undefined {
  let bestPrice = Infinity;
  let bestInFlight = Infinity;
  let ties = 0;
  for (const candidate of input.candidates) {
    if (!isEligible(input, candidate)) continue;
    const price = priceRank(candidate);
    const inFlight = inFlightOf(input, candidate);
    if (price < bestPrice || (price === bestPrice && inFlight < bestInFlight)) {
      bestPrice = price;
      bestInFlight = inFlight;
      ties = 1;
    } else if (price === bestPrice && inFlight === bestInFlight) {
      ties += 1;
    }
  }
  if (ties === 0) return undefined;
  let skip = randomIndex(input.random, ties);
  for (const candidate of input.candidates) {
    if (!isEligible(input, candidate)) continue;
    if (priceRank(candidate) !== bestPrice || inFlightOf(input, candidate) !== bestInFlight) continue;
    if (skip === 0) return candidate;
    skip -= 1;
  }
  return undefined;
}

function nthEligible<T extends BalancedDeployment>(input: PickInput<T>, wanted: number): T | undefined {
  let index = 0;
  for (const candidate of input.candidates) {
    if (!isEligible(input, candidate)) continue;
    if (index === wanted) return candidate;
    index += 1;
  }
  return undefined;
}

function randomIndex(random: () => number, count: number): number {
  return Math.min(count - 1, Math.floor(random() * count));
}

function inFlightOf(input: PickInput<BalancedDeployment>, candidate: BalancedDeployment): number {
  return input.loads.load(candidate.key)?.inFlight ?? 0;
}

function latencyScore(input: PickInput<BalancedDeployment>, candidate: BalancedDeployment, meanLatencyMs: number): number {
  const load = input.loads.load(candidate.key);
  if (load === undefined) return meanLatencyMs;
  return (load.ewmaLatencyMs ?? meanLatencyMs) * (load.inFlight + 1);
}

function weightOf(candidate: BalancedDeployment): number {
  const weight = candidate.weight ?? 1;
  if (!(weight >= 0 && weight < Infinity)) {
    throw new RangeError(`deployment ${candidate.key} has weight ${weight}; a weight must be a finite number ≥ 0`);
  }
  return weight;
}

/** The price to compare by: unknown sorts after every known price. */
function priceRank(candidate: BalancedDeployment): number {
  const price = candidate.costNanosPerMTok;
  if (price === undefined) return Infinity;
  if (!(price >= 0 && price < Infinity)) {
    throw new RangeError(`deployment ${candidate.key} has price ${price}; a price must be a finite number ≥ 0 or undefined`);
  }
  return price;
}
