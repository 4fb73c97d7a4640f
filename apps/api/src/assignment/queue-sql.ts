import type { SelectionRule } from '@chorus/tasks';
import { LEFT_TO_CLASSIFY } from '@chorus/db';

/**
 * How a take picks its subjects: the selection order of the workflow, or one of the queue's own sources (a subject
 * set's share under `setWeights`, gold-standard slots, the training set); for a volunteer who chose a subject set
 * (`volunteersChooseSubjectSet`), the order or the gold-standard slots within that set (`IN_CHOSEN_SET`).
 */
export type PickKind = SelectionRule['order'] | 'set' | 'gold' | 'training' | 'set-priority' | 'set-sequential' | 'set-gold';

/**
 * The take that serves, from the subject set a volunteer chose, what `kind` serves from the whole workflow: random
 * order is the `set` pick (a share of a weighted set is one too), the others the same picks bound to the set.
 */
export const IN_CHOSEN_SET = { random: 'set', priority: 'set-priority', sequential: 'set-sequential', gold: 'set-gold' } as const satisfies Record<string, PickKind>;

/**
 * The takes of one batch, as rows `r` that the picks read: take (its index in the batch), workflow_id, user_id,
 * cap (null for no cap), count, start (a random point for random orders), set_id (for `set` and `training`),
 * without_gold (leave out gold-standard subjects, which the workflow serves only at its gold-standard slots) and
 * earliest (the fewest counted classifications at which the retirement rule could retire a subject).
 */
const TAKES = `unnest($1::int[], $2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::float8[], $7::uuid[], $8::bool[], $9::int[])
  AS r(take, workflow_id, user_id, cap, count, start, set_id, without_gold, earliest)`;

/**
 * How many volunteers may have counted or hold the subject of hot row `st`: its rule's cap, and, once the rule could
 * retire it (`earliest` counted classifications), one more than it has, so near retirement it is out with one
 * volunteer at a time and no answer comes after the one that retires it. Gold-standard subjects, which never retire
 * by their rule, take the cap only. Mirrored by `assign_picked_subjects` (migration `HoldsNearRetirement`).
 */
const HOLDERS_AT_MOST = 'CASE WHEN st.gold_standard THEN r.cap ELSE least(r.cap, greatest(r.earliest, st.counted_count + 1)) END';

/** How many volunteers hold the subject of hot row `st` now. */
const LIVE_HOLDS = '(SELECT count(*) FROM assignments a WHERE a.workflow_id = r.workflow_id AND a.subject_id = st.subject_id AND a.expires_at > now())';

/**
 * The subjects a volunteer may be given: not retired, not gold standard where the take leaves that out, not
 * classified by them, not already outstanding with them, and not already handed to as many volunteers as the subject
 * can still need (`r.cap`). Only classifications that count toward retirement fill the cap, so a gold-standard
 * subject's cap never fills for good: it is only ever held by `r.cap` volunteers at once. `OFFSET 0` keeps each NOT
 * EXISTS a probe of a unique index per candidate: as an anti-join, the planner would read the volunteer's whole
 * history for every request, which for a volunteer who has seen 100,000 subjects costs tens of milliseconds.
 */
const ELIGIBLE = `st.workflow_id = r.workflow_id AND st.retired_at IS NULL AND NOT (r.without_gold AND st.gold_standard)
  AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = r.workflow_id AND c.subject_id = st.subject_id AND c.user_id = r.user_id OFFSET 0)
  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.workflow_id = r.workflow_id AND a.subject_id = st.subject_id AND a.user_id = r.user_id AND a.expires_at > now() OFFSET 0)
  AND (r.cap IS NULL OR st.counted_count + ${LIVE_HOLDS} < ${HOLDERS_AT_MOST})`;

/**
 * What a pick serves: an eligible subject, unless its rule could retire it now (`earliest` counted classifications)
 * and the worker has not yet aggregated its last answers (a submit, an unretirement: `OWE_AGGREGATION`). Until then
 * such a subject is waiting to learn whether it retires; served then, it could retire before the volunteer answers (a
 * replay of the bluebirds data under a posterior rule stored 4 % of its answers after retirement). Not for longer
 * than `AGGREGATION_AWAITED` since the row last changed: a subject whose aggregation keeps failing, or a worker that
 * is down, would otherwise keep it from everyone. Only columns of the row already read, which the row lock re-reads
 * at their latest, so `assign_picked_subjects` need not check it again.
 */
const AGGREGATION_AWAITED = "interval '30 seconds'";
const PICKABLE = `${ELIGIBLE} AND (st.gold_standard OR st.counted_count < r.earliest OR st.aggregated_count >= st.classification_count
  OR st.updated_at < now() - ${AGGREGATION_AWAITED})`;

/**
 * The volunteer `user` did not report subject `subject` in workflow `workflow` (SQL expressions): a subject they
 * reported is not theirs to classify, ever. A probe of the reports' unique index per candidate, so it is only in the
 * statements of volunteers who have reported a subject of the workflow (`WORKFLOWS_FOR_QUEUE`'s `reported`): the
 * statements of everyone else are those of the queue without reports, plans and all.
 */
const notReported = (workflow: string, subject: string, user: string) =>
  `NOT EXISTS (SELECT 1 FROM subject_reports sr WHERE sr.workflow_id = ${workflow} AND sr.subject_id = ${subject} AND sr.user_id = ${user} OFFSET 0)`;

/**
 * Subject `subject` is a member of subject set `set` (SQL expressions): a probe of the members' primary key; `probed`
 * keeps it one for each row (`OFFSET 0`), where the planner would otherwise join the set's members to the rows.
 */
const inSet = (set: string, subject: string, probed = false) =>
  `EXISTS (SELECT 1 FROM subject_set_members m WHERE m.subject_set_id = ${set} AND m.subject_id = ${subject}${probed ? ' OFFSET 0' : ''})`;
/**
 * The members `m` of subject set `set` (an SQL expression), along their primary key: in its order, so that the
 * planner reads them by the set, never the whole table for a first row.
 */
