import { randomUUID } from 'node:crypto';
import { signUp } from '../../../test/support/accounts';
import { until } from '../../../test/support/waiting';
import { type WebhookReceiver, signedWith, startWebhookReceiver } from '../../../test/support/webhook-receiver';
import { checkScreen, signedInPage, tabTo, useStackAndBrowser, waitForFocus, waitToSee } from './support/browser';

/**
 * The lab's "Webhooks" section in a real browser: a researcher adds a webhook by keyboard (its events as checkboxes),
 * sees its signing secret once (focused, with a copy button), sends a test event that the receiver gets signed with it,
 * sees the delivery listed, makes a new secret (shown once), turns the webhook back on once it was turned off, and
 * deletes it after a question.
 */

jest.setTimeout(90_000);

describe('classifier in a browser: project webhooks in the lab', () => {
  const suite = useStackAndBrowser();
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.stop());

  it('adds a webhook, shows its secret once, sends a test event, lists its delivery and deletes it', async () => {
    const researcher = await signUp(suite.stack, { email: `hooks-${randomUUID()}@example.org`, displayName: 'Ada' });
    const client = suite.stack.anonymous.withToken(researcher.token);
    const project = await client.createProject({ title: `Hooks ${randomUUID().slice(0, 6)}`, status: 'live' });
    // An address of this attempt's own: run again (the browser tests' retry), it reads none of the first's events.
    const path = `/lab-${randomUUID().slice(0, 8)}`;
    const { page, errors } = await signedInPage(suite, researcher);
    await suite.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.stack.baseUrl });
    await page.goto(`${suite.stack.baseUrl}/lab/projects/${project.slug}`);
    const section = page.getByTestId('lab-webhooks');
    await waitToSee(section.getByText('This project has no webhooks.'), { timeout: 10_000 });

    // By keyboard: the address, then the events, every one checked at first; one is left out.
    await tabTo(page, '#lab-webhook-url', 200);
    await page.keyboard.type(receiver.url(path));
    await page.keyboard.press('Tab');
    await waitForFocus(page, '#lab-webhook-event-subject-retired');
    expect(await section.locator('.lab-webhook-events label').allTextContents()).toEqual(['A subject retires', 'A subject is unretired', 'A workflow completes']);
    await page.keyboard.press('Tab');
    await waitForFocus(page, '#lab-webhook-event-subject-unretired');
    await page.keyboard.press('Space');
    await tabTo(page, '[aria-labelledby="lab-webhook-new-heading"] button[type="submit"]');
    await page.keyboard.press('Enter');

    await waitToSee(page.getByTestId('lab-webhook-secret'), { timeout: 10_000 });
    await waitForFocus(page, '#lab-webhook-secret');
    const secret = await page.locator('#lab-webhook-secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    const [webhook] = (await client.webhooks(project.id)).webhooks;
    expect(webhook).toMatchObject({ url: receiver.url(path), events: ['subject.retired', 'workflow.completed'] });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-webhook-copied').getByText('Copied.'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await waitToSee(section.getByText('Receives: A subject retires; A workflow completes.'));
    await checkScreen(page, 'lab-webhooks');

    // By keyboard: the test event, its button described by the webhook's address; what it did said in a status.
    const headingId = `lab-webhook-${webhook!.id}`;
    await tabTo(page, `.lab-actions button[aria-describedby="${headingId}"]:first-child`, 100);
    await page.keyboard.press('Enter');
    await waitToSee(section.getByRole('status').getByText('The test event is sent: refresh the deliveries to see how it went.'));
    const received = () => receiver.received.filter((event) => event.path === path);
    await until(async () => received().length > 0, 'the test event');
    expect(received()).toHaveLength(1);
    expect(signedWith(received()[0]!, secret)).toBe(true);
    expect(received()[0]!.headers['chorus-event']).toBe('ping');
    await section.getByRole('button', { name: 'Refresh the deliveries' }).click();
    const row = section.getByTestId('lab-webhook-deliveries').locator('tbody tr');
    await waitToSee(row.getByText('Delivered'));
    expect(await row.locator('td').allTextContents()).toEqual([expect.any(String), 'ping', 'Delivered', '200', '1', '']);

    // A new secret, asked first (the old one signs a day more, a second rotation drops it), then shown once the same
    // way; deliveries are then signed with it (and the old one, for a day).
    await section.getByRole('button', { name: 'New secret' }).click();
    const question = page.getByTestId('lab-webhook-rotate-question');
    await waitToSee(question.getByText(/still signs deliveries for 24 hours beside the new one.*a second new secret within them drops the old one/));
    await question.getByRole('button', { name: 'Keep the secret' }).click();
    await question.waitFor({ state: 'detached' });
    expect((await suite.stack.db.query('SELECT secret FROM webhooks WHERE id = $1', [webhook!.id])).rows[0].secret).toBe(secret);
    // By keyboard: the question takes focus as it appears; its answer shows the new secret, focused as the first was.
    await tabTo(page, `.lab-actions button[aria-describedby="${headingId}"]:nth-child(2)`, 200);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('New secret');
    await page.keyboard.press('Enter');
    await waitForFocus(page, '[data-testid="lab-webhook-rotate-question"]');
    await tabTo(page, '[data-testid="lab-webhook-rotate-question"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(section.getByText(/is new\. For 24 hours/));
    await waitForFocus(page, '#lab-webhook-secret');
    const rotated = await page.locator('#lab-webhook-secret').inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);

    // Turned off (as after too many failures): when and why, and a button that turns it back on, by keyboard.
    await suite.stack.db.query("UPDATE webhooks SET disabled_at = now(), disabled_reason = 'failures', disabled_error = 'answered 500' WHERE id = $1", [webhook!.id]);
    await suite.stack.db.query("INSERT INTO comment_notifications (user_id, kind, webhook_id) VALUES ($1, 'webhook-disabled', $2)", [researcher.user.id, webhook!.id]);
    // Its notification says which and why, and opens the lab's project page (which shows the secret no more).
    await page.goto(`${suite.stack.baseUrl}/notifications`);
    const notification = page.getByTestId('notification');
    await waitToSee(notification.getByText(`A webhook of ${project.title} was turned off`), { timeout: 10_000 });
    await waitToSee(notification.getByText(receiver.url(path)));
    await waitToSee(notification.getByText(/Why: too many deliveries in a row were given up on \(the last: answered 500\)\./));
    await notification.getByRole('link').click();
    await page.waitForURL(`**/lab/projects/${project.slug}`);
    await waitToSee(section.getByText('Receives: A subject retires; A workflow completes.'), { timeout: 10_000 });
    expect(await page.getByTestId('lab-webhook-secret').count()).toBe(0);
    await waitToSee(section.getByTestId('lab-webhook-disabled').getByText(/too many deliveries in a row were given up on \(the last: answered 500\)\. Nothing is sent to it\./));
    expect(await section.getByRole('button', { name: 'Send a test event' }).count()).toBe(0);
    await tabTo(page, `.lab-actions button[aria-describedby="${headingId}"]:first-child`, 200);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Turn back on');
    await page.keyboard.press('Enter');
    await waitToSee(section.getByText(`${receiver.url(path)} is back on: events are sent to it again.`));
    await section.getByTestId('lab-webhook-disabled').waitFor({ state: 'detached', timeout: 10_000 });
    expect((await client.webhooks(project.id)).webhooks[0]).toMatchObject({ disabledAt: null, disabledReason: null, disabledError: null });

    // By keyboard: the delete, asked first; what it did then takes focus.
    await tabTo(page, `.lab-actions button[aria-describedby="${headingId}"]:last-child`, 200);
    await page.keyboard.press('Enter');
    await waitToSee(page.getByTestId('lab-webhook-delete-question'));
    await tabTo(page, '[data-testid="lab-webhook-delete-question"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await waitToSee(section.getByText('This project has no webhooks.'));
    await waitForFocus(page, '[data-testid="lab-webhooks-result"]');
    expect((await client.webhooks(project.id)).webhooks).toEqual([]);
    expect(errors).toEqual([]);
  });
});
