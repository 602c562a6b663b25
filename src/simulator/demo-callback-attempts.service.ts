import type { Db } from '../store/db.ts';
import { completeCallbackTask, listCallbackTasks, recordCallbackAttempt } from '../callbacks/callback.repository.ts';
import type { AttemptOutcome, CallbackSettings } from '../callbacks/callback-policy.ts';

/** The demo's front desk (synthetic): the account the demo's attempts are logged under. */
export const demoCallbackAgent = 'staff:demo-intake';

/**
 * The demo's stand-in for a front desk working its callbacks (synthetic data only): each open
 * callback task the simulator's missed calls and voicemails left gets, once, a few attempts,
 * chosen from its id so a run is repeatable: some unanswered (one of them climbs the ladder),
 * some reached and completed. The Callbacks screen then shows tasks at every stage. Every attempt goes through
 * the same repository call as a person's (audited, escalated by the policy).
 */
export async function logDemoCallbackAttempts(db: Db, settings: Pick<CallbackSettings, 'failedAttemptsBeforeEscalation' | 'caseManagerQueue'>, now = new Date()): Promise<number> {
  const tasks = (await listCallbackTasks(db, { queues: '*', status: ['open'], now, limit: 100 })).filter((task) => task.attempts === 0);
  let logged = 0;
  for (const task of tasks) {
    const pick = Number.parseInt(task.id.replace(/-/g, '').slice(-4), 16) % 4;
    // 0: left alone (a fresh task), 1: one unanswered try, 2: tried until it escalated, 3: reached, then completed.
    const plan: AttemptOutcome[][] = [[], ['no-answer'], Array(settings.failedAttemptsBeforeEscalation).fill('no-answer'), ['voicemail-left', 'answered']];
    const outcomes = plan[pick]!;
    for (const [index, outcome] of outcomes.entries()) {
      await db.transaction((tx) => recordCallbackAttempt(tx, task.id, { outcome, agent: demoCallbackAgent, at: new Date(now.getTime() + index * 60_000) }, settings));
      logged++;
    }
    if (outcomes.at(-1) === 'answered') {
      await db.transaction((tx) => completeCallbackTask(tx, task.id, { by: demoCallbackAgent, at: new Date(now.getTime() + outcomes.length * 60_000) }));
    }
  }
  return logged;
}