const membersOf = (set: string) => `(SELECT m.subject_id FROM subject_set_members m WHERE m.subject_set_id = ${set} ORDER BY m.subject_id) m`;
/** The hot row `st` is of a member of the take's subject set (`r.set_id`). */
const IN_TAKE_SET = inSet('r.set_id', 'st.subject_id');

/**
 * The most members a subject set may have for its picks, and what is left of it to a volunteer, to be read from its
 * members (`fromMembers`, `chosenRows`) rather than along the workflow's index. A walk of the index reads about
 * `count` ÷ (the set's share of the workflow's unretired subjects) rows, probing each, and all of them when the set has
 * nothing left for the volunteer (every poll at the end of a document): 36,000–160,000 buffers a take at 10,000
 * subjects for a set of 20. From the members, a pick reads every member's hot row (about 3 buffers each) whatever the
 * workflow's size, which a set that is a large share of its workflow should not pay at every take: at 2,000 members in
 * 10,000 subjects, 6,400 buffers against the walk's 550; at 800 in 1,200, about 2,500 against 80. So the set is read
 * from its members only when it has at most this many and the workflow's linked sets more than `SET_SHARE` times as
 * many members: then reading the set costs at most about what the walk does while the set has plenty left, and far
 * less once it has little. Both counted in the statement, along the members' primary key and no further than one past
 * the bound, so the choice is never stale and needs nothing remembered (bench/README.md, "Chosen subject sets"). The
 * workflow is measured by its sets' members, which are only ever added or removed, rather than its hot rows: a count
 * of those (unretired) read each row's page as well, the visibility map of rows that every classification updates
 * being seldom set, about a buffer a row (1,160 for 1,200). Members retired, or in two sets, count as well: a set that
 * is most of what its workflow has left is then read from its members, at most about 3,000 buffers.
 */
const FEW_MEMBERS = 1000;
/** How many times its members a workflow's linked sets must have for a set to be read from its members. */
const SET_SHARE = 4;
/**
 * Subject set `set` of workflow `workflow` (SQL expressions) is read from its members: it has at most `FEW_MEMBERS`,
 * and the workflow's linked sets more than `SET_SHARE` times as many members.
 */
const fewMembers = (set: string, workflow: string) => `(SELECT CASE WHEN set_size.members > ${FEW_MEMBERS} THEN false ELSE (
      SELECT count(*) FROM (SELECT 1 FROM workflow_subject_sets l JOIN subject_set_members o ON o.subject_set_id = l.subject_set_id
                            WHERE l.workflow_id = ${workflow} LIMIT ${SET_SHARE} * set_size.members + 1) linked
    ) > ${SET_SHARE} * set_size.members END
    FROM (SELECT count(*) AS members FROM (SELECT 1 FROM subject_set_members f WHERE f.subject_set_id = ${set} LIMIT ${FEW_MEMBERS + 1}) up_to) set_size)`;

/** Rows being assigned or aggregated by another transaction are skipped, so concurrent volunteers spread out. */
const LOCK = 'FOR UPDATE OF st SKIP LOCKED';
/**
 * The training set is served in its order to every newcomer, who all want its first rows at once: skipped while
 * another newcomer's assignment or the worker held them for a moment, they would never be served (training ends with
 * the volunteer's experience), so the pick waits for them instead, locking them by id as the worker, retirements and
 * other training picks do, so that none of them waits for another in a circle.
 */
const WAITING_LOCK = 'FOR UPDATE OF st';

/**
 * From the point `start` of the random keys, the first `n` pickable subjects in key order, wrapping around in a
 * second, disjoint arm that runs only if the first is short: two index range scans.
 */
const scanFrom = (pickable: string, where: string, start: string, n: string) => `
  (SELECT a1.subject_id FROM (SELECT st.subject_id FROM subject_workflow_status st WHERE ${pickable} ${where} AND st.random >= ${start} ORDER BY st.random LIMIT ${n} ${LOCK}) a1)
  UNION ALL
  (SELECT a2.subject_id FROM (SELECT st.subject_id FROM subject_workflow_status st WHERE ${pickable} ${where} AND st.random < ${start} ORDER BY st.random LIMIT ${n} ${LOCK}) a2)`;

/**
 * The first pickable subject of a point's stretch of random keys, [`start`, `stop`), else of [0, `wrap`) (empty but
 * for the last stretch, which wraps round past the last key): two bounded index range scans, the second run only
 * when the first finds nothing.
 */
const firstInStretch = (pickable: string, where: string) => `
  (SELECT a1.subject_id FROM (SELECT st.subject_id FROM subject_workflow_status st
     WHERE ${pickable} ${where} AND st.random >= points.start AND st.random < points.stop ORDER BY st.random LIMIT 1 ${LOCK}) a1)
  UNION ALL
  (SELECT a2.subject_id FROM (SELECT st.subject_id FROM subject_workflow_status st
     WHERE ${pickable} ${where} AND st.random < points.wrap ORDER BY st.random LIMIT 1 ${LOCK}) a2)
  LIMIT 1`;

/**
 * Random selection: the take's `count` random points cut the circle of keys into as many stretches, each of which
 * serves the first pickable subject it holds, in the order the points were drawn, so that a batch is not a run of
 * neighbours that every volunteer would meet in the same order. Keys are spread evenly when subjects join a workflow
 * (`joinWorkflows`), so each is as likely to come. The stretches read the index once at most between them, however
 * few subjects are left, and never find one subject twice. What they leave short (a stretch holding two pickable
 * subjects serves one) is filled by a scan from the take's own random point, past those already picked.
 */
