import { expect, test } from '../fixtures.js';

test('an operator signs in without a project, picks one, and lands on API access scoped to it', async ({
  lab,
  loginPage,
  projectPickerPage,
  tokenPage,
}) => {
  const demo = lab.users.demo!;
  const other = lab.projects.other!;

  await test.step('sign in to the unscoped cloud: the project field stays empty', async () => {
    await loginPage.open();
    await loginPage.cloud.selectOption('lab-unscoped');
    await expect(loginPage.project).toHaveValue('');
    await loginPage.signIn({ cloud: 'lab-unscoped', username: demo.name, password: demo.password });
  });

  await test.step('the project picker offers both of the user’s projects', async () => {
    await projectPickerPage.expectOpen();
    await expect(projectPickerPage.chooseButton('demo')).toBeVisible();
    await expect(projectPickerPage.chooseButton('other')).toBeVisible();
  });

  await test.step('choose other: API access opens with a token scoped to other', async () => {
    await projectPickerPage.choose('other');
    await tokenPage.expectOpen();
    await expect(tokenPage.page).toHaveURL(/\/$/);
    await expect(tokenPage.detail('Project')).toHaveText(`${other.name} (${other.id})`);
  });

  await test.step('sign out', async () => {
    await tokenPage.signOut();
  });
});
