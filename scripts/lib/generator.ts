// Synthetic Auth0 tenants streamed from a seeded PRNG: duplicate-email groups, pre-hijack traps, case variants, linked users.
// Memory is O(1) in the number of users: users are yielded one by one and a duplicate group (2–4 users) is the most
// ever held. The same options always give the same tenant.
import { createHash } from 'node:crypto';
import type { Connection, Identity, User } from '../../actions/types.ts';
import { connectionKind, isSocialStrategy, type ConnectionKind } from '../../actions/strategies.ts';
import { DATABASE_CONNECTION, ensureConnection, exportLine, profileOf, type TenantState } from '../../local-tenant/index.ts';
import { writeNdjson } from './ndjson.ts';

/**
 * The app_metadata keys this project writes today (actions/link-record.ts defines them for the Action): one audit key per
 * linked account, `auto_links_` and 20 hex characters of the SHA-256 of the secondary's user_id, and the admin's exclude flag.
 * Stated again here, the hash too (auditKey), so that fixtures are not written by the code under test;
 * test/generator.test.ts checks the Action reads them. The legacy `auto_links` array is read still, never written: the
 * tests of that reading (test/auto-link.test.ts, test/undo.test.ts) write their own fixtures of it.
 */
export const PROJECT_KEYS = { recordPrefix: 'auto_links_', exclude: 'auto_link_exclude' } as const;

export interface GeneratorOptions {
  /** Number of user records (a user with linked identities is one record). */
  users: number;
  /** PRNG seed, a non-negative integer. Defaults for all optional options: GENERATOR_DEFAULTS. */
  seed?: number;
  /** Share of users that belong to a duplicate-email group of 2–4 users. */
  duplicates?: number;
  /** Share of users with a verified email that already carry 1–2 linked identities (links follow verified emails). */
  linked?: number;
  /** Share of users with user_metadata (half of them also with app_metadata). */
  metadata?: number;
  /** Share of duplicate groups that are pre-hijack traps: an earlier unverified database signup. */
  traps?: number;
  /** Share of duplicate groups whose social and enterprise members write the email in another case. */
  caseVariants?: number;
  /** Share of users an admin excluded with app_metadata.auto_link_exclude. */
  excluded?: number;
  /** created_at range (ISO); signups grow over time, so later dates are denser. */
  since?: string;
  until?: string;
}

/** The defaults of every optional option. */
export const GENERATOR_DEFAULTS = {
  seed: 1,
  duplicates: 0.05,
  linked: 0.02,
  metadata: 0.2,
  traps: 0.1,
  caseVariants: 0.3,
  excluded: 0.002,
  since: '2016-01-01T00:00:00.000Z',
  until: '2025-06-01T00:00:00.000Z',
} as const satisfies Omit<Required<GeneratorOptions>, 'users'>;

/** Called every PROGRESS_EVERY users with the number generated so far. */
export type ProgressCallback = (users: number) => void;
const PROGRESS_EVERY = 10_000;

/** What a generated tenant holds, counted while it is generated. Duplicate groups are users sharing a lowercased email. */
export interface TenantSummary {
  users: number;
  /** All identities, linked ones included. */
  identities: number;
  /** Users by the connection of their main identity. */
  usersByConnection: Record<string, number>;
  usersByKind: Partial<Record<ConnectionKind, number>>;
  verifiedEmails: number;
  unverifiedEmails: number;
  /** Users without an email (passwordless sms). */
  withoutEmail: number;
  withMetadata: number;
  excluded: number;
  /** Users with more than one identity. */
  linkedUsers: number;
  /** Linked users whose app_metadata holds the audit record of their links. */
  auditedLinkedUsers: number;
  duplicateGroups: number;
  usersInDuplicateGroups: number;
  /** Group size → number of groups. */
  groupSizes: Record<number, number>;
  /** Groups whose members' emails differ only by case (so a case-sensitive lookup misses some of them). */
  caseVariantGroups: number;
  /** Groups where an unverified database signup shares the email of a verified account. */
  trapGroups: number;
  /** Groups the generator made with at least two accounts that should link by default trust (GroupIntent.link). */
  eligibleGroups: number;
  /** The same when enterprise connections are trusted too (GroupIntent.linkTrustingEnterprise). */
  eligibleGroupsTrustingEnterprise: number;
}