const randomArms = (pickable: string, where: string) => `
  SELECT served.subject_id FROM (
    SELECT coalesce(array_agg(one.subject_id ORDER BY points.point), '{}') AS ids
    FROM (SELECT drawn.point, drawn.start, coalesce(lead(drawn.start) OVER by_key, 1) AS stop,
                 CASE WHEN lead(drawn.start) OVER by_key IS NULL THEN min(drawn.start) OVER () ELSE 0 END AS wrap
          FROM (SELECT g.point, random() AS start FROM generate_series(1, r.count) AS g(point)) drawn
          WINDOW by_key AS (ORDER BY drawn.start)) points
    CROSS JOIN LATERAL (${firstInStretch(pickable, where)}) one) picked
  CROSS JOIN LATERAL (
    SELECT unnest(picked.ids) AS subject_id
    UNION ALL
    (${scanFrom(pickable, `${where} AND st.subject_id <> ALL(picked.ids)`, 'r.start', 'r.count - cardinality(picked.ids)')})) served`;

/**
 * How many gold-standard subjects the takes before take `r` in its batch pick in the same workflow (TAKES's $1, $2
 * and $5): the takes of one batch see the same classifications and holds, so each starts that far along the order.
 */
const GOLD_PICKED_BEFORE = `(SELECT coalesce(sum(o.count), 0) AS picks FROM unnest($1::int[], $2::uuid[], $5::int[]) AS o(take, workflow_id, count)
  WHERE o.workflow_id = r.workflow_id AND o.take < r.take) before`;

/**
 * How many of the gold-standard subjects a volunteer may have a gold-standard take ranks (more if it wants more): all
 * of them in a workflow with no more, as most have; in one with thousands, a sample (bench/README.md, session 40).
 */
const GOLD_SAMPLE = 100;
/** How many bands of the random keys the walk for the sample reads, one after another: see `leastServedGold`. */
const GOLD_BANDS = 50;

/** How served gold-standard subject `st` is: its classifications (the team's tries in draft aside) and its live holds. */
const GOLD_SERVED = `st.classification_count - st.draft_tries + ${LIVE_HOLDS}`;

/**
 * Gold-standard slots: the least served gold-standard subjects the volunteer may have first (classified, or held now),
 * ties in an order of their random keys from a point drawn once for the statement; a take starts as far round that
 * circle as the batch's takes before it pick, so that they do not all pile onto the same few (`GOLD_PICKED_BEFORE`).
 * A random pick would favour the gold-standard subject after those the volunteer cannot be given (seen, or held up to
 * their cap), which then takes their share. Ranked unlocked (a window cannot lock), then locked by id in rank order,
 * skipping those other statements hold.
 *
 * Ranked among the first `GOLD_SAMPLE` that the volunteer may have round the circle of random keys from the take's
 * random point (`r.start`): every one of them where there are no more, else a stretch that any one is as likely as
 * another to be in (their keys are spread evenly when they join). The circle is walked a band of keys at a time (a
 * `GOLD_BANDS`th of it, from the point, then the bands after it, then back to the point), each band a bounded range
 * of the index of unretired gold-standard rows, and the walk stops at the band that completes the sample. The checks
 * that leave out what the volunteer has seen or holds run as each band is read, so the sample holds only subjects
 * they may have. Bands, not one scan ordered by key and cut at the sample: the planner cannot know how many gold-standard
 * subjects a workflow has, and where most workflows have few it read and sorted all of them, with every check, for
 * every slot. A band reads at most its share of them, whatever the plan. Reading them all cost about 2,000 buffer hits
 * a slot at 200 and 19,000 (20 ms and more) at 2,000, and at 5,000 brought the queue down to 3 requests a second; a
 * volunteer who has seen most of them still reads them all. Each subject is in some take's sample often enough that
 * one left behind is soon ranked first in one: they stay classified evenly, within one or two classifications.
 */
const leastServedGold = (pickable: string) => {
  const sample = `greatest(${GOLD_SAMPLE}, r.count)`;
  return `SELECT st.subject_id FROM (
      SELECT sampled.subject_id, count(*) OVER () AS n,
        row_number() OVER (ORDER BY sampled.served, sampled.random < (SELECT random()), sampled.random) - 1 AS rank
      FROM (
        SELECT banded.subject_id, banded.random, banded.served FROM generate_series(0, ${GOLD_BANDS}) AS walk(step)
        CROSS JOIN LATERAL (SELECT (floor(r.start * ${GOLD_BANDS})::int + walk.step) % ${GOLD_BANDS} AS band) b
        CROSS JOIN LATERAL (
          SELECT st.subject_id, st.random, ${GOLD_SERVED} AS served FROM subject_workflow_status st
          WHERE ${pickable} AND st.gold_standard
            AND st.random >= CASE WHEN walk.step = 0 THEN r.start ELSE b.band::float8 / ${GOLD_BANDS} END
            AND st.random < CASE WHEN walk.step = ${GOLD_BANDS} THEN r.start ELSE (b.band + 1)::float8 / ${GOLD_BANDS} END
          ORDER BY st.random LIMIT ${sample}) banded
        LIMIT ${sample}) sampled) ranked
    CROSS JOIN ${GOLD_PICKED_BEFORE}
    JOIN subject_workflow_status st ON st.workflow_id = r.workflow_id AND st.subject_id = ranked.subject_id AND st.retired_at IS NULL
    ORDER BY (ranked.rank - before.picks % ranked.n + ranked.n) % ranked.n LIMIT r.count ${LOCK}`;
};

/** A link `l`'s retired front, its start (before every member) where it has none: an index bound for the walk. */
const SET_START = {
  position: (l: string) => `coalesce(${l}.front_position, '-9223372036854775808'::bigint)`,
  subjectId: (l: string) => `coalesce(${l}.front_subject_id, '00000000-0000-0000-0000-000000000000'::uuid)`,
};

