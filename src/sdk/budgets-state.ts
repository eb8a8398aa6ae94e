import type { BudgetsState } from '../server/routes/admin-routes.js';
import type { Gateway } from './create-gateway.js';

/** The configured budgets' current figures and the recent alerts, for `/admin/budgets` and `/metrics`. */
export async function budgetsState(gateway: Gateway): Promise<BudgetsState> {
  const { engine, alerts } = gateway.budgets;
  const budgets = await Promise.all(
    gateway.budgetRules.map(async (rule) => {
      const window = rule.window.kind === 'rolling' ? `rolling ${rule.window.hours}h` : rule.window.kind;
      const shown = { id: rule.id, scope: `${rule.scope.kind}:${rule.scope.id}`, unit: rule.unit === 'tokens' ? ('tokens' as const) : ('nanos' as const), limit: rule.limit, window, onExceed: rule.onExceed };
      if (rule.scope.id === '*') return shown;
      // A store that cannot be read (Redis down) leaves the figures out, not the whole view.
      const status = await engine.status(rule).catch(() => undefined);
      if (status === undefined) return shown;
      return {
        ...shown,
        current: { windowKey: status.windowKey, spent: status.spent, reserved: status.reserved, remaining: status.remaining, resetAt: new Date(status.resetAt).toISOString() },
      };
    }),
  );
  // From the ledger, so every replica shows the alerts any of them reported.
  const recent = await gateway.ledgerStore.listEvents({ kind: 'budget.threshold', limit: 50 }).catch(() => alerts.recent());
  return { budgets, recentAlerts: recent, alertsSent: alerts.sentCount(), failOpenAdmissions: gateway.budgets.failOpenCount() };
}
