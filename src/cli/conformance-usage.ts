/** `npm run conformance -- --help`: every flag and variable of the gate (a new flag adds its line here). */
export const USAGE = `Usage: npm run conformance -- [options]

Runs the conformance checks against the API (TENANT_API_BASE_URL), or against the embedded reference
provider when no TENANT_API_* variable is set, and writes junit.xml, conformance.json and report.html.

Options:
  --report-dir DIR       where the reports go (default reports/)
  --read-only            send no PATCH, whatever TENANT_API_ALLOW_MUTATIONS says
  --restore              put TENANT_API_ORG_ID back from the journal of an interrupted run, then stop
  --accept-current       with --restore: send nothing, accept the org as it reads now (saying what differs from
                         the snapshot) and clear the journal; for a value the API now stores differently
  --timeout-ms N         deadline of one request in ms, an integer of at least 100 (default 10000)
  --max-retry-after-ms N the longest Retry-After (of a 429 or a gateway's 503) a request waits for, 0 to 600000
                         (default 30000); a longer one is not waited for and the check is not run
  --patience-ms N        how long one request of the checks keeps resending through a gateway's or rate
                         limiter's answers, 0 to 600000 (default 45000); the restore has a longer patience
  --journal FILE         also keep a copy of the org's snapshot here during writes (the record itself is in the state directory)
  --state-dir DIR        the host-wide directory of every org's lock and journal (default
                         $XDG_STATE_HOME/tenant-api-conformance, else ~/.local/state/tenant-api-conformance)
  --lock-wait-ms N       ms to wait for another run's lock on the same org, a non-negative integer (default 0)
  --same-api             a lock or journal of the org under another URL is of this same API (another spelling
                         of its URL): wait for that lock, and let --restore apply that journal here
  --seed N               seed of the generated PATCH bodies, a non-negative integer (default: a fresh one, printed)
  --runs N               how many generated PATCH bodies, a positive integer (default 100)
  --model-sequences N    sequences of the model-based run, pinned (default: --runs / 10, fewer on a slow API; printed)
  --generated-bodies N   generated bodies sent, pinned (default: --runs, fewer on a slow API; printed)
  --baseline FILE        the conformance.json of an earlier run: findings are marked new, unchanged or fixed
  --fail-on new|any      any (default): every finding not accepted as known fails the gate; new: only new ones
  --known-issues FILE    accepted findings [{ fingerprint, reason, until }] (schemas/known-issues.schema.json)
  --fail-on-skip         a check skipped for want of a persona or leave to write, or with no finding to explain it,
                         fails the gate (verdict INCOMPLETE, exit 1)
  --history FILE         append one JSON line for this run; report.html draws the last 30
  --max-response-ms N    a response slower than N ms is a response-time finding, an integer from 1 to 600000
  --concurrency N        reads and refused probes in flight at once, an integer from 1 to 64 (default 16; 1: one at a time)
  --list-checks          list the checks (id, phase, operation, rule) and send nothing
  --checks ID,...        run only these checks
  --exclude-checks ID,...  run every check but these
  --json                 write the conformance.json document to stdout (and everything else to stderr)
  -h, --help             this text

Environment (also read from .env in the working directory; real variables win):
  TENANT_API_BASE_URL         the API's URL including /tenant (unset: the embedded provider)
  TENANT_API_TOKEN            access token of an owner or admin of the org (required with a base URL)
  TENANT_API_ORG_ID           the org the suite reads and, when allowed, edits (default: the first listed)
  TENANT_API_MEMBER_TOKEN     optional: a member of that org without admin rights
  TENANT_API_OUTSIDER_TOKEN   optional: a user who belongs to no organization
  TENANT_API_ADMIN_TOKEN      optional: an admin of that org who is not its owner (the suite PATCHes as them)
  TENANT_API_FOREIGN_TOKEN    optional: the owner of TENANT_API_FOREIGN_ORG_ID, to see a refused write left it untouched
  TENANT_API_INFERENCE_KEY    optional: an sk-nc- inference key (default: a made-up one)
  TENANT_API_FOREIGN_ORG_ID   optional: a test org the token's user does not belong to
  TENANT_API_MISSING_ORG_ID   optional: a well-formed id that does not exist
  TENANT_API_INVALID_ORG_ID   optional: a malformed id (default not-an-id)
  TENANT_API_ALLOW_MUTATIONS  1 allows PATCH on TENANT_API_ORG_ID (always allowed on the embedded provider)
  TENANT_API_STATE_DIR        the state directory, as --state-dir (the flag wins)
  HTTPS_PROXY, HTTP_PROXY     optional: the proxy to reach the API through (a CONNECT tunnel)
  NO_PROXY                    optional: hosts reached directly
  NODE_EXTRA_CA_CERTS         optional: a PEM file of the private CA that signed the API's certificate

Exit codes: 0 the verdict does not fail the gate (PASS, or INCOMPLETE without --fail-on-skip);
1 findings fail it (FAIL, or INCOMPLETE with --fail-on-skip); 2 the run could not be made (bad config
or input file, a crashed check, an interrupted run, a run without a verdict, a skip against the
embedded provider, or a run left INCOMPLETE because a gateway, rate limiter or proxy answered in place
of the API); 3 the org could not be restored or its restoration not verified.
`;