/**
 * Sequential selection: one linked set after another, in the order the workflow's `subjectSetIds` names them (ties,
 * from links made before that order, by set), each in its own order; a subject in two sets comes with the first. Each
 * set is walked along its members' index (`subject_set_members_order_idx`) from its link's retired front, before which
 * every member is retired in the workflow (migration `SequenceFronts`: the database lowers it at once when one is
 * unretired or a member placed before it, the worker advances it after a sequential workflow's retirements), so a
 * workflow that retired its first 30,000 subjects is not read past them at every take. Each member's hot row is
 * probed in a subquery of its own (`LIMIT 1`: joined, the planner may drive the pick from the hot rows and sort them),
 * and the walk of a set stops at the take's `count`th pickable subject.
 *
 * The walk yields its picks in serving order: the links come sorted, a lateral join is a nested loop, which keeps its
 * outer side's order, and each set is walked in its members' order. So the take is the first `count` it yields, and
 * the walk stops there: the set that completes the take is the last one read, and nothing of the next is read or
 * locked. Each pick carries out its place (its set's link position and id, its member position and id), which numbers
 * it for serving. Sorted before the cut, as they were first, the picks were taken a set at a time (an incremental
 * sort), which read the first pickable subject of the set after the one that completed `count` to learn that the set
 * before had ended, and locked it for the statement, so that volunteers asking at once skipped it. A recursive walk of
 * the sets carrying the count still wanted also avoided that read, but measured worse: 132–189 req/s against 274–491
 * at 50 connections (bench/README.md, session 39). Sorting the pickable subjects instead read and ordered every one of
 * them for each take (2 s at 50,000 subjects). What the walk still reads is the front of the sets that the volunteer
 * has seen, that others hold, or that has retired since the worker last advanced the fronts.
 */
const sequentialArms = (pickable: string, setAlone: boolean) => `SELECT walked.subject_id,
      row_number() OVER (ORDER BY walked.set_position, walked.subject_set_id, walked.member_position, walked.subject_id) AS ord
    FROM (
      SELECT linked.position AS set_position, linked.subject_set_id, picked.member_position, picked.subject_id FROM (
        SELECT l.subject_set_id, l.position, ${SET_START.position('l')} AS front_position, ${SET_START.subjectId('l')} AS front_subject_id
        FROM workflow_subject_sets l WHERE l.workflow_id = r.workflow_id${setAlone ? ' AND l.subject_set_id = r.set_id' : ''} ORDER BY l.position, l.subject_set_id) linked
      CROSS JOIN LATERAL (
        SELECT m.position AS member_position, probed.subject_id FROM subject_set_members m
        CROSS JOIN LATERAL (
          SELECT st.subject_id FROM subject_workflow_status st
          WHERE st.subject_id = m.subject_id AND ${pickable}${setAlone ? '' : `
            AND NOT EXISTS (SELECT 1 FROM subject_set_members e JOIN workflow_subject_sets el ON el.workflow_id = r.workflow_id AND el.subject_set_id = e.subject_set_id
                            WHERE e.subject_id = st.subject_id AND (el.position, el.subject_set_id) < (linked.position, linked.subject_set_id) OFFSET 0)`}
          LIMIT 1 ${LOCK}) probed
        WHERE m.subject_set_id = linked.subject_set_id AND (m.position, m.subject_id) >= (linked.front_position, linked.front_subject_id)
        ORDER BY m.position, m.subject_id LIMIT r.count) picked
      LIMIT r.count) walked`;

/** Priority selection, ties in random key order. Numbered by their keys: the order of a locking subquery's rows is not one SQL promises to keep. */
const priorityArm = (pickable: string) => `SELECT p.subject_id, row_number() OVER (ORDER BY p.priority, p.random, p.subject_id) AS ord FROM (
      SELECT st.subject_id, st.priority, st.random FROM subject_workflow_status st WHERE ${pickable} ORDER BY st.priority, st.random LIMIT r.count ${LOCK}) p`;

/** The serving order of priority picks from a set's members (`fromMembers`), of rows `k`: by priority, ties by key. */
const BY_PRIORITY = (k: string) => `${k}.priority, ${k}.random, ${k}.subject_id`;

/** The serving order of a random pick from a set's members (`fromMembers`), of rows `k`: by `draw`, a fresh random number for each member at each take. */
const BY_DRAW = (k: string) => `${k}.draw`;

/**
 * A pick from the members of the take's subject set (`r.set_id`), in `order` (of keys `k`): the hot rows of its
 * unretired members (gold standard left out where the take leaves it out), each probed by its key in a subquery of
 * its own (`LIMIT 1`: joined, the planner could drive the read from the workflow's rows) and given a `draw`, read
 * unlocked and sorted; then each, in that order, locked if it is still pickable (another statement's skipped), up to
 * the take's `count`. So the take reads the set, not the workflow: only `pickable` checks, only for the members that
 * come up. A random pick is in the order of the draws, a random order of its own at each take: from a random point
 * round the members' keys, every volunteer would meet the same runs of neighbours, and the member after the widest
 * gap would come first most often. Numbered by the order: the order of a locking subquery's rows is not one SQL
 * promises to keep.
 */
const fromMembers = (pickable: string, order: (k: string) => string) => `SELECT picked.subject_id, row_number() OVER (ORDER BY ${order('picked')}) AS ord FROM (
      SELECT candidate.* FROM (
        SELECT hot.subject_id, hot.priority, hot.random, hot.draw FROM ${membersOf('r.set_id')}
        CROSS JOIN LATERAL (
          SELECT st.subject_id, st.priority, st.random, random() AS draw FROM subject_workflow_status st
          WHERE st.workflow_id = r.workflow_id AND st.subject_id = m.subject_id AND st.retired_at IS NULL AND NOT (r.without_gold AND st.gold_standard) LIMIT 1) hot
        ORDER BY ${order('hot')}) candidate
      CROSS JOIN LATERAL (
        SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = r.workflow_id AND st.subject_id = candidate.subject_id AND ${pickable} LIMIT 1 ${LOCK}) locked
      LIMIT r.count) picked`;

/**
 * A pick from the take's subject set: from its members when it has few (`fewMembers`), else `fromIndex`, the walk of
 * the workflow's index. Counted once a take (`OFFSET 0` keeps `size` a subquery of its own: pulled up, its count was
 * repeated in each arm); the arm not chosen is not run (a one-time filter).
 */
