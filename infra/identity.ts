/**
 * Who the stage trusts to name its callers: an OIDC provider's issuer URL and
 * the audience its tokens carry for this API (Cognito: the user pool's URL
 * and the app client's id). Set once per stage, before the first deploy:
 *
 *   npx sst secret set JwtIssuer https://cognito-idp.<region>.amazonaws.com/<pool-id> --stage production
 *   npx sst secret set JwtAudience <app-client-id> --stage production
 *
 * API Gateway's JWT authorizer checks every caller's token against them.
 */
export const jwtIssuer = new sst.Secret("JwtIssuer");
export const jwtAudience = new sst.Secret("JwtAudience");
