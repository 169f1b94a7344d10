/** The credentials of a security scheme, as the model holds them: where secrets are read, never a secret. */

/** Where a secret is read at run time: never the secret itself. Files are relative to gw.yaml's folder. */
export type SecretSource = { env: string } | { file: string };

export type SchemeCredentials =
  | { kind: 'keys'; source: SecretSource }
  | { kind: 'htpasswd'; source: SecretSource }
  | {
      kind: 'jwt';
      issuer: string | null;
      audiences: string[];
      algorithms: ('HS256' | 'RS256' | 'ES256')[];
      jwks: { url: string } | { file: string } | null;
      secret: SecretSource | null;
      clockSkewMs: number;
    };
