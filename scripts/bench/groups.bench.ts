/**
 * Cost of groups and invites:
 *
 * - `invite.create`: the example app's `groups.createInviteLink` mutation for
 *   a signed-in owner (its membership check, then `auth.invite.create`).
 * - `invite.accept`: the example app's `groups.acceptInvite` mutation for a
 *   signed-in user (`auth.invite.accept`: the invite marked accepted and the
 *   membership added in one transaction).
 * - `member.list`, `member.list.at10k`: the first page (20) of a group's
 *   members from the component (`members.list`, what `auth.member.list`
 *   calls), in a group of 20 and of 10,000 members: the cost must not grow
 *   with the group.
 *
 * The users sign up through the example app (password), so each holds a real
 * session: the invite and member helpers read the caller's session (one
 * `sessions.get`) when called with one of our access tokens.
 */
import { test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { as, makeAuthTest, password, tokensOf, type AuthTest } from "../../test/harness/auth.js";
import { groupSeed, groupSeedModule } from "../../test/fixtures/groupSeed.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const PW = "correct horse battery staple";

/** A user signed up through the app: `t` acting with their access token (a live session). */
async function signedInUser(t: AuthTest, email: string) {
  const { token } = tokensOf(await password.signUp(t, email, PW));
  return as(t, token);
}

test("groups", { timeout: 600_000 }, async () => {
  const ops: Record<string, OpFigures> = {};
  const meter = new Meter();
  const t = makeAuthTest({ around: meter.around, componentModules: groupSeedModule });
  let made = 0;
  const newUser = async () => await signedInUser(t, `user${++made}@bench.test`);

  const owner = await newUser();
  const groupId = await owner.mutation(api.groups.create, { name: "Bench" });

  ops["invite.create"] = await meter.measure(
    RUNS,
    async () => groupId,
    (id) => owner.mutation(api.groups.createInviteLink, { groupId: id }),
  );
  ops["invite.accept"] = await meter.measure(
    RUNS,
    async () => {
      const { token } = await owner.mutation(api.groups.createInviteLink, { groupId });
      return { token, user: await newUser() };
    },
    ({ token, user }) => user.mutation(api.groups.acceptInvite, { token }),
  );

  const firstPage = (id: string) =>
    t.query(components.auth.members.list, { groupId: id, paginationOpts: { numItems: 20, cursor: null } });
  const small = await t.mutation(components.auth.groups.create, { name: "Small" });
  await t.mutation(groupSeed.seedMembers, { groupId: small, from: 0, count: 20, role: "member" });
  ops["member.list"] = await meter.measure(RUNS, async () => small, firstPage);

  const big = await t.mutation(components.auth.groups.create, { name: "Big" });
  for (let from = 100; from < 10_100; from += 2_500) {
    await t.mutation(groupSeed.seedMembers, { groupId: big, from, count: 2_500, role: "member" });
  }
  ops["member.list.at10k"] = await meter.measure(RUNS, async () => big, firstPage);

  saveResult("groups", { ops });
});
