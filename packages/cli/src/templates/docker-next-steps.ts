// What a user outside the Faramesh repository still has to do after `faramesh init-docker`. The compose files
// default to building `..` with docker/Dockerfile, which only works in a Faramesh checkout, hence step 2.

export function dockerNextSteps(dockerDir: string): string[] {
  const cd = dockerDir === '.' ? '' : `cd ${dockerDir} && `
  return [
    `1. ${cd}cp .env.example .env   then set FARAMESH_TOKEN and POSTGRES_PASSWORD (openssl rand -hex 32)`,
    '2. Pick the image in .env (this folder holds no Faramesh source to build):',
    '     FARAMESH_IMAGE=registry.example.com/faramesh:1.0   an image you built from a Faramesh checkout',
    '                                                       (docker build -f docker/Dockerfile -t … .) and pushed',
    '     or FARAMESH_BUILD_CONTEXT=/path/to/faramesh         to let compose build it from a checkout',
    '3. mkdir -p secrets && openssl genpkey -algorithm ed25519 -out secrets/ledger-signing-key.pem',
    '   sudo chmod 0400 secrets/ledger-signing-key.pem && sudo chown 1000:1000 secrets/ledger-signing-key.pem',
    '4. docker compose up -d   (Postgres; or `docker compose -f compose.sqlite.yaml up` for the SQLite demo, no token)',
    'The gateway mounts ../policies read-only (FARAMESH_POLICY_DIR) and reloads default.yaml when it changes.',
  ]
}