/**
 * What the generator meant a member of a duplicate group to be, from what it generated (not from actions/policy.ts):
 * `owner` the person, verified on a connection whose proof of the address is trusted by default; `enterprise` the person,
 * verified by the assertion of an IdP not trusted by default (enterprise, long-tail social); `unproven` the person, unverified;
 * `password-unproven` the person's verified database account whose password was never reset since signup (nothing shows
 * its password holder holds the mailbox: linked only once the person confirms); `attacker` a trap's earlier unverified
 * database signup; `excluded` an account an admin excluded (`auto_link_exclude`).
 */
export type MemberRole = 'owner' | 'enterprise' | 'unproven' | 'password-unproven' | 'attacker' | 'excluded';

/** One duplicate group as the generator meant it: who is who, and which accounts should end up linked. */
export interface GroupIntent {
  /** The person's address, lowercased. */
  email: string;
  trap: boolean;
  members: Array<{ user_id: string; role: MemberRole }>;
  /** The accounts that should link with the default trust: the owners, when there are two or more; else none. */
  link: string[];
  /** The same when enterprise connections are trusted too: owners and enterprise members. */
  linkTrustingEnterprise: string[];
}

/** Called with each duplicate group's intent once its members have been yielded. */
export type GroupCallback = (group: GroupIntent) => void;

interface Source {
  name: string;
  strategy: string;
  /** Relative frequency as the main identity of a user. */
  weight: number;
  /** Chance that an email of this source is verified. */
  verified: number;
  /** Enterprise connections: the corporate domain their users' emails are at. */
  domain?: string;
  /**
   * Whose word a verified email is: `proven` the address owner proved it to Auth0 or to a major IdP (database,
   * passwordless email, Google, GitHub); `asserted` an IdP not trusted by default says so itself (enterprise IdPs, and
   * long-tail social providers such as Facebook); `none` no email (sms).
   */
  proof: 'proven' | 'asserted' | 'none';
}

const SOURCES: readonly Source[] = [
  { name: DATABASE_CONNECTION, strategy: 'auth0', weight: 46, verified: 0.7, proof: 'proven' },
  { name: 'google-oauth2', strategy: 'google-oauth2', weight: 20, verified: 1, proof: 'proven' },
  { name: 'github', strategy: 'github', weight: 5, verified: 0.9, proof: 'proven' },
  { name: 'facebook', strategy: 'facebook', weight: 5, verified: 0.95, proof: 'asserted' },
  // A passwordless email login proves the address.
  { name: 'email', strategy: 'email', weight: 8, verified: 1, proof: 'proven' },
  { name: 'sms', strategy: 'sms', weight: 4, verified: 0, proof: 'none' },
  // Enterprise IdPs assert email_verified themselves.
  { name: 'contoso-azure', strategy: 'waad', weight: 5, verified: 1, domain: 'contoso.example', proof: 'asserted' },
  { name: 'acme-saml', strategy: 'samlp', weight: 4, verified: 1, domain: 'acme.example', proof: 'asserted' },
  { name: 'globex-oidc', strategy: 'oidc', weight: 3, verified: 1, domain: 'globex.example', proof: 'asserted' },
];

/**
 * The trust the summary's eligibleGroupsTrustingEnterprise means, as the secret TRUSTED_CONNECTIONS would name it:
 * every generated connection with an email, the enterprise ones included.
 */
export const TRUST_WITH_ENTERPRISE: { connections: ReadonlySet<string> } = {
  connections: new Set(SOURCES.filter((s) => s.proof !== 'none').map((s) => s.name)),
};

const SOURCE_WEIGHTS = SOURCES.map((s) => s.weight);
const DATABASE = SOURCES[0]!;
const EMAIL_SOURCES = SOURCES.filter((s) => s.strategy !== 'sms');
/**
 * Sources a secondary identity may come from: email-bearing, and proven (not enterprise, whose domain is the company's,
 * nor a provider the default policy distrusts, which would make the account's role depend on its linked identities).
 */
