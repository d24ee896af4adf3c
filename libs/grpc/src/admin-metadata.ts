/**
 * The metadata that carries the admin token on a call (`authorization: Bearer <token>`); empty
 * without a token (admin auth off). The counterpart of requireAdminToken.
 */
export function adminMetadata(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}
