import { ChorusClient, ServerClock } from '../src';

describe('ServerClock', () => {
  it('tells the server’s time from the answers’ Date headers when the device’s clock is an hour fast', () => {
    const clock = new ServerClock();
    const device = Date.UTC(2026, 11, 3, 13, 0, 0);
    for (const seconds of [0, 1, 2]) clock.observe(new Date(device - 3_600_000 + seconds * 1000).toUTCString(), device + seconds * 1000);
    expect(clock.offset()).toBe(-3_600_000 + 500);
  });

  it('leaves a clock a second or two off alone, and one answer held up on the way does not move it', () => {
    const clock = new ServerClock();
    const device = Date.UTC(2026, 11, 3, 13, 0, 0);
    clock.observe(new Date(device - 2000).toUTCString(), device);
    expect(clock.offset()).toBe(0);
    clock.observe(new Date(device - 600_000).toUTCString(), device);
    clock.observe(new Date(device + 1000).toUTCString(), device);
    expect(clock.offset()).toBe(0);
  });

  it('ignores an answer without a Date header, or with one that is not a date', () => {
    const clock = new ServerClock();
    clock.observe(null);
    clock.observe('yesterday');
    expect(clock.offset()).toBe(0);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000);
  });

  it('is fed by every answer a client and the clients it makes get, errors too', async () => {
    const clock = new ServerClock();
    const serverDate = new Date(Date.now() - 3_600_000).toUTCString();
    const fetchImpl = (async () => new Response('{"type":"about:blank","title":"Nope","status":404,"detail":"no"}', { status: 404, headers: { date: serverDate } })) as typeof fetch;
    const client = new ChorusClient({ fetch: fetchImpl, clock }).withToken('t0k3n');
    await expect(client.listProjects()).rejects.toMatchObject({ status: 404 });
    expect(clock.now() - Date.now()).toBeLessThan(-3_590_000);
  });
});
