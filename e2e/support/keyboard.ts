import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Presses Tab (or Shift+Tab, `backwards`), as a keyboard-only operator would, until `target` has
 * the focus. Fails when it is not reached within `maxPresses` (not in the tab order, or behind a
 * focus trap).
 */
export async function tabTo(
  page: Page,
  target: Locator,
  { backwards = false, maxPresses = 40 }: { backwards?: boolean; maxPresses?: number } = {},
): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`${target.toString()} was not reached with ${maxPresses} presses of Tab`);
}

/** The element has the keyboard focus and shows it: :focus-visible with an outline or a ring. */
export async function expectVisibleFocus(target: Locator): Promise<void> {
  await expect(target).toBeFocused();
  const focus = await target.evaluate((element) => {
    const style = getComputedStyle(element);
    return {
      isFocusVisible: element.matches(':focus-visible'),
      hasOutline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
      hasRing: style.boxShadow !== 'none',
    };
  });
  expect(focus.isFocusVisible, 'the focus is visible (:focus-visible)').toBe(true);
  expect(focus.hasOutline || focus.hasRing, 'the focused element draws an outline or a ring').toBe(true);
}