const bySetSize = (fromIndex: string, order: (k: string) => string, pickable: string) => `SELECT chosen.subject_id, chosen.ord
    FROM (SELECT ${fewMembers('r.set_id', 'r.workflow_id')} AS few OFFSET 0) size
    CROSS JOIN LATERAL (
      SELECT members.subject_id, members.ord FROM (${fromMembers(pickable, order)}) members WHERE size.few
      UNION ALL
      SELECT walked.subject_id, walked.ord FROM (${fromIndex}) walked WHERE NOT size.few) chosen`;

/** One ordered scan. */
const oneArm = (select: string) => `SELECT a.subject_id FROM (${select}) a`;

/** The first `count` subjects of arms that yield them in their serving order, numbered in the order they come. */
const inArrivalOrder = (arms: string) => `SELECT u.subject_id, row_number() OVER () AS ord FROM (${arms} LIMIT r.count) u`;

/**
 * The arms of each kind of pick, serving the subjects `pickable` (a condition on `st` and `r`): at most the take's
 * `count` of them, each with `ord`, its place in the serving order.
 */
const armsOf = (pickable: string): Record<PickKind, string> => ({
  random: inArrivalOrder(randomArms(pickable, '')),
  priority: priorityArm(pickable),
  sequential: sequentialArms(pickable, false),
  set: bySetSize(inArrivalOrder(randomArms(pickable, `AND ${IN_TAKE_SET}`)), BY_DRAW, pickable),
  gold: inArrivalOrder(oneArm(leastServedGold(pickable))),
  // A chosen set: its members only, and a sequential walk of that set alone, in its own order from its front (a
  // subject it shares with a set the workflow serves before it comes in its place in this one).
  'set-priority': bySetSize(priorityArm(`${pickable} AND ${IN_TAKE_SET}`), BY_PRIORITY, pickable),
  'set-sequential': sequentialArms(pickable, true),
  'set-gold': inArrivalOrder(oneArm(leastServedGold(`${pickable} AND ${IN_TAKE_SET}`))),
  // The first in set order, locked by id (waiting for them) as everything else that waits locks them, then served in
  // set order; one that a wait found no longer pickable is left out.
  training: inArrivalOrder(oneArm(`SELECT locked.subject_id FROM (
      SELECT st.subject_id FROM subject_workflow_status st
      WHERE st.subject_id IN (SELECT m.subject_id FROM subject_set_members m JOIN subject_workflow_status st ON st.workflow_id = r.workflow_id AND st.subject_id = m.subject_id
                              WHERE m.subject_set_id = r.set_id AND ${pickable} ORDER BY m.position, st.subject_id LIMIT r.count)
        AND ${pickable}
      ORDER BY st.subject_id ${WAITING_LOCK}) locked
    JOIN subject_set_members m ON m.subject_set_id = r.set_id AND m.subject_id = locked.subject_id ORDER BY m.position, locked.subject_id`)),
});
const ARMS = armsOf(PICKABLE);
const ARMS_WITHOUT_REPORTED = armsOf(`${PICKABLE} AND ${notReported('r.workflow_id', 'st.subject_id', 'r.user_id')}`);

/**
 * Picks and assigns, in one statement, up to `count` subjects for each take of a batch that picks this way. The picks
 * lock their hot rows; `assign_picked_subjects` (a VOLATILE function, see its migration) then re-checks them in a
 * fresh snapshot, since a pick may have counted assignments from before another transaction's assignment committed,
 * and assigns those that pass. While the row locks last (to the end of the statement), no other batch can assign
 * these subjects. Two takes of one batch may pick the same subject (the batch's own locks do not skip each other):
 * the function gives it to no more volunteers than its cap allows, and one volunteer's subject belongs to their first
 * take that picked it, which the caller settles. Returns the assigned subjects with the take that picked them, by
 * take and serving order. `withoutReported` leaves out the subjects each take's volunteer reported (for takes of
 * volunteers who reported any: `notReported`). Parameters: TAKES's $1–$9, and $10 the assignment lifetime in seconds.
 */
export const pickAndAssignSql = (kind: PickKind, withoutReported: boolean) => `WITH picked AS MATERIALIZED (
    SELECT r.take, r.workflow_id, r.user_id, r.cap, r.earliest, p.subject_id, p.ord FROM ${TAKES}
    CROSS JOIN LATERAL (${(withoutReported ? ARMS_WITHOUT_REPORTED : ARMS)[kind]}) p
  ), assigned AS (
    SELECT a.* FROM (SELECT array_agg(take) AS takes, array_agg(workflow_id) AS workflows, array_agg(user_id) AS users,
                            array_agg(subject_id) AS subjects, array_agg(cap) AS caps, array_agg(earliest) AS earliest FROM picked) agg
    CROSS JOIN LATERAL assign_picked_subjects(agg.takes, agg.workflows, agg.users, agg.subjects, agg.caps, agg.earliest, $10) a
  )
  SELECT p.take, a.id, a.external_id, a.locations, a.metadata, a.is_gold_standard
  FROM picked p JOIN assigned a ON a.workflow_id = p.workflow_id AND a.user_id = p.user_id AND a.id = p.subject_id
  ORDER BY p.take, p.ord`;

/** The volunteer's classifications in the workflow, counted no further than $3 (what can still matter). */
export const EXPERIENCE = `SELECT count(*)::int AS classifications FROM (
  SELECT 1 FROM classifications WHERE workflow_id = $1 AND user_id = $2 LIMIT $3) c`;

/**
 * For each queue request of a moment: the workflow, its project's status, the caller's role in it and how many more
 * subjects the caller may hold in it, and whether they reported any of its subjects (their picks then leave those
 * out), in one round trip for them all; for a guest made from a known address, that address, and how many more the
 * guests made from it may hold in the workflow together (`address_room`, null for anyone else or without a limit).
 * Each guest's hold carries its address (`assign_picked_subjects` stamps it), so the address's live holds are counted
 * through their own partial index (workflow, address), no further than the limit: the limit bounds the cost (with the
 * holds expired that the reconciler has not yet deleted), not the number of the address's guests.
 * One row per request whose workflow exists, with `request`, the request's index. Parameters: parallel arrays $1
 * workflow, $2 volunteer, $3 most subjects the volunteer may hold, $4 most subjects its address's guests may hold
 * (null for none).
 */
