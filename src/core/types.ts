// Shared vocabulary of the pipeline:
//   Source ──Fragment──▶ detect ──Match──▶ group ──Finding──▶ analyze ──▶ filters ──▶ ScanResult ──▶ reporter
// Lines and columns are 1-based everywhere they leave a module; offsets are 0-based.

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export type SourceKind = 'dir' | 'git' | 'ci-log' | 'queue' | 'stdin' | 'har';
/** What `scan.command` of a report says: the single-source command, or `scan` for a run over several sources. */
export type ScanCommand = SourceKind | 'scan';
export type DecodeLayer = 'base64' | 'json' | 'url' | 'gzip';

/** Where a fragment came from; a discriminated union on `kind`. `path` is "/"-separated, relative. */
export type Provenance =
  | { kind: 'dir'; path: string }
  | { kind: 'stdin'; path: string }
  | { kind: 'git'; path: string; commit: string; author: string; date: string }
  | { kind: 'ci-log'; path: string; job?: string; step?: string; provider?: string; workflow?: string; time?: string }
  | {
      kind: 'queue';
      path: string;
      queue?: string;
      partition?: number;
      offset?: number;
      messageId?: string;
      /** JSON pointer of the field inside the decoded message */
      field?: string;
      /** broker kind when the dump tells: "kafka", "rabbitmq", "sqs" */
      broker?: string;
      /** the producer: RabbitMQ `app_id`, a Kafka producer/client header, SQS SenderId */
      producer?: string;
      /** message timestamp (ISO-8601) */
      time?: string;
    }
  | {
      kind: 'har';
      path: string;
      /** 0-based index of the entry in log.entries (absent for text outside the entries) */
      entry?: number;
      method?: string;
      /** the request URL with query values and userinfo replaced by "…" */
      url?: string;
      /** where in the entry, e.g. "request.headers.Authorization", "request.queryString.token" */
      field?: string;
      /** the entry's startedDateTime (ISO-8601) */
      time?: string;
    };

/**
 * A piece of text to scan, with enough to map an offset in `text` back to the original.
 * Sources produce fragments; detection never sees files.
 */
export interface Fragment {
  /** the text to scan; empty when `bytes` holds it undecoded */
  text: string;
  /**
   * Raw UTF-8 content instead of `text`: lets a source hand a file's bytes to a detection
   * worker (transferred, not copied) without decoding it on the main thread. Read both
   * through decodeFragment() (detect/locate.ts).
   */
  bytes?: Uint8Array;
  provenance: Provenance;
  /** 1-based line (counted by "\n" only) of text[0] in the original */
  line: number;
  /** 1-based column of text[0] in its original line */
  column: number;
  /**
   * A decoded value: every match inside it is reported at (line, column), where the encoded
   * value starts in the original, and endLine/endColumn at `pinnedEnd` when given.
   */
  pinned?: { endLine: number; endColumn: number };
  /** layers peeled to produce `text`, outermost first */
  decodedFrom?: DecodeLayer[];
  /**
   * For text rewritten line by line (ANSI or timestamp stripping): key = line index inside
   * `text` (0-based), value[i] = 0-based column in the original line of character i of the
   * rewritten line (one extra entry for the end position).
   */
  columnMaps?: Map<number, Int32Array>;
  /** chunked input: only matches starting before this offset belong to this fragment */
  acceptBefore?: number;
  /** the same for `bytes`: a byte offset on a character boundary, made `acceptBefore` on decoding */
  acceptBeforeByte?: number;
  /**
   * Per line of `text` (0-based index), when it was written (epoch milliseconds; NaN when not
   * known): the CI-log line timestamps. A finding on that line gets it as `location.time`.
   */
  lineTimes?: Float64Array;
  /**
   * Literal secrets known from context (a CI log's `::add-mask::` values): the detector reports
   * every occurrence in `text` as rule `ci-masked-value`.
   */
  knownSecrets?: string[];
}

/** A rule match inside one fragment, before grouping (offsets into fragment.text). */
export interface Match {
  ruleId: string;
  /** the secret itself: it lives only in memory, never in a report */
  secret: string;
  secretStart: number;
  secretEnd: number;
  /** start of the whole match (used for inline-allow lookups on the same line) */
  matchStart: number;
  /**
   * Set when the secret was found inside an encoded value of the fragment (a base64 Kubernetes
   * Secret value): secretStart/secretEnd then index the decoded text, and the finding is
   * located at the encoded value, valueStart..valueEnd in fragment.text.
   */
  decoded?: { layers: DecodeLayer[]; valueStart: number; valueEnd: number };
  /** set when the value is a placeholder, not a secret (detect/placeholder.ts): why */
  placeholder?: string;
}

/** A position in an original file; 1-based. endColumn is the column after the last character. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A match with its place in the original worked out, where the fragment's text still is. */
export interface LocatedMatch extends Match {
  span: Span;
  /** the match's line carries a `tokensprawl:allow` comment */
  inlineAllowed: boolean;
}

export type Location = Span & { source: SourceKind; path: string } & Partial<{
    commit: string;
    author: string;
    date: string;
    job: string;
    step: string;
    queue: string;
    partition: number;
    offset: number;
    messageId: string;
    field: string;
    provider: string;
    workflow: string;
    broker: string;
    producer: string;
    entry: number;
    method: string;
    url: string;
    /** when this copy was made, for sources other than git (whose time is `date`): log-line or message timestamp */
    time: string;
  }>;

