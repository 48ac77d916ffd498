// @vitest-environment node
/**
 * The Groups page in Chromium against the embedded dev backend: an owner
 * creates a group and an invite link, a second user opens the link (signed
 * out at first, so the invite waits through a sign-up), joins, and the
 * owner's member list shows them without a reload; the owner removes them
 * and the group leaves their device at once. Refusals: a used link and a
 * revoked one are refused on a third device (one revoked while it is being
 * looked at), a member cannot join twice, and a non-member sees no group.
 *
 * The page offers no role change (roles are set by the invite), so none is
 * tested here.
 */
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startDevApp, type DevApp } from "./app/devApp.js";
import { card, signUpWithPassword, signedInCard } from "./app/pages.js";

const PASSWORD = "correct horse battery";

let app: DevApp;
beforeAll(async () => {
  app = await startDevApp();
});
afterAll(async () => {
  await app?.stop();
});

/** Opens the Groups page the way a user does: the sidebar link. */
async function openGroups(page: Page): Promise<void> {
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Groups" }).click();
  await card(page, "Create a group").waitFor({ timeout: 15_000 });
}

/** Signs up a new user on `page` and waits until they are signed in. */
async function signUp(page: Page, name: string, email: string): Promise<void> {
  await signUpWithPassword(page, { email, password: PASSWORD, name });
  await expect.poll(() => signedInCard(page).innerText(), { timeout: 15_000 }).toContain(email);
}

/** Creates a group from the "Create a group" card; it opens. */
async function createGroup(page: Page, name: string): Promise<void> {
  const form = card(page, "Create a group");
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Create group" }).click();
  await expect.poll(() => form.getByRole("status").innerText(), { timeout: 15_000 }).toContain("You are its owner");
  await membersCard(page, name).waitFor({ timeout: 15_000 });
}