export const WORKFLOWS_FOR_QUEUE = `SELECT (r.request - 1)::int AS request, w.name, w.status, w.version, p.status AS project_status, p.taken_down_at AS project_taken_down_at, m.role,
    greatest(0, r.most_held - (SELECT count(*) FROM assignments a WHERE a.workflow_id = w.id AND a.user_id = r.user_id AND a.expires_at > now()))::int AS room,
    g.guest_address,
    CASE WHEN g.guest_address IS NOT NULL AND r.address_most IS NOT NULL THEN greatest(0, r.address_most - (
      SELECT count(*) FROM (SELECT FROM assignments a WHERE a.workflow_id = w.id AND a.guest_address = g.guest_address AND a.expires_at > now() LIMIT r.address_most) held))::int END AS address_room,
    EXISTS (SELECT 1 FROM subject_reports sr WHERE sr.user_id = r.user_id AND sr.workflow_id = w.id) AS reported
  FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[]) WITH ORDINALITY AS r(workflow_id, user_id, most_held, address_most, request)
  JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
  LEFT JOIN users g ON g.id = r.user_id AND g.kind = 'guest'
  LEFT JOIN project_members m ON m.project_id = w.project_id AND m.user_id = r.user_id`;

/**
 * The hot rows `st` of workflow $1 that meet `where` (on `st` and `r`) and are of members of subject set $6, for an
 * EXISTS (which reads no further than the first): probed member by member when the set has few (`fewMembers`, as
 * counted in `remainingSql`'s `size`), else the workflow's rows, each probed for membership; the arm not chosen is not
 * run. As one membership test, the planner's generic plan read every workflow's hot rows, hashed against the set.
 */
const chosenRows = (where: string) => `SELECT st.subject_id FROM r CROSS JOIN ${membersOf('$6::uuid')}
      CROSS JOIN LATERAL (SELECT st.subject_id FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.subject_id = m.subject_id AND ${where} LIMIT 1) st
      WHERE (SELECT few FROM size)
    UNION ALL
    SELECT st.subject_id FROM r, subject_workflow_status st WHERE st.workflow_id = $1 AND ${where} AND ${inSet('$6::uuid', 'st.subject_id', true)} AND NOT (SELECT few FROM size)`;

/**
 * What is left for the volunteer: any subject not retired, any they have not classified, (when they may take more)
 * any they could be given now were its row not locked (by aggregation, or another volunteer's assignment) or its
 * last answers waiting for the worker (`PICKABLE`), and when the first of their own holds of subjects left to
 * classify lapses (null: they hold none). When none
 * is eligible and they hold none: whether other volunteers hold any they have not classified, and if nobody does
 * (the subjects left have the answers their rule may need, and wait for the worker to retire them), whether the
 * worker owes one of them its aggregation since less than `AGGREGATION_AWAITED` (else it is down, or failing them).
 * Gold-standard subjects never count: they are served only alongside others; nor, when `withoutReported` (the
 * volunteer reported subjects of the workflow), those the volunteer reported, which are not theirs to classify: left
 * with only those, they have seen everything. Parameters: $1 workflow, $2 volunteer, $3 cap (null for no cap), $4
 * whether to look for `eligible` at all, $5 the fewest counted classifications that could retire a subject; with
 * `inChosenSet`, $6 the subject set the volunteer chose, outside which nothing counts: what is left in it, and which
 * of it is eligible, read from its members when it has few (`chosenRows`).
 */
export const remainingSql = (withoutReported: boolean, inChosenSet = false) => {
  // Probed, not joined: joined, the generic plan of the volunteer's holds (`yoursUntil`) read the workflow's rows.
  const chosen = (subject: string) => (inChosenSet ? ` AND ${inSet('$6::uuid', subject, true)}` : '');
  const unreported = (subject: string) => (withoutReported ? ` AND ${notReported('$1', subject, '$2')}` : '');
  const theirs = (subject: string) => `${unreported(subject)}${chosen(subject)}`;
  const regular = inChosenSet
    ? `size AS (SELECT ${fewMembers('$6::uuid', '$1')} AS few),
  regular AS (${chosenRows(LEFT_TO_CLASSIFY)}),`
    : `regular AS (SELECT st.subject_id FROM r, subject_workflow_status st WHERE st.workflow_id = r.workflow_id AND ${LEFT_TO_CLASSIFY}),`;
  const eligible = inChosenSet ? chosenRows(`${ELIGIBLE}${unreported('st.subject_id')}`) : `SELECT 1 FROM r, subject_workflow_status st WHERE ${ELIGIBLE}${theirs('st.subject_id')}`;
  return `WITH r AS (SELECT $1::uuid AS workflow_id, $2::uuid AS user_id, $3::int AS cap, true AS without_gold, $5::int AS earliest),
  ${regular}
  counted AS (
    SELECT EXISTS (SELECT 1 FROM regular) AS unretired,
      EXISTS (SELECT 1 FROM regular st WHERE NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = st.subject_id AND c.user_id = $2)${unreported('st.subject_id')}) AS unseen),
  found AS (
    SELECT unretired, unseen, unseen AND $4::bool AND EXISTS (${eligible}) AS eligible,
      (SELECT min(a.expires_at) FROM assignments a JOIN subject_workflow_status st ON st.workflow_id = a.workflow_id AND st.subject_id = a.subject_id
        WHERE a.workflow_id = $1 AND a.user_id = $2 AND a.expires_at > now() AND ${LEFT_TO_CLASSIFY}${theirs('a.subject_id')}) AS "yoursUntil"
    FROM counted),
  held AS (
    SELECT found.*, unseen AND NOT eligible AND "yoursUntil" IS NULL AND EXISTS (
        SELECT 1 FROM assignments a JOIN subject_workflow_status st ON st.workflow_id = a.workflow_id AND st.subject_id = a.subject_id
        WHERE a.workflow_id = $1 AND a.user_id <> $2 AND a.expires_at > now() AND ${LEFT_TO_CLASSIFY}
          AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = a.subject_id AND c.user_id = $2 OFFSET 0)${theirs('a.subject_id')}) AS "othersHold"
    FROM found)
  SELECT held.*, unseen AND NOT eligible AND "yoursUntil" IS NULL AND NOT "othersHold" AND EXISTS (
      SELECT 1 FROM subject_workflow_status st
      WHERE st.workflow_id = $1 AND ${LEFT_TO_CLASSIFY} AND st.aggregated_count < st.classification_count AND st.updated_at > now() - ${AGGREGATION_AWAITED}
        AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = st.subject_id AND c.user_id = $2 OFFSET 0)${theirs('st.subject_id')}) AS "waitingForWorker"
  FROM held`;
};