export interface SecretRef {
  redacted: string;
  sha256: string;
  length: number;
}

export type JwtForm = 'jws' | 'jwe' | 'unsecured';
export type Binding = 'none' | 'dpop' | 'mtls' | 'jwk' | 'jwe' | 'jku' | 'kid' | 'unknown';
export type SignatureState = 'unverified' | 'valid' | 'invalid';

export interface JwtProblem {
  id: string;
  severity: Severity;
  message: string;
}

export interface JwtAnalysis {
  form: JwtForm;
  header: Record<string, unknown>;
  claims?: Record<string, unknown>;
  issuedAt: string | null;
  notBefore: string | null;
  expiresAt: string | null;
  lifetimeSeconds: number | null;
  expired: boolean;
  audience: string[];
  binding: Binding;
  signature: SignatureState;
  /** short label of a recognised issuer family, e.g. "kubernetes", "github-actions" */
  family?: string;
  problems: JwtProblem[];
}

export interface Finding {
  id: string;
  ruleId: string;
  title: string;
  severity: Severity;
  secret: SecretRef;
  location: Location;
  decodedFrom?: DecodeLayer[];
  jwt?: JwtAnalysis;
  /** history scans: whether the secret is still in that path at HEAD, when known */
  presentAtHead?: boolean;
  /** set by filters when --show-suppressed keeps a suppressed finding */
  suppressed?: { by: 'baseline' | 'inline' | 'allowlist' | 'placeholder'; reason?: string };
  /**
   * Owners known for this place when it was found (CODEOWNERS owners of the path): stored on
   * the finding so that `merge` rebuilds the same credentials without reading any repository.
   */
  owners?: Owner[];
  /** standards tags beyond those derived from the rule and JWT problems (a policy's `tags`), e.g. "OWASP-NHI5" */
  tags?: string[];
}

export interface ScanError {
  target: string;
  message: string;
}

export interface ScanStats {
  bytes: number;
  files: number;
  commits: number;
  messages: number;
  /** files skipped because they are binary */
  binarySkipped?: number;
  /** symlinks inside a scanned folder, not followed (dir without --follow) */
  symlinksSkipped?: number;
  /** FIFOs, sockets and devices inside a scanned folder: never read (a FIFO may block forever) */
  specialSkipped?: number;
  /** findings dropped by baseline, inline allow, allow-list or the placeholder filter */
  suppressed?: number;
}

/** Who answers for a credential, and how we know. */
export interface Owner {
  /** author: commit author; codeowners: CODEOWNERS owner of the path; ci: CI workflow/job; queue: topic or producer */
  kind: 'author' | 'codeowners' | 'ci' | 'queue';
  name: string;
  /** where the owner was learnt, e.g. ".github/CODEOWNERS:3", "workflow build / job test" */
  via?: string;
}

/** One finding of a credential: where it is and when that copy was made. */
export interface Place {
  findingId: string;
  location: Location;
  /** commit time, log-line timestamp or message timestamp (ISO-8601), when known */
  time?: string;
}

/** What a token says about itself, where it can be read (JWT claims, provider facts). */
export interface TokenFacts {
  kind: 'jwt' | 'opaque';
  issuer?: string;
  subject?: string;
  audience?: string[];
  scopes?: string[];
  alg?: string;
  lifetimeSeconds?: number | null;
  issuedAt?: string | null;
  expiresAt?: string | null;
  expired?: boolean;
  binding?: Binding;
  signature?: SignatureState;
}

export interface Risk {
  level: Severity;
  /** human-readable, most important first, e.g. "reused in 3 places across 3 source kinds and 2 owners" */
  reasons: string[];
}

/**
 * One distinct secret across every place it was found (the credential view). Keyed by the
 * secret's sha256 (`fingerprint`); built from findings, so `merge` of per-source reports gives
 * the same credentials as one scan over the same sources.
 */
export interface Credential {
  fingerprint: string;
  ruleId: string;
  title: string;
  redacted: string;
  places: Place[];
  sourceKinds: SourceKind[];
  owners: Owner[];
  firstSeen?: string;
  lastSeen?: string;
  /** still in the working tree or at HEAD, when some source can tell */
  atHead?: boolean;
  token: TokenFacts;
  risk: Risk;
  /** standards this credential's findings map to, e.g. "OWASP-NHI2", "CWE-798" */
  tags: string[];
  /** the rule's remediation and where to revoke, so the report opens with a to-do list */
  remediation?: string;
  revoke?: string;
  /** ids of the policies this credential violates (their findings are `policy/<id>`) */
  violations?: string[];
}

export interface ScanResult {
  tool: { name: 'tokensprawl'; version: string };
  scan: {
    startedAt: string;
    now: string;
    command: ScanCommand;
    targets: string[];
    durationMs: number;
    stats: ScanStats;
    /** things a reader should know that are not errors (shallow clone, unused allow entries) */
    notes?: string[];
  };
  findings: Finding[];
  /** the credential view: one entry per distinct secret, riskiest first */
  credentials?: Credential[];
  errors: ScanError[];
}

/** What a source yields: fragments to scan, errors to report, and counts for the stats. */
export type SourceItem =
  | { type: 'fragment'; fragment: Fragment }
  | { type: 'error'; error: ScanError }
  | { type: 'stat'; files?: number; bytes?: number; commits?: number; messages?: number; binarySkipped?: number; symlinksSkipped?: number; specialSkipped?: number }
  | { type: 'note'; message: string };

export type Source = AsyncIterable<SourceItem>;