const SECONDARY_SOURCES = EMAIL_SOURCES.filter((s) => s.domain === undefined && s.proof === 'proven');

/** Sources whose sign-in proves the mailbox by itself (the policy's default mailbox proofs): not a password. */
const MAILBOX_SOURCES: ReadonlySet<string> = new Set(EMAIL_SOURCES.filter((s) => s.proof === 'proven' && s.strategy !== 'auth0').map((s) => s.strategy));

/** Share of verified database accounts whose password was reset since signup. */
const RESET_SHARE = 0.6;

/** The connections generated users live on; ids are fixed so that every generated tenant has the same ones. */
export const GENERATED_CONNECTIONS: readonly Connection[] = SOURCES.map((s, i) => ({
  id: `con_gen${String(i).padStart(2, '0')}${s.strategy
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 11)
    .padEnd(11, '0')}`,
  name: s.name,
  strategy: s.strategy,
}));

const FIRST_NAMES = [
  'ann',
  'ben',
  'chloe',
  'dmitri',
  'elena',
  'farid',
  'grace',
  'hiro',
  'ines',
  'jamal',
  'kofi',
  'lena',
  'marta',
  'noah',
  'olga',
  'priya',
  'quentin',
  'rosa',
  'sven',
  'tariq',
  'uma',
  'victor',
  'wen',
  'ximena',
  'yusuf',
  'zoe',
];
const LAST_NAMES = [
  'smith',
  'garcia',
  'muller',
  'rossi',
  'kowalski',
  'nguyen',
  'okafor',
  'tanaka',
  'silva',
  'dubois',
  'jensen',
  'haddad',
  'ivanova',
  'kim',
  'obrien',
  'patel',
  'larsen',
  'moreau',
  'novak',
  'santos',
];
/** Reserved example domains: generated addresses can never reach anyone. */
const CONSUMER_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example', 'inbox.example'];
const LOCALES = ['en', 'en-GB', 'de', 'fr', 'es', 'ja', 'pt-BR'];
const PLANS = ['free', 'pro', 'team', 'enterprise'];
/** Group sizes 2, 3, 4 and how often each occurs. */
const GROUP_SIZES = [2, 3, 4] as const;
const GROUP_SIZE_WEIGHTS = [70, 22, 8];
const DAY = 86_400_000;

/** How an IdP writes an address: Auth0's own connections store it lowercased; social and enterprise keep the IdP's case. */
type EmailCase = 'lower' | 'title' | 'upper';

interface Person {
  first: string;
  last: string;
  /** Unique per person, so addresses never collide without a set of all addresses. */
  number: number;
  domain: string;
}

interface Resolved {
  users: number;
  seed: number;
  duplicates: number;
  linked: number;
  metadata: number;
  traps: number;
  caseVariants: number;
  excluded: number;
  since: number;
  until: number;
}