/**
 * Holds the volunteer's assignments of subjects $4 in workflow $1 ($2 the volunteer) for $3 seconds from now, those
 * still live and of subjects the workflow has not retired. One about to lapse is left to
 * lapse: an assignment that sees it lapsed meanwhile may have given the subject to someone else.
 */
export const HOLD_FOR = `UPDATE assignments SET expires_at = now() + make_interval(secs => $3::float8)
  WHERE workflow_id = $1 AND user_id = $2 AND subject_id = ANY($4::uuid[]) AND expires_at > now() + interval '10 seconds'
    AND EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.subject_id = assignments.subject_id AND st.retired_at IS NULL)
  RETURNING subject_id, expires_at`;

/**
 * The subjects volunteer $2 still holds in workflow $1 and may classify (not retired, not classified by them, nor
 * reported by them when `withoutReported`), at most $3, held again for $4 seconds from now (never for less than they
 * were): those a page of theirs that died without giving them back was showing, for a page that knows no other page of
 * theirs shows them. In their serving order: by when they were served, then, of those served together, in the order of
 * the workflow's linked sets and of each set (the sequential order); a hold about to lapse is left to lapse, as
 * `HOLD_FOR` leaves it. With `inChosenSet`, only those of subject set $5, the one the volunteer chose.
 */
export const resumeHoldsSql = (withoutReported: boolean, inChosenSet = false) => `WITH mine AS (
    SELECT o.subject_id, row_number() OVER (ORDER BY o.assigned_at, place.set_position, place.subject_set_id, place.member_position, o.subject_id) AS ord
    FROM assignments o JOIN subject_workflow_status st ON st.workflow_id = o.workflow_id AND st.subject_id = o.subject_id
    LEFT JOIN LATERAL (
      SELECT l.position AS set_position, l.subject_set_id, m.position AS member_position FROM subject_set_members m
      JOIN workflow_subject_sets l ON l.workflow_id = o.workflow_id AND l.subject_set_id = m.subject_set_id
      WHERE m.subject_id = o.subject_id ORDER BY l.position, l.subject_set_id LIMIT 1) place ON true
    WHERE o.workflow_id = $1 AND o.user_id = $2 AND o.expires_at > now() + interval '10 seconds' AND st.retired_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = o.subject_id AND c.user_id = $2)${withoutReported ? ` AND ${notReported('$1', 'o.subject_id', '$2')}` : ''}${inChosenSet ? ` AND ${inSet('$5::uuid', 'o.subject_id')}` : ''}
    ORDER BY ord LIMIT $3
  ), held AS (
    UPDATE assignments a SET expires_at = greatest(a.expires_at, now() + make_interval(secs => $4::float8))
    FROM mine WHERE a.workflow_id = $1 AND a.user_id = $2 AND a.subject_id = mine.subject_id AND a.expires_at > now()
    RETURNING a.subject_id
  )
  SELECT s.id, s.external_id, s.locations, s.metadata, st.gold_standard AS is_gold_standard
  FROM mine JOIN held h ON h.subject_id = mine.subject_id JOIN subjects s ON s.id = mine.subject_id
  JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = mine.subject_id
  ORDER BY mine.ord`;

/**
 * A page's renewal of volunteer $2's holds of subjects $4 in workflow $1, in one statement. `gone`: those of them the
 * workflow does not ask the volunteer for (now): retired, or in none of its sets any more, whoever held them, and
 * whether or not the asker's hold has lapsed (a page left open over lunch still shows what others retired since); or
 * classified by the volunteer meanwhile (on another device, or as a guest whose work a sign-in carried to them). Their
 * holds end here, but for subject $5 (null: none), the one on screen: a retirement leaves holds as they are, so that
 * a page still showing one is never served it again if researchers unretire it, and the page drops the others, whose
 * holds would keep them from everyone, once unretired, for the rest of their lifetime (and which a page that died
 * after this answer could not give back). The others still live are held for $3 seconds from now; one about to lapse
 * is left to lapse, as `HOLD_FOR` leaves it. The volunteer's rows are locked in key order first, as `END_ALL_HOLDS`
 * locks them, so that the two never deadlock. Rows: `held` (with `expires_at`), then `gone`.
 */