/** Creates an invite link for the open group and reads it off the page, as a user copies it. */
async function createInviteLink(page: Page): Promise<string> {
  const invite = card(page, "Invite by link");
  await invite.getByRole("button", { name: "Create invite link" }).click();
  const shown = invite.getByRole("status").filter({ hasText: "only now" }).locator("code");
  await shown.waitFor({ timeout: 15_000 });
  const link = await shown.innerText();
  expect(link).toMatch(/^http:\/\/localhost:\d+\/#\/invite\/[A-Za-z0-9_-]{43}$/);
  return link;
}

function membersCard(page: Page, groupName: string): Locator {
  return card(page, `Members of ${groupName}`);
}

function inviteCard(page: Page): Locator {
  return page.getByRole("region", { name: "Invite" });
}

function yourGroups(page: Page): Locator {
  return card(page, "Your groups");
}

test("an invite link: the invitee signs up, joins, the owner sees them live; removed, the group leaves their device live", async () => {
  // The owner signs up, creates a group and an invite link.
  const owner = await app.device();
  await signUp(owner.page, "Olga", "olga@example.com");
  await openGroups(owner.page);
  await expect.poll(() => yourGroups(owner.page).innerText()).toContain("None yet");
  await createGroup(owner.page, "Climbing club");
  const ownerMembers = membersCard(owner.page, "Climbing club");
  await expect.poll(() => ownerMembers.getByRole("listitem").allInnerTexts()).toEqual([expect.stringMatching(/Olga[\s\S]*owner[\s\S]*You/)]);
  const link = await createInviteLink(owner.page);
  const pending = card(owner.page, "Pending invites");
  await expect.poll(() => pending.getByRole("listitem").count(), { timeout: 15_000 }).toBe(1);

  // The invitee opens the link signed out: the invite is shown, with no way to accept yet.
  const invitee = await app.device(new URL(link).hash);
  const invite = inviteCard(invitee.page);
  await expect.poll(() => invite.innerText(), { timeout: 15_000 }).toMatch(/Olga invited you to join Climbing club as member/);
  await expect.poll(() => invite.innerText()).toContain("Sign in on the Account page");
  expect(await invite.getByRole("button", { name: "Accept and join" }).count()).toBe(0);

  // They sign up, come back to Groups: the invite waited for them. They accept.
  await signUp(invitee.page, "Max", "max@example.com");
  await openGroups(invitee.page);
  await invite.getByRole("button", { name: "Accept and join" }).waitFor({ timeout: 15_000 });
  await expect.poll(() => invite.innerText()).toMatch(/Olga invited you to join Climbing club as member/);
  await app.screenshot(invitee.page, "groups-invite");
  await invite.getByRole("button", { name: "Accept and join" }).click();

  // The invitee is a member: the group opens, listing both; the invite card is gone.
  const inviteeMembers = membersCard(invitee.page, "Climbing club");
  await expect.poll(() => inviteeMembers.getByRole("listitem").count(), { timeout: 15_000 }).toBe(2);
  await expect.poll(() => inviteeMembers.getByRole("listitem").filter({ hasText: "Max" }).innerText()).toMatch(/member[\s\S]*You/);
  await expect.poll(() => inviteCard(invitee.page).count()).toBe(0);
  await expect.poll(() => yourGroups(invitee.page).innerText()).toMatch(/Climbing club\s*member/);
  // A member manages nothing: no invite links, no removing others.
  expect(await card(invitee.page, "Invite by link").count()).toBe(0);
  expect(await inviteeMembers.getByRole("listitem").filter({ hasText: "Olga" }).getByRole("button").count()).toBe(0);

  // The owner's device shows the new member without a reload, and the used link left "Pending invites".
  await expect.poll(() => ownerMembers.getByRole("listitem").count(), { timeout: 15_000 }).toBe(2);
  const maxRow = ownerMembers.getByRole("listitem").filter({ hasText: "Max" });
  await expect.poll(() => maxRow.innerText()).toMatch(/Max[\s\S]*member[\s\S]*max@example\.com/);
  await expect.poll(() => pending.innerText(), { timeout: 15_000 }).toContain("No link waiting to be used");
  await app.screenshot(owner.page, "groups-members");

  // The owner removes Max: Max's device loses the group at once.
  await maxRow.getByRole("button", { name: "Remove" }).click();
  await expect.poll(() => ownerMembers.getByRole("status").innerText(), { timeout: 15_000 }).toContain("Removed.");
  await expect.poll(() => ownerMembers.getByRole("listitem").count()).toBe(1);
  await expect.poll(() => yourGroups(invitee.page).innerText(), { timeout: 15_000 }).toContain("None yet");
  await expect.poll(() => inviteeMembers.count(), { timeout: 15_000 }).toBe(0);
  // What was open is refused now: he is no longer a member.
  await expect.poll(() => invitee.page.getByRole("alert").first().innerText(), { timeout: 15_000 }).toMatch(/No such group/);
  await owner.close();
  await invitee.close();
}, 90_000);

test("refusals: a used or revoked link on a third device, a member joining twice; a non-member sees no group", async () => {
  const owner = await app.device();
  await signUp(owner.page, "Pia", "pia@example.com");
  await openGroups(owner.page);
  await createGroup(owner.page, "Book club");
  const used = await createInviteLink(owner.page);

  const member = await app.device();
  await signUp(member.page, "Quinn", "quinn@example.com");
  await member.page.goto(used);
  await inviteCard(member.page).getByRole("button", { name: "Accept and join" }).click();
  await membersCard(member.page, "Book club").waitFor({ timeout: 15_000 });

  // A second link, revoked by the owner before anyone uses it.
  const revoked = await createInviteLink(owner.page);
  const pending = card(owner.page, "Pending invites");
  await expect.poll(() => pending.getByRole("listitem").count(), { timeout: 15_000 }).toBe(1);
  await pending.getByRole("button", { name: "Revoke" }).click();
  await expect.poll(() => pending.innerText(), { timeout: 15_000 }).toContain("Revoked: that link no longer works.");
  await expect.poll(() => pending.innerText()).toContain("No link waiting to be used");

  // A third user: the used link and the revoked one are refused, with no way to accept.
  const other = await app.device();
  await signUp(other.page, "Rae", "rae@example.com");
  await other.page.goto(used);
  const invite = inviteCard(other.page);
  await expect.poll(() => invite.innerText(), { timeout: 15_000 }).toContain("This invite was already accepted.");
  expect(await invite.getByRole("button", { name: "Accept and join" }).count()).toBe(0);
  await other.page.goto(revoked);
  await expect.poll(() => invite.innerText(), { timeout: 15_000 }).toContain("This invite was already revoked.");
  expect(await invite.getByRole("button", { name: "Accept and join" }).count()).toBe(0);
  await app.screenshot(other.page, "groups-invite-refused");
  // A link that is no invite at all.
  await other.page.goto(used.replace(/invite\/.*$/, `invite/${"x".repeat(43)}`));
  await expect.poll(() => invite.innerText(), { timeout: 15_000 }).toContain("This invite link does not work");
  await invite.getByRole("button", { name: "Dismiss" }).click();
  await expect.poll(() => invite.count()).toBe(0);
  expect(new URL(other.page.url()).hash).toBe("#/groups");
  // Not a member: the group is not among Rae's.
  await expect.poll(() => yourGroups(other.page).innerText(), { timeout: 15_000 }).toContain("None yet");
  expect(await other.page.getByText("Book club").count()).toBe(0);

  // A member cannot join again: the server refuses, and the link stays usable.
  const third = await createInviteLink(owner.page);
  await member.page.goto(third);
  const again = inviteCard(member.page);
  await again.getByRole("button", { name: "Accept and join" }).click();
  await expect.poll(() => again.getByRole("alert").innerText(), { timeout: 15_000 }).toMatch(/ALREADY_MEMBER/);
  await expect.poll(() => pending.getByRole("listitem").count(), { timeout: 15_000 }).toBe(1);

  // Rae opens that link; while she looks at it, the owner revokes it: the offer goes away live.
  await other.page.goto(third);
  await invite.getByRole("button", { name: "Accept and join" }).waitFor({ timeout: 15_000 });
  await pending.getByRole("button", { name: "Revoke" }).click();
  await expect.poll(() => invite.innerText(), { timeout: 15_000 }).toContain("This invite was already revoked.");
  expect(await invite.getByRole("button", { name: "Accept and join" }).count()).toBe(0);
  await expect.poll(() => yourGroups(other.page).innerText()).toContain("None yet");

  await owner.close();
  await member.close();
  await other.close();
}, 90_000);