/** Checks the options, naming the bad one and the accepted range. */
export function resolveOptions(options: GeneratorOptions): Resolved {
  const problems: string[] = [];
  const count = (name: string, value: unknown, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      problems.push(`${name} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return v;
  };
  const share = (name: string, value: unknown, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      problems.push(`${name} must be a share between 0 and 1 (e.g. 0.05 for 5 %), got ${JSON.stringify(value)}`);
      return fallback;
    }
    return v;
  };
  const time = (name: string, value: unknown, fallback: string): number => {
    const ms = Date.parse(String(value ?? fallback));
    if (Number.isNaN(ms)) problems.push(`${name} must be an ISO date such as 2020-01-31, got ${JSON.stringify(value)}`);
    return ms;
  };
  const d = GENERATOR_DEFAULTS;
  const resolved: Resolved = {
    users: count('users', options.users, -1),
    seed: count('seed', options.seed, d.seed),
    duplicates: share('duplicates', options.duplicates, d.duplicates),
    linked: share('linked', options.linked, d.linked),
    metadata: share('metadata', options.metadata, d.metadata),
    traps: share('traps', options.traps, d.traps),
    caseVariants: share('caseVariants', options.caseVariants, d.caseVariants),
    excluded: share('excluded', options.excluded, d.excluded),
    since: time('since', options.since, d.since),
    until: time('until', options.until, d.until),
  };
  if (resolved.since > resolved.until) problems.push('since must not be later than until');
  if (problems.length > 0) throw new RangeError(`invalid generator options: ${problems.join('; ')}`);
  return resolved;
}

/** A tenant's users, one at a time; the generator's return value is the summary. */
export function generateTenant(options: GeneratorOptions, onGroup?: GroupCallback): Generator<User, TenantSummary, undefined> {
  return new TenantGenerator(resolveOptions(options), onGroup).run();
}

/** Adds the generated connections (reusing same-named ones) and users to `state`. */
export function loadGenerated(state: TenantState, options: GeneratorOptions, progress?: ProgressCallback): TenantSummary {
  for (const connection of GENERATED_CONNECTIONS) ensureConnection(state, connection, `generated connection ${connection.name}`);
  // Generated users existed long before: already in the search index.
  return consume(options, (user) => state.insertUser(user, { indexed: true }), progress);
}

/** Streams the tenant to a gzipped NDJSON file of export lines (see export-format.ts). */
export async function writeGeneratedNdjsonGz(path: string, options: GeneratorOptions, progress?: ProgressCallback): Promise<TenantSummary> {
  return writeGenerated(path, options, exportLine, { gzip: true }, progress);
}

/**
 * Streams the tenant to `path` as one line per user (`line` renders a user), between optional head and tail lines;
 * `separator` ends every user line but the last (e.g. ',' to write a JSON array).
 */
export async function writeGenerated(
  path: string,
  options: GeneratorOptions,
  line: (user: User) => string,
  format: { gzip: boolean; head?: string; tail?: string; separator?: string },
  progress?: ProgressCallback,
): Promise<TenantSummary> {
  const users = generateTenant(options);
  let summary: TenantSummary | undefined;
  function* lines(): Generator<string> {
    if (format.head !== undefined) yield format.head;
    let held: string | undefined;
    for (let next = users.next(), count = 1; ; next = users.next(), count++) {
      if (next.done) {
        summary = next.value;
        break;
      }
      if (held !== undefined) yield held + (format.separator ?? '');
      held = line(next.value);
      if (progress && count % PROGRESS_EVERY === 0) progress(count);
    }
    if (held !== undefined) yield held;
    if (format.tail !== undefined) yield format.tail;
  }
  await writeNdjson(path, lines(), { gzip: format.gzip });
  return summary!;
}

/** Runs the generator to its end, handing each user to `take`; returns the summary. */
function consume(options: GeneratorOptions, take: (user: User) => void, progress?: ProgressCallback): TenantSummary {
  const users = generateTenant(options);
  for (let next = users.next(), count = 1; ; next = users.next(), count++) {
    if (next.done) return next.value;
    take(next.value);
    if (progress && count % PROGRESS_EVERY === 0) progress(count);
  }
}

class TenantGenerator {
  private readonly options: Resolved;
  private readonly random: Random;
  private readonly summary: TenantSummary;
  private readonly onGroup: GroupCallback | undefined;
  private people = 0;
  private identities = 0;

  constructor(options: Resolved, onGroup?: GroupCallback) {
    this.options = options;
    this.onGroup = onGroup;
    this.random = new Random(options.seed);
    this.summary = {
      users: 0,
      identities: 0,
      usersByConnection: {},
      usersByKind: {},
      verifiedEmails: 0,
      unverifiedEmails: 0,
      withoutEmail: 0,
      withMetadata: 0,
      excluded: 0,
      linkedUsers: 0,
      auditedLinkedUsers: 0,
      duplicateGroups: 0,
      usersInDuplicateGroups: 0,
      groupSizes: {},
      caseVariantGroups: 0,
      trapGroups: 0,
      eligibleGroups: 0,
      eligibleGroupsTrustingEnterprise: 0,
    };
  }

  *run(): Generator<User, TenantSummary, undefined> {
    const { users, duplicates } = this.options;
    let emitted = 0;
    let grouped = 0;
    let size = this.groupSize();
    let jitter = this.random.float() * size;
    while (emitted < users) {
      const remaining = users - emitted;
      // A quota with a random lead: the share of grouped users tracks `duplicates` closely at any N, and groups
      // start at irregular places.
      if (remaining >= 2 && grouped + jitter < duplicates * (emitted + size)) {
        const { users: group, intent } = this.group(Math.min(remaining, size));
        for (const user of group) yield this.counted(user);
        this.countGroup(group, intent);
        this.onGroup?.(intent);
        emitted += group.length;
        grouped += group.length;
        size = this.groupSize();
        jitter = this.random.float() * size;
      } else {
        yield this.counted(this.single());
        emitted += 1;
      }
    }
    return this.summary;
  }

  private single(): User {
    const source = SOURCES[this.random.weighted(SOURCE_WEIGHTS)]!;
    const person = this.person(source.domain);
    const variant = source.strategy !== 'auth0' && source.strategy !== 'email' && this.random.chance(this.options.caseVariants);
    const user = this.account(source, person, this.signupTime(), variant ? this.variantCase() : 'lower', this.random.chance(source.verified));
    this.maybeLink(user, person, new Set([source.name]));
    this.decorate(user);
    return user;
  }

  /** 2–4 users of one person on distinct connections (Auth0 allows one account per email per connection). */
  private group(size: number): { users: User[]; intent: GroupIntent } {
    const trap = this.random.chance(this.options.traps);
    const variants = this.random.chance(this.options.caseVariants);
    const sources: Source[] = trap ? [DATABASE] : [];
    while (sources.length < size) {
      const hasEnterprise = sources.some((s) => s.domain !== undefined);
      const open = EMAIL_SOURCES.filter((s) => !sources.includes(s) && !(hasEnterprise && s.domain !== undefined));
      sources.push(open[this.random.weighted(open.map((s) => s.weight))]!);
    }
    const person = this.person(sources.find((s) => s.domain !== undefined)?.domain);
    const used = new Set(sources.map((s) => s.name));
    let at = this.signupTime();
    const members: GroupIntent['members'] = [];
    const users = sources.map((source, index) => {
      const verified = trap ? index > 0 && (index === 1 || this.random.chance(source.verified)) : this.random.chance(source.verified);
      const ownCase = source.strategy === 'auth0' || source.strategy === 'email' || !variants ? 'lower' : this.variantCase();
      const user = this.account(source, person, at, ownCase, verified);
      at = Math.min(this.options.until, at + Math.floor(this.random.float() * 400 * DAY));
      this.maybeLink(user, person, used);
      const excluded = this.decorate(user);
      const role: MemberRole = excluded
        ? 'excluded'
        : trap && index === 0
          ? 'attacker'
          : !verified
            ? 'unproven'
            : user.last_password_reset === undefined && source.strategy === 'auth0'
              ? 'password-unproven'
              : source.proof === 'asserted'
                ? 'enterprise'
                : 'owner';
      members.push({ user_id: user.user_id, role });
      return user;
    });
    const linking = (roles: readonly MemberRole[]): string[] => {
      const ids = members.filter((m) => roles.includes(m.role)).map((m) => m.user_id);
      return ids.length >= 2 ? ids : [];
    };
    const intent: GroupIntent = {
      email: address(person, 'lower'),
      trap,
      members,
      link: linking(['owner']),
      linkTrustingEnterprise: linking(['owner', 'enterprise']),
    };
    return { users, intent };
  }

  private account(source: Source, person: Person, at: number, emailCase: EmailCase, verified: boolean): User {
    const created = new Date(at).toISOString();
    const email = source.strategy === 'sms' ? undefined : address(person, emailCase);
    const identity: Identity = {
      provider: source.strategy,
      user_id: this.identityId(source, at, email),
      connection: source.name,
      isSocial: isSocialStrategy(source.strategy),
    };
    const user: User = {
      user_id: `${identity.provider}|${identity.user_id}`,
      created_at: created,
      updated_at: created,
      identities: [identity],
      app_metadata: {},
      user_metadata: {},
    };
    if (email === undefined) {
      user.phone_number = `+1${2_000_000_000 + this.identities}`;
      user.phone_verified = true;
      user.name = user.phone_number;
      user.nickname = user.phone_number;
    } else {
      user.email = email;
      user.email_verified = verified;
      // Some people reset their password since signup: the one evidence that the password holder holds the mailbox.
      if (source.strategy === 'auth0' && verified && this.random.chance(RESET_SHARE)) {
        user.last_password_reset = new Date(at + 1000 + Math.floor(this.random.float() * Math.max(0, this.options.until - at))).toISOString();
      }
      user.name = `${title(person.first)} ${title(person.last)}`;
      user.nickname = email.slice(0, email.indexOf('@')).toLowerCase();
    }
    return user;
  }

  /** Auth0-shaped identity ids, unique by construction: each embeds the running identity counter. */
  private identityId(source: Source, at: number, email: string | undefined): string {
    const n = this.identities++;
    const random = this.random;
    switch (source.strategy) {
      case 'google-oauth2':
        return `1${random.digits(10)}${String(n).padStart(10, '0')}`;
      case 'facebook':
        return `10${random.digits(5)}${String(n).padStart(9, '0')}`;
      case 'github':
        return String(1_000_000 + n);
      case 'waad': {
        const hex = `${random.hex(20)}${n.toString(16).padStart(12, '0')}`;
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      }
      // Enterprise ids are `{connection}|{id from the IdP}`; a SAML NameID is commonly the address itself.
      case 'samlp':
        return `${source.name}|${email}`;
      case 'oidc':
        return `${source.name}|00u${random.hex(8)}${n.toString(36).padStart(9, '0')}`;
      // Database and passwordless ids are ObjectIds: creation time, random, counter.
      default:
        return `${Math.floor(at / 1000)
          .toString(16)
          .padStart(8, '0')}${random.hex(8)}${n.toString(16).padStart(8, '0')}`;
    }
  }

  /** With the `linked` share, moves 1–2 accounts of the same person under a verified `user` as a link would have. */
  private maybeLink(user: User, person: Person, used: Set<string>): void {
    if (user.email_verified !== true || !this.random.chance(this.options.linked)) return;
    const wanted = this.random.chance(0.8) ? 1 : 2;
    const secondaries: User[] = [];
    const open = SECONDARY_SOURCES.filter((s) => !used.has(s.name));
    const created = Date.parse(user.created_at);
    for (let i = 0; i < wanted && open.length > 0; i++) {
      const [source] = open.splice(this.random.below(open.length), 1);
      used.add(source!.name);
      const at = created + Math.floor(this.random.float() * Math.max(0, this.options.until - created));
      const secondary = this.account(source!, person, at, 'lower', true);
      user.identities.push({ ...secondary.identities[0]!, profileData: profileOf(secondary) });
      secondaries.push(secondary);
    }
    if (secondaries.length === 0) return;
    const linkedAt = new Date(Math.max(...secondaries.map((s) => Date.parse(s.created_at))));
    user.updated_at = linkedAt.toISOString();
    // Half were linked by this project (they carry its audit record), half by hand before it existed; those under a main
    // identity that does not prove the mailbox by itself (a password, an enterprise IdP) always by this project: hand-made
    // ones would be unvouched, never linked again (the security model's trojan identities).
    if (this.random.chance(0.5) || !MAILBOX_SOURCES.has(user.identities[0]!.provider)) {
      for (const s of secondaries) user.app_metadata![auditKey(s.user_id)] = auditEntry(s, this.random.chance(0.5) ? 'action' : 'backfill', linkedAt);
    }
  }

  /** Adds metadata by the `metadata` share and the admin's exclusion by the `excluded` share; true when excluded. */
  private decorate(user: User): boolean {
    if (this.random.chance(this.options.metadata)) {
      user.user_metadata = { locale: this.random.pick(LOCALES), theme: this.random.chance(0.5) ? 'dark' : 'light' };
      if (this.random.chance(0.5)) user.app_metadata!['plan'] = this.random.pick(PLANS);
    }
    if (!this.random.chance(this.options.excluded)) return false;
    user.app_metadata![PROJECT_KEYS.exclude] = true;
    return true;
  }

  private person(domain: string | undefined): Person {
    return {
      first: this.random.pick(FIRST_NAMES),
      last: this.random.pick(LAST_NAMES),
      number: ++this.people,
      domain: domain ?? this.random.pick(CONSUMER_DOMAINS),
    };
  }

  private groupSize(): number {
    return GROUP_SIZES[this.random.weighted(GROUP_SIZE_WEIGHTS)]!;
  }

  private variantCase(): EmailCase {
    return this.random.chance(0.75) ? 'title' : 'upper';
  }

  /** Signup density grows linearly over the range, as tenants tend to grow. */
  private signupTime(): number {
    const { since, until } = this.options;
    return since + Math.floor((until - since) * Math.sqrt(this.random.float()));
  }

  private counted(user: User): User {
    const s = this.summary;
    const main = user.identities[0]!;
    s.users += 1;
    s.identities += user.identities.length;
    s.usersByConnection[main.connection] = (s.usersByConnection[main.connection] ?? 0) + 1;
    const kind = connectionKind(main.provider);
    s.usersByKind[kind] = (s.usersByKind[kind] ?? 0) + 1;
    if (user.email === undefined) s.withoutEmail += 1;
    else if (user.email_verified) s.verifiedEmails += 1;
    else s.unverifiedEmails += 1;
    if (Object.keys(user.user_metadata!).length > 0) s.withMetadata += 1;
    if (user.app_metadata![PROJECT_KEYS.exclude] === true) s.excluded += 1;
    if (user.identities.length > 1) s.linkedUsers += 1;
    if (Object.keys(user.app_metadata!).some((key) => key.startsWith(PROJECT_KEYS.recordPrefix))) s.auditedLinkedUsers += 1;
    return user;
  }

  private countGroup(group: User[], intent: GroupIntent): void {
    const s = this.summary;
    s.duplicateGroups += 1;
    s.usersInDuplicateGroups += group.length;
    s.groupSizes[group.length] = (s.groupSizes[group.length] ?? 0) + 1;
    if (new Set(group.map((u) => u.email)).size > 1) s.caseVariantGroups += 1;
    const unverifiedSignup = group.some((u) => u.identities[0]!.provider === 'auth0' && u.email_verified === false);
    if (unverifiedSignup && group.some((u) => u.email_verified === true)) s.trapGroups += 1;
    if (intent.link.length > 0) s.eligibleGroups += 1;
    if (intent.linkTrustingEnterprise.length > 0) s.eligibleGroupsTrustingEnterprise += 1;
  }
}

/** The app_metadata key of the audit entry of a link of `secondaryUserId`, as the Action names it today. */
function auditKey(secondaryUserId: string): string {
  return `${PROJECT_KEYS.recordPrefix}${createHash('sha256').update(secondaryUserId).digest('hex').slice(0, 20)}`;
}

/**
 * The audit entry this project records on a primary for a link of `secondary`, as Auth0 data holds it: the
 * secondary's ids and connection and the metadata Auth0 discards on link. A generated secondary has one identity.
 */
function auditEntry(secondary: User, by: 'action' | 'backfill', linkedAt: Date): Record<string, unknown> {
  const identity = secondary.identities[0]!;
  return {
    user_id: secondary.user_id,
    provider: identity.provider,
    identity_user_id: String(identity.user_id),
    connection: identity.connection,
    linked_at: linkedAt.toISOString(),
    by,
    app_metadata: secondary.app_metadata ?? {},
    user_metadata: secondary.user_metadata ?? {},
  };
}

function address(person: Person, emailCase: EmailCase): string {
  const lower = `${person.first}.${person.last}${person.number}@${person.domain}`;
  if (emailCase === 'lower') return lower;
  if (emailCase === 'upper') return lower.toUpperCase();
  return `${title(person.first)}.${title(person.last)}${person.number}@${title(person.domain)}`;
}

function title(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** sfc32 seeded through splitmix32: fast, 128-bit state, and the same sequence on every platform. */
class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4_294_967_296;
  }

  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** An index drawn with the given relative weights. */
  weighted(weights: readonly number[]): number {
    let r = this.float() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.uint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  digits(length: number): string {
    let out = '';
    while (out.length < length) out += String(this.uint32() % 1_000_000_000).padStart(9, '0');
    return out.slice(0, length);
  }
}