export const RENEW_HOLDS = `WITH gone AS (
    SELECT s.subject_id FROM unnest($4::uuid[]) AS s(subject_id)
    WHERE NOT EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.subject_id = s.subject_id AND st.retired_at IS NULL)
      OR EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = s.subject_id AND c.user_id = $2)
  ), mine AS (
    SELECT a.subject_id, a.subject_id IN (SELECT subject_id FROM gone) AS gone FROM assignments a
    WHERE a.workflow_id = $1 AND a.user_id = $2 AND a.subject_id = ANY($4::uuid[])
    ORDER BY a.subject_id FOR UPDATE OF a
  ), released AS (
    DELETE FROM assignments a USING mine
    WHERE a.workflow_id = $1 AND a.user_id = $2 AND a.subject_id = mine.subject_id AND mine.gone AND a.subject_id IS DISTINCT FROM $5::uuid
  ), held AS (
    UPDATE assignments a SET expires_at = now() + make_interval(secs => $3::float8) FROM mine
    WHERE a.workflow_id = $1 AND a.user_id = $2 AND a.subject_id = mine.subject_id AND NOT mine.gone AND a.expires_at > now() + interval '10 seconds'
    RETURNING a.subject_id, a.expires_at
  )
  SELECT subject_id, expires_at, false AS gone FROM held
  UNION ALL SELECT subject_id, NULL, true FROM gone`;

/**
 * Of subjects $2 of workflow $1 (none of another's: its project may be closed to the caller), those whose locations
 * researchers have corrected (a new address of the same content), with their locations now: a page that kept them from
 * an earlier batch shows them at their new addresses.
 */
export const CORRECTED_AMONG = `SELECT s.id, s.locations FROM subjects s
  WHERE s.id = ANY($2::uuid[]) AND EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.subject_id = s.id)
    AND EXISTS (SELECT 1 FROM subject_location_changes ch WHERE ch.subject_id = s.id)`;

/** Ends the volunteer's assignments of these subjects ($3; null: all their live ones), in workflow $1 for volunteer $2. */
export const RELEASE = `DELETE FROM assignments WHERE workflow_id = $1 AND user_id = $2 AND ($3::uuid[] IS NULL AND expires_at > now() OR subject_id = ANY($3::uuid[]))
  RETURNING subject_id`;

/**
 * Ends every live assignment of workflow $1, whoever holds it, taken by $2 (null: whenever), so that researchers told how
 * many subjects were held at a moment end those holds and no hold taken since: how many, and of how many unretired
 * subjects (as the workflow's stats count those held). Locked in key order first, so that it never deadlocks with a
 * volunteer's renewal or release of several of theirs.
 */
export const END_ALL_HOLDS = `WITH ended AS (
    DELETE FROM assignments a WHERE (a.workflow_id, a.user_id, a.subject_id) IN (
      SELECT l.workflow_id, l.user_id, l.subject_id FROM assignments l WHERE l.workflow_id = $1 AND l.expires_at > now() AND ($2::timestamptz IS NULL OR l.assigned_at <= $2)
      ORDER BY l.user_id, l.subject_id FOR UPDATE OF l)
    RETURNING a.subject_id)
  SELECT count(*)::int AS released,
         count(DISTINCT e.subject_id) FILTER (WHERE EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.subject_id = e.subject_id AND st.retired_at IS NULL))::int AS subjects
    FROM ended e`;

/**
 * Who retired workflow $1's subjects (gold-standard ones, never retired, aside), for a queue that has none left: how
 * many its retirement rule did (reasons $2, its consensus), how many its researchers did (by id, by set, or by taking
 * their set out of the workflow), and whether the last retired was the rule's. Read only on that empty answer.
 */
export const RETIRED_BY = `SELECT count(*) FILTER (WHERE st.retirement_reason = ANY($2::text[]))::int AS "byConsensus",
    count(*) FILTER (WHERE st.retirement_reason <> ALL($2::text[]))::int AS "byResearchers",
    (SELECT l.retirement_reason = ANY($2::text[]) FROM subject_workflow_status l
      WHERE l.workflow_id = $1 AND l.retired_at IS NOT NULL AND NOT l.gold_standard ORDER BY l.retired_at DESC LIMIT 1) AS "lastByConsensus"
  FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.retired_at IS NOT NULL AND NOT st.gold_standard`;

/** A link of workflow $1 to a set volunteers may choose: not its training set ($2, or null). */
const CHOOSABLE_LINK = 'l.workflow_id = $1 AND l.subject_set_id IS DISTINCT FROM $2::uuid';
/** A subject of a linked set (`st`) that the set serves as its own: gold-standard ones, which never retire, aside. */
const OWN_SUBJECT = 'NOT st.gold_standard';
/** The members of linked set `l` and their state in the workflow (`st`), joined as `join` says. */
const membersOfLink = (join: 'JOIN' | 'LEFT JOIN') => `${join} subject_set_members m ON m.subject_set_id = l.subject_set_id
  ${join} subject_workflow_status st ON st.workflow_id = l.workflow_id AND st.subject_id = m.subject_id`;

/**
 * The subject sets of workflow $1 a volunteer chooses from, in the order it serves them, each with its subjects in the
 * workflow and those left to classify (`LEFT_TO_CLASSIFY`; gold-standard ones, which never retire, counted in neither):
 * not its training set ($2, or null), nor one with no subject but gold-standard ones, which has nothing of its own to
 * serve. One statement, reading each linked set's members along their primary key and each one's hot row.
 */
export const CHOOSABLE_SETS = `SELECT l.subject_set_id AS id, s.name,
    count(st.subject_id) FILTER (WHERE ${OWN_SUBJECT})::int AS subjects, count(st.subject_id) FILTER (WHERE ${LEFT_TO_CLASSIFY})::int AS "left"
  FROM workflow_subject_sets l JOIN subject_sets s ON s.id = l.subject_set_id
  ${membersOfLink('LEFT JOIN')}
  WHERE ${CHOOSABLE_LINK}
  GROUP BY l.position, l.subject_set_id, s.name HAVING count(st.subject_id) FILTER (WHERE ${OWN_SUBJECT}) > 0
  ORDER BY l.position, l.subject_set_id`;

/** Whether `CHOOSABLE_SETS` of workflow $1 ($2 its training set) lists set $3, found without counting its subjects. */
export const IS_CHOOSABLE_SET = `SELECT EXISTS (SELECT 1 FROM workflow_subject_sets l
  ${membersOfLink('JOIN')}
  WHERE ${CHOOSABLE_LINK} AND l.subject_set_id = $3::uuid AND ${OWN_SUBJECT}) AS choosable`;
