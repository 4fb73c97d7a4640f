import { randomUUID } from 'node:crypto';
import { signUp } from '../../../test/support/accounts';
import { liveYesNoWorkflow, newcomerPage, phone, signedInPage, skipTutorial, useStackAndBrowser, waitForTask, waitToSee } from './support/browser';
import { wav } from './support/media-files';

/**
 * A volunteer signed in on a phone (375 × 667, touch): the first subject of a yes/no workflow opens with both answers
 * and Done on screen, without scrolling, under a header kept short.
 */

jest.setTimeout(60_000);

describe('classifier in a browser: on a phone', () => {
  const suite = useStackAndBrowser();

  it('shows a signed-in volunteer a yes/no subject’s answers and Done without scrolling', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Phone', [
      { externalId: 'ad-1', locations: [{ type: 'text', text: 'WANTED: a steady boy to drive a carriage. Apply at 12 Mill Street, any weekday before noon.' }], metadata: {} },
    ]);
    const email = `phone-${randomUUID()}@example.org`;
    const account = await signUp(suite.stack, { email, password: 'correct horse battery', displayName: 'Margaret Hamilton-Smythe' });
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await signedInPage(suite, account);
    const finger = await phone(page);
    await page.goto(`${suite.stack.baseUrl}${path}`);
    await waitToSee(page.getByTestId('account-name'));
    const subject = page.getByTestId('subject');
    await waitToSee(subject);
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);

    const bottomOf = async (locator: ReturnType<typeof page.locator>) => (await locator.boundingBox())!.y + (await locator.boundingBox())!.height;
    const height = await page.evaluate(() => window.innerHeight);
    // Measured under the phone's screen: a screenshot would put the context's own window back.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await bottomOf(subject.locator('label', { hasText: 'No' }))).toBeLessThanOrEqual(height);
    expect(await bottomOf(subject.getByRole('button', { name: 'Done', exact: true }))).toBeLessThanOrEqual(height);
    // Short, but all there: the account's name, its links and Sign out.
    expect(await bottomOf(page.locator('.site-header'))).toBeLessThanOrEqual(120);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await finger.lift();
    await page.close();
    expect(errors).toEqual([]);
  });
  it('keeps a guest’s header to one line on a phone, in the longest of its languages too, its links named in words', async () => {
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Phone guest', [
      { externalId: 'ad-1', locations: [{ type: 'text', text: 'FOUND: a brass key, near the station.' }], metadata: {} },
    ]);
    // A browser of its own: the language chosen here would be the other tests' too.
    const context = await suite.context.browser()!.newContext();
    try {
      await skipTutorial(context, workflow.id);
      const words = {
        en: { nav: ['Your favourites', 'Your classifications', 'Sign in'], create: 'Create an account' },
        fr: { nav: ['Vos favoris', 'Vos classifications', 'Se connecter'], create: 'Créer un compte' },
        de: { nav: ['Ihre Favoriten', 'Ihre Klassifizierungen', 'Anmelden'], create: 'Konto erstellen' },
      };
      for (const [language, { nav: navNames, create }] of Object.entries(words)) {
        const { page, errors } = await newcomerPage({ stack: suite.stack, context });
        await page.evaluate((chosen) => localStorage.setItem('chorus.language', chosen), language);
        const finger = await phone(page);
        await page.goto(`${suite.stack.baseUrl}${path}`);
        await waitToSee(page.getByTestId('subject'));
        const nav = page.getByTestId('account-nav');
        // One line: the brand's height with the header's padding, not a second row under it.
        expect((await page.locator('.site-header').boundingBox())!.height).toBeLessThanOrEqual(60);
        const names = await nav.getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('aria-label') ?? link.textContent));
        expect(names).toEqual(navNames);
        // Each a finger's target: the icons alone as wide as they are tall.
        for (const box of await nav.getByRole('link').evaluateAll((links) => links.map((link) => link.getBoundingClientRect().toJSON()))) {
          expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
        }
        // "Create an account" is one tap further, on the sign-in page.
        await nav.getByRole('link', { name: navNames[2] }).click();
        await waitToSee(page.locator('main').getByRole('link', { name: create }));
        await finger.lift();
        expect(errors).toEqual([]);
      }
    } finally {
      await context.close();
    }
  });
  it('shows a tutorial that names no keys on a phone without a keyboard, and the keys on a desktop (tester 23 F9)', async () => {
    const { path } = await liveYesNoWorkflow(suite.stack, 'Phone tutorial', [
      { externalId: 'ad-1', locations: [{ type: 'text', text: 'LOST: a grey umbrella.' }], metadata: {} },
    ]);
    const page = await suite.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const tutorial = page.getByTestId('tutorial');
    /** Every step of the tutorial, read by going through it with Next (not closing it: it opens again on the next visit). */
    const stepsRead = async () => {
      await waitToSee(tutorial, { state: 'visible', timeout: 10_000 });
      const read: string[] = [];
      for (;;) {
        await waitToSee(tutorial.locator('.tutorial-step .loading'), { state: 'detached', timeout: 10_000 }); // the markdown renderer comes as its own chunk
        read.push((await tutorial.locator('.tutorial-step').textContent()) ?? '');
        const next = tutorial.getByRole('button', { name: 'Next', exact: true });
        if ((await next.count()) === 0) return read.join('\n');
        await next.click();
        await waitToSee(tutorial.getByText(`Step ${read.length + 1} of`));
      }
    };
    const finger = await phone(page);
    await page.goto(`${suite.stack.baseUrl}${path}`);
    expect(await page.evaluate(() => matchMedia('(hover: none) and (pointer: coarse)').matches)).toBe(true);
    const onPhone = await stepsRead();
    expect(onPhone).toContain('then press Done and the next subject appears.');
    expect(onPhone).not.toMatch(/Enter|Ctrl|\((G|T|\?)\)|keyboard alone/);
    // The same tutorial on a desktop, the phone put away: it names the keys.
    await finger.lift();
    await page.reload();
    const onDesktop = await stepsRead();
    expect(onDesktop).toContain('(or Enter; Ctrl+Enter in a transcription, where Enter starts a new line)');
    expect(onDesktop).toContain('Everything works with the keyboard alone.');
    expect(errors).toEqual([]);
    await page.close();
  });
  it('says what to tap to play a recording on a phone without a keyboard, and the keys on a desktop', async () => {
    await suite.context.route('**/test-audio/*.wav', (route) => route.fulfill({ status: 200, contentType: 'audio/wav', body: wav(3) }));
    const { workflow, path } = await liveYesNoWorkflow(suite.stack, 'Phone recording', [
      { externalId: 'song-1', locations: [{ type: 'audio', url: `${suite.stack.baseUrl}/test-audio/song.wav` }], metadata: {} },
    ]);
    await skipTutorial(suite.context, workflow.id);
    const page = await suite.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const player = page.getByTestId('audio-player');
    const caption = player.locator('figcaption');
    const finger = await phone(page);
    await page.goto(`${suite.stack.baseUrl}${path}`);
    await waitForTask(page, 'single');
    expect(await caption.textContent()).toBe('Tap the player’s play button to play.');
    await player.locator('audio').evaluate((audio: HTMLAudioElement) => audio.play());
    await page.waitForFunction(() => document.querySelector('[data-testid="audio-player"]')?.getAttribute('data-status') === 'playing');
    expect(await caption.textContent()).toBe('Playing. Tap the player’s pause button to pause.');
    // The same caption on a desktop, the phone put away: it names the keys.
    await finger.lift();
    await page.reload();
    await waitForTask(page, 'single');
    expect(await caption.textContent()).toBe('Press P (or Space on the player) to play.');
    expect(errors).toEqual([]);
    await page.close();
    await suite.context.unroute('**/test-audio/*.wav');
  });
  it('ignores a tap that lands on Done right after the next subject came, and says so until a later tap or key is taken; a tap a moment later answers', async () => {
    const { workflow, path } = await liveYesNoWorkflow(
      suite.stack,
      'Phone taps',
      Array.from({ length: 4 }, (_, index) => ({ externalId: `tap-${index}`, locations: [{ type: 'text' as const, text: `LOST: umbrella number ${index}.` }] })),
    );
    const account = await signUp(suite.stack, { email: `taps-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Tapper' });
    await skipTutorial(suite.context, workflow.id);
    const { page, errors } = await signedInPage(suite, account);
    const finger = await phone(page);
    const { tap, centreOf } = finger;
    const stored = async () => Number((await suite.stack.db.query('SELECT count(*) FROM classifications WHERE workflow_id = $1', [workflow.id])).rows[0].count);
    // The page's clock stands still: however slowly this machine runs the taps, the page sees them at the same moment.
    await page.clock.install();
    await page.goto(`${suite.stack.baseUrl}${path}`);
    const first = await waitForTask(page, 'single');
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
    try {
      await tap(await centreOf('[data-testid="subject"] .answer:has(input[value="no"]) label'));
      const done = await centreOf('[data-testid="subject"] button[type="submit"]');
      await tap(done);
      await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, first);
      const second = await page.getByTestId('subject').getAttribute('data-subject-id');
      // The next subject's Done came up under the finger; its second tap lands there and is ignored.
      expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('button')?.textContent ?? null, done)).toBe('Done');
      // The note's status region is on the page (not hidden) before it says anything: screen readers announce what comes into it.
      const note = page.getByTestId('tap-note');
      expect(await note.getAttribute('role')).toBe('status');
      expect(await note.evaluate((element) => ({ text: element.textContent, display: getComputedStyle(element).display, margin: getComputedStyle(element).marginTop }))).toEqual({ text: '', display: 'block', margin: '0px' });
      await tap(done);
      await waitToSee(note.getByText('Tap or click ignored — the page just changed'));
      // Tapped again: the same words, said anew (a new node in the region), so that they are announced again.
      await note.locator('span').evaluate((element) => element.setAttribute('data-said', 'once'));
      await tap(done);
      await waitToSee(note.locator('span:not([data-said])', { hasText: 'Tap or click ignored — the page just changed' }));
      expect(await page.getByTestId('answer-problem').textContent()).toBe('');
      expect(await page.getByTestId('subject').getAttribute('data-subject-id')).toBe(second);
      expect(await stored()).toBe(1);

      // A moment later, taps answer: the note goes with the first one taken, well before its 3 s are up (tester 24 F6),
      // and Done sends the answer.
      await page.clock.runFor(600);
      expect(await note.textContent()).toBe('Tap or click ignored — the page just changed');
      await tap(await centreOf('[data-testid="subject"] .answer:has(input[value="yes"]) label'));
      await waitToSee(note.getByText('Tap or click ignored'), { state: 'detached' });
      await tap(done);
      await page.waitForFunction((previous) => document.querySelector('[data-testid="subject"]')?.getAttribute('data-subject-id') !== previous, second);
      expect(await stored()).toBe(2);
      // So does a key taken (typing on, say), and, with neither, the note goes by itself after a few seconds.
      await tap(done);
      await waitToSee(note.getByText('Tap or click ignored'));
      await page.keyboard.press('1');
      await waitToSee(note.getByText('Tap or click ignored'), { state: 'detached' });
      await tap(done);
      await waitToSee(note.getByText('Tap or click ignored'));
      await page.clock.runFor(4000);
      await waitToSee(note.getByText('Tap or click ignored'), { state: 'detached' });
    } finally {
      await page.clock.resume();
    }
    await finger.lift();
    expect(errors).toEqual([]);
    await page.close();
  });
});
