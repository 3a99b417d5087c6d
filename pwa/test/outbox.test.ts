import { afterEach, describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../src/api/client";
import { Outbox, type Lock, type NewRecord, type OutboxRecord } from "../src/data/device-outbox";

let dbCount = 0;
const outboxes: Outbox[] = [];

/** An outbox on a fresh IndexedDB (fake-indexeddb), with a scripted server. */
function make(answer: (record: OutboxRecord) => unknown, options: { dbName?: string; lock?: Lock; maxAttempts?: number } = {}) {
  const sent: string[] = [];
  const outbox = new Outbox({
    dbName: options.dbName ?? `test-outbox-${++dbCount}`,
    send: async (record) => {
      const result = answer(record);
      if (result instanceof Error) throw result;
      sent.push(record.label);
      return result;
    },
    maxAttempts: options.maxAttempts ?? 3,
    backoffMinMs: 1e9, // retries are driven by the test, not by timers
    lock: options.lock,
  });
  outboxes.push(outbox);
  return { outbox, sent };
}

const record = (label: string, stream = "events"): NewRecord => ({ stream, path: "/x", body: { client_id: label }, label });
const serverError = () => new ApiError(500, "internal_error", "Ett fel uppstod på servern.");
const refused = () => new ApiError(422, "validation_error", "1 fält har fel värde.");

afterEach(() => {
  outboxes.splice(0).forEach((outbox) => outbox.stop());
});

async function addAll(outbox: Outbox, ...records: NewRecord[]) {
  for (const r of records) await outbox.add(1, r);
}

describe("device outbox", () => {
  it("sends the records of a stream in the order they were recorded, streams independently", async () => {
    let down = true;
    const { outbox, sent } = make((r) => (down && r.stream === "events" ? serverError() : { ok: true }), { maxAttempts: 10 });
    await addAll(outbox, record("a1"), record("p1", "positions"), record("a2"), record("a3"));
    await outbox.start(1);
    await outbox.idle();
    expect(sent).toEqual(["p1"]); // the events stream waits behind a1; positions go on
    down = false;
    await outbox.flush();
    expect(sent).toEqual(["p1", "a1", "a2", "a3"]);
    expect(outbox.current().pending).toBe(0);
  });

  it("sets a record aside after N failures while the ones behind it are sent", async () => {
    const { outbox, sent } = make((r) => (r.label === "poison" ? serverError() : { ok: true }), { maxAttempts: 3 });
    await addAll(outbox, record("poison"), record("b"), record("c"));
    await outbox.start(1);
    await outbox.idle(); // attempt 1
    await outbox.flush(); // attempt 2
    expect(sent).toEqual([]); // in order: b and c wait while poison may still get through
    await outbox.flush();
    expect(sent).toEqual(["b", "c"]);
    const [aside] = outbox.current().setAside;
    expect(aside?.label).toBe("poison");
    expect(aside?.setAside).toMatchObject({ reason: "failing", status: 500 });
    expect(aside?.attempts).toBe(3);
  });

  it("sets a refused record aside at once and sends the rest; never counts network errors", async () => {
    let online = false;
    const { outbox, sent } = make((r) => (!online ? new NetworkError("offline") : r.label === "bad" ? refused() : {}));
    await outbox.start(1);
    await addAll(outbox, record("bad"), record("good"));
    for (let i = 0; i < 10; i++) await outbox.flush(); // hours in a dead zone
    expect((await outbox.records()).map((r) => [r.label, r.attempts, !!r.setAside])).toEqual([["bad", 0, false], ["good", 0, false]]);
    online = true;
    await outbox.flush();
    expect(sent).toEqual(["good"]);
    expect(outbox.current().setAside.map((r) => [r.label, r.setAside?.reason, r.setAside?.message])).toEqual([
      ["bad", "refused", "1 fält har fel värde."],
    ]);
  });

  it("keeps every record through a reload and sends each once", async () => {
    const dbName = `reload-${++dbCount}`;
    const first = make(() => new NetworkError("offline"), { dbName });
    await first.outbox.start(1);
    await addAll(first.outbox, record("r1"), record("r2"));
    first.outbox.stop();
    const second = make(() => ({ ok: true }), { dbName });
    await second.outbox.start(1);
    await second.outbox.flush();
    expect(second.sent).toEqual(["r1", "r2"]);
    expect(await second.outbox.records()).toEqual([]);
  });

  it("sends each record once when two tabs flush at the same moment", async () => {
    const dbName = `tabs-${++dbCount}`;
    let held = Promise.resolve();
    const lock: Lock = (task) => {
      const run = held.then(task);
      held = run.catch(() => undefined);
      return run;
    }; // one lock for both tabs, as Web Locks gives per origin
    const slow = async () => new Promise((resolve) => setTimeout(() => resolve({}), 5));
    const sent: string[] = [];
    const tab = (name: string) => {
      const outbox = new Outbox({ dbName, lock, backoffMinMs: 1e9, send: async (r) => (sent.push(`${name}:${r.label}`), slow()) });
      outboxes.push(outbox);
      return outbox;
    };
    const a = tab("a");
    const b = tab("b");
    await a.start(1);
    await b.start(1);
    await addAll(a, record("x1"), record("x2"), record("x3"));
    await Promise.all([a.flush(), b.flush(), a.flush(), b.flush()]);
    expect(sent.map((s) => s.split(":")[1]).sort()).toEqual(["x1", "x2", "x3"]);
  });

  it("writes local values in the same transaction as the record", async () => {
    const { outbox } = make(() => new NetworkError("offline"));
    await outbox.start(7);
    await outbox.add(7, record("deliver"), [{ key: "7:2026-12-07:dp:1", value: { doneAt: "08:12" } }]);
    expect([...(await outbox.localValues(7)).entries()]).toEqual([["7:2026-12-07:dp:1", { doneAt: "08:12" }]]);
    expect((await outbox.records(7)).map((r) => r.label)).toEqual(["deliver"]);
  });

  it("drops a record older than its maximum age, and one refused that asked to be dropped", async () => {
    const { outbox, sent } = make((r) => (r.label === "p-refused" ? refused() : {}));
    await outbox.start(1);
    await outbox.add(1, { ...record("p-old", "positions"), maxAgeMs: -1 });
    await outbox.add(1, { ...record("p-refused", "positions"), dropIfRefused: true });
    await outbox.flush();
    expect(sent).toEqual([]);
    expect(await outbox.records()).toEqual([]);
  });

  it("puts a set-aside record back in its place, or forgets it only when asked", async () => {
    let refuse = true;
    const { outbox, sent } = make(() => (refuse ? refused() : {}));
    await outbox.start(1);
    await addAll(outbox, record("once"));
    await outbox.flush();
    const [aside] = outbox.current().setAside;
    refuse = false;
    await outbox.retry(aside!.seq!);
    await outbox.flush();
    expect(sent).toEqual(["once"]);
    refuse = true;
    await addAll(outbox, record("twice"));
    await outbox.flush();
    await outbox.discard(outbox.current().setAside[0]!.seq!);
    expect(await outbox.records()).toEqual([]);
  });
});
