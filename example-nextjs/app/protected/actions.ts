"use server";
// A Server Action calling Convex as the signed-in user.
import { fetchMutation } from "convex/nextjs";
import { revalidatePath } from "next/cache";
import { convexAuthToken } from "convex-auth-kit/nextjs/server";
import { api } from "../../../example/convex/_generated/api";
import { convexUrl } from "../convexUrl";

export async function rename(formData: FormData): Promise<void> {
  const token = await convexAuthToken({ refresh: true });
  if (token === null) throw new Error("Sign in first");
  await fetchMutation(api.users.rename, { name: String(formData.get("name") ?? "") }, { token, url: convexUrl() });
  revalidatePath("/protected");
}
