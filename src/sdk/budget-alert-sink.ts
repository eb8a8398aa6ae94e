import { request as undiciRequest, type Dispatcher } from 'undici';
import type { Logger } from '../core/logger.js';
import { formatUsd } from '../core/money.js';
import type { BudgetAlert } from '../pipeline/budget/budget-types.js';
import type { LedgerEvent } from '../core/ledger-event.js';

export interface BudgetAlertSinkOptions {
  /** Slack-compatible incoming webhook (`{ text }` payload); unset, alerts go to the log only. */
  readonly webhookUrl: string | undefined;
  readonly timeoutMs: number;
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  /** Records the alert in the ledger (as a `budget.threshold` event). */
  readonly record?: (event: LedgerEvent) => Promise<void>;
  /** How many recent alerts to keep for the admin API. */
  readonly keep?: number;
}

/** The alert as a ledger event; its id makes the same alert from several replicas one record. */
export function budgetAlertEvent(alert: BudgetAlert): LedgerEvent {
  return {
    id: `budget.threshold:${alert.budgetId}:${alert.windowKey}:${alert.threshold}`,
    timestamp: Math.round(alert.at),
    kind: 'budget.threshold',
    subject: alert.budgetId,
    details: {
      scope: `${alert.scope.kind}:${alert.scope.id}`,
      threshold: alert.threshold,
      spent: alert.spent,
      limit: alert.limit,
      unit: alert.unit,
      windowKey: alert.windowKey,
      text: describeBudgetAlert(alert),
    },
  };
}

export interface BudgetAlertSink {
  readonly send: (alert: BudgetAlert) => void;
  /** The most recent alerts, newest last. */
  recent(): readonly BudgetAlert[];
  /** How many alerts this process has reported since it started. */
  sentCount(): number;
  /** Resolves once every webhook post started so far has finished (for shutdown and tests). */
  drain(): Promise<void>;
}

/** The alert as one line of text, e.g. "Budget team-daily (team search) reached 80%: $4.01 of $5.00 (d:2026-11-22)". */
export function describeBudgetAlert(alert: BudgetAlert): string {
  const amount = alert.unit === 'nanos' ? `$${formatUsd(alert.spent)} of $${formatUsd(alert.limit)}` : `${alert.spent} of ${alert.limit} ${alert.unit}`;
  return `Budget ${alert.budgetId} (${alert.scope.kind} ${alert.scope.id}) reached ${Math.round(alert.threshold * 100)}%: ${amount} (${alert.windowKey})`;
}

/**
 * Where budget alerts go: the log always, a webhook when configured. Posting never blocks a
 * request: it runs in the background with a timeout, and a failure is logged, not retried.
 */
export function createBudgetAlertSink(options: BudgetAlertSinkOptions): BudgetAlertSink {
  const keep = options.keep ?? 100;
  const recent: BudgetAlert[] = [];
  const posting = new Set<Promise<void>>();
  let sent = 0;

  async function post(alert: BudgetAlert, text: string): Promise<void> {
    if (options.webhookUrl === undefined) return;
    const payload = {
      text: `:warning: ${text}`,
      tollgate: { event: 'budget.threshold', ...alert, scope: `${alert.scope.kind}:${alert.scope.id}`, at: new Date(alert.at).toISOString() },
    };
    try {
      const response = await undiciRequest(options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        dispatcher: options.dispatcher,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      await response.body.dump();
      if (response.statusCode >= 300) options.logger.warn('budget alert webhook refused the alert', { status: response.statusCode, budget: alert.budgetId });
    } catch (error) {
      options.logger.warn('budget alert webhook failed', { budget: alert.budgetId, error: error instanceof Error ? error.message : String(error) });
    }
  }

  return {
    send(alert) {
      const text = describeBudgetAlert(alert);
      options.logger.warn('budget alert', { budget: alert.budgetId, threshold: alert.threshold, text });
      sent += 1;
      recent.push(alert);
      if (recent.length > keep) recent.shift();
      const recorded = options.record?.(budgetAlertEvent(alert)).catch((error: unknown) =>
        options.logger.error('budget alert could not be recorded in the ledger', { budget: alert.budgetId, error: error instanceof Error ? error.message : String(error) }),
      );
      const pending = Promise.all([post(alert, text), recorded]).then(() => undefined);
      posting.add(pending);
      void pending.finally(() => posting.delete(pending));
    },
    recent: () => [...recent],
    sentCount: () => sent,
    async drain() {
      await Promise.all([...posting]);
    },
  };
}
