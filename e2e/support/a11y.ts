// The named export: the package's CommonJS typings give NodeNext no constructable default.
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Runs axe-core over the whole page as it is now and fails on any violation axe rates serious or
 * critical (issue 4: "axe finds no serious or critical violation on any page"). Minor and moderate
 * findings are not part of that bar, so they are left out of the failure message.
 */
export async function expectNoSeriousA11yViolations(page: Page, label = page.url()): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
          .slice(0, 5)
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
  expect(serious, `serious or critical axe violations on ${label}`).toEqual([]);
}
