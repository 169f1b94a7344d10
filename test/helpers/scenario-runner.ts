import { judge, type Answer, type Scenario } from '../scenarios/scenarios.js';

/** A data plane as the scenario list sees it: a name (what `differs` notes name) and how to send it a request. */
export interface ScenarioPlane {
  name: string;
  send(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<Answer>;
}

/**
 * Runs every scenario on every plane, in order, and returns what failed in words (empty when all pass). A
 * documented difference (`differs`) must still be exactly that difference, or it fails too.
 */
export async function runScenarios(scenarios: readonly Scenario[], planes: readonly ScenarioPlane[]): Promise<string> {
  const failures: string[] = [];
  for (const s of scenarios) {
    for (const p of planes) {
      let problems: string[];
      try {
        problems = judge(s, await p.send(s.request.method, s.request.path, s.request.headers, s.request.body));
      } catch (err) {
        problems = [`no answer: ${(err as Error).message}`];
      }
      const known = s.differs?.find((d) => d.plane === p.name);
      if (known) {
        if (problems.length === 0)
          failures.push(
            `[${p.name}] ${s.name}: documented as differing (${known.why}) but now passes; remove the note`,
          );
        else if (!problems.every((m) => known.got.test(m)))
          failures.push(
            `[${p.name}] ${s.name}: differs otherwise than documented (${known.why}):\n    ${problems.join('\n    ')}`,
          );
      } else if (problems.length) failures.push(`[${p.name}] ${s.name}:\n    ${problems.join('\n    ')}`);
    }
  }
  return failures.join('\n');
}
