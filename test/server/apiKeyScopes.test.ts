/**
 * Scope wildcards: `validateScopes` grants `"*"` (as a resource or an action)
 * only where the scope set offers it, and still accepts any well-formed scope
 * when no scope set is configured.
 */
import { describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { validateScopes, type ApiKeyScope } from "../../src/server/apiKeys/scopes.js";
import { isAuthError } from "../../src/server/errors.js";
import { as, password, tokensOf } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { makeTest } from "../harness/setup.js";

type ScopeSet = Record<string, readonly string[]>;

/** `resource:action,action` → one scope. */
function parse(spec: string): ApiKeyScope {
  const [resource, actions] = spec.split(/:(?=[^:]*$)/) as [string, string];
  return { resource, actions: actions.split(",") };
}

/** "ok" or the code `validateScopes` throws for this one scope. */
function check(spec: string, scopeSet: ScopeSet | null): string {
  try {
    validateScopes([parse(spec)], scopeSet);
    return "ok";
  } catch (error) {
    if (isAuthError(error)) return error.data.code;
    throw error;
  }
}

describe("validateScopes wildcards", () => {
  const SET: ScopeSet = { reports: ["read", "write"], billing: ["read"], admin: ["*"] };

  test("a wildcard the scope set does not offer is INVALID_SCOPE", () => {
    for (const spec of ["*:*", "*:read", "*:write", "*:delete", "reports:*", "billing:*", "reports:read,*", "secrets:*"]) {
      expect(check(spec, SET), spec).toBe("INVALID_SCOPE");
    }
  });

  test("a resource whose entry holds \"*\" may ask for \"*\" or any action", () => {
    expect(validateScopes([parse("admin:*")], SET)).toEqual([{ resource: "admin", actions: ["*"] }]);
    expect(validateScopes([parse("admin:purge,*,purge")], SET)).toEqual([{ resource: "admin", actions: ["purge", "*"] }]);
    for (const spec of ["reports:read", "reports:read,write", "billing:read"]) expect(check(spec, SET), spec).toBe("ok");
    for (const spec of ["reports:delete", "billing:write"]) expect(check(spec, SET), spec).toBe("INVALID_SCOPE");
  });

  test("resource \"*\" needs a \"*\" entry, and its actions are checked against that entry", () => {
    const withStarRead: ScopeSet = { "*": ["read"], reports: ["read", "write"] };
    expect(check("*:read", withStarRead)).toBe("ok");
    // "write" on every resource is not offered, even though "reports" has it.
    expect(check("*:write", withStarRead)).toBe("INVALID_SCOPE");
    expect(check("*:*", withStarRead)).toBe("INVALID_SCOPE");
    expect(check("reports:*", withStarRead)).toBe("INVALID_SCOPE");

    const withStarAll: ScopeSet = { "*": ["*"], reports: ["read"] };
    for (const spec of ["*:*", "*:read", "*:anything"]) expect(check(spec, withStarAll), spec).toBe("ok");
    // The "*" entry says nothing about a named resource's own actions.
    expect(check("reports:*", withStarAll)).toBe("INVALID_SCOPE");
    expect(check("reports:write", withStarAll)).toBe("INVALID_SCOPE");
  });

  test("one bad scope among good ones refuses the whole request", () => {
    const messageOf = (scopes: ApiKeyScope[]) => {
      try {
        validateScopes(scopes, SET);
      } catch (error) {
        if (isAuthError(error)) return `${error.data.code}: ${error.data.message}`;
        throw error;
      }
      return "ok";
    };
    expect(messageOf([parse("reports:read"), parse("*:*")])).toBe('INVALID_SCOPE: Unknown scope resource "*"');
    expect(messageOf([parse("admin:*"), parse("reports:*")])).toBe('INVALID_SCOPE: Unknown action "*" on "reports"');
  });

  test("with no scope set, well-formed scopes pass, wildcards included; malformed ones do not", () => {
    for (const spec of ["*:*", "*:read", "sessions:*", "*:write", "anything:goes"]) expect(check(spec, null), spec).toBe("ok");
    for (const spec of ["a b:read", "reports:re ad", "**:read", "reports:**"]) expect(check(spec, null), spec).toBe("INVALID_SCOPE");
  });
});

describe("the example app's key creation", () => {
  test("wildcards outside its scope set are refused; scopes within it are granted", async () => {
    const t = makeTest();
    const ada = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    const create = (scopes: ApiKeyScope[]) => as(t, ada.token).mutation(api.apiKeys.create, { name: "k", scopes });
    // The example's scope set: { profile: ["read", "write"], sessions: ["read"] }.
    for (const spec of ["*:*", "*:read", "sessions:*", "profile:*", "*:write"]) {
      await expectAuthError(create([parse(spec)]), "INVALID_SCOPE");
    }
    expect(await as(t, ada.token).query(api.apiKeys.list, {})).toEqual([]);
    await create([parse("profile:read,write"), parse("sessions:read")]);
    const listed = await as(t, ada.token).query(api.apiKeys.list, {});
    expect(listed.map((k) => k.scopes)).toEqual([
      [
        { resource: "profile", actions: ["read", "write"] },
        { resource: "sessions", actions: ["read"] },
      ],
    ]);
  });
});
