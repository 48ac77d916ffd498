import { cronJobs } from "convex/server";
import { internal } from "./_generated/api.js";

const crons = cronJobs();

/** Expired tokens, sessions, codes and verifiers are deleted every hour. */
crons.interval("sweep expired auth data", { hours: 1 }, internal.sweep.expired, {});

/** Audit events past their retention (`Auth({ audit: { retentionDays } })`, 90 days by default) are deleted every hour. */
crons.interval("delete audit events past retention", { hours: 1 }, internal.sweep.events, {});

/** Deletions whose background batches stalled (lost or failed) are resumed every hour. */
crons.interval("resume stalled deletions", { hours: 1 }, internal.sweep.resumeDeletions, {});

/** Pending invites past their expiry are marked expired every hour. */
crons.interval("expire invites", { hours: 1 }, internal.invites.expireDue, {});

export default crons;
