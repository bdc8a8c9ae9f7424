/**
 * keelson's ownership markers: how a provider object says "keelson, owner X, manifest Y made me".
 * Shared by the planner (which only changes what carries its owner's marker) and the providers (which
 * write the markers on create and parse them on observe). Formats are stable: changing them orphans
 * every resource already marked.
 *
 * - Vultr instances: tags `keelson:owner=<owner>`, `keelson:name=<name>`, `keelson:op=<op>`,
 *   `keelson:spec=<createHash>`, `keelson:successor-of=<id>`, `keelson:protect=true`.
 * - Vultr snapshots (no tags): a suffix on `description`: `<user text> [keelson:<owner>/<name>]`
 *   (or `[keelson:<owner>/<name>@<op>]`), with `!protect` before the `]` for a protected snapshot
 *   (`[keelson:<owner>/<name>@<op>!protect]`). Markers without the flag parse as before.
 * - Cloudflare records: a suffix on `comment`: `<user comment> [k:<owner>/<name>]`, falling back to
 *   `[k:<owner>]` when the name does not fit the plan's comment limit (Free: 100 characters, with a
 *   user comment of up to 60). Paid zones also get tags `keelson-owner:<owner>`, `keelson-name:<name>`.
 * - Vultr ssh keys and startup scripts (only a name): a suffix on the name, `<name> [keelson:<owner>/<name>]`;
 *   a startup script's marker also carries a digest of its body, `[keelson:<owner>/<name>#<digest>]`,
 *   because Vultr's list of scripts omits the bodies.
 */
import type { Ownership } from './live.ts';

/** Owner ids and manifest names share this alphabet (see schemas/project.json and $defs/name). */
const ID = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
/** Operation ids: opaque but short and tag-safe. */
const OP = '[A-Za-z0-9][-A-Za-z0-9_.]{0,39}';
const ID_RE = new RegExp(`^${ID}$`);
const OP_RE = new RegExp(`^${OP}$`);

export const SERVER_TAG_PREFIX = 'keelson:';
/** Cloudflare comment limit on Free zones, and the longest user comment the manifests allow. */
export const FREE_COMMENT_LIMIT = 100;
export const USER_COMMENT_MAX = 60;
export const PAID_COMMENT_LIMIT = 500;

/** Everything keelson keeps in a Vultr instance's tags. */
export interface ServerMarks {
  ownership: Ownership;
  /** Hash of the create-time inputs the provider cannot report back. */
  createHash?: string;
  protect?: boolean;
}

function checkId(what: string, v: string): void {
  if (!ID_RE.test(v)) throw new Error(`invalid ${what} for an ownership marker: ${JSON.stringify(v)}`);
}

function checkOp(v: string | undefined): void {
  if (v !== undefined && !OP_RE.test(v)) throw new Error(`invalid operation id for an ownership marker: ${JSON.stringify(v)}`);
}

/** The tags keelson writes on an instance, in a fixed order. User tags are added by the caller. */
export function formatServerTags(marks: ServerMarks): string[] {
  const o = marks.ownership;
  checkId('owner', o.owner);
  checkId('name', o.name);
  checkOp(o.op);
  const tags = [`keelson:owner=${o.owner}`, `keelson:name=${o.name}`];
  if (o.op) tags.push(`keelson:op=${o.op}`);
  if (marks.createHash) tags.push(`keelson:spec=${marks.createHash}`);
  if (o.successorOf) tags.push(`keelson:successor-of=${o.successorOf}`);
  if (marks.protect) tags.push('keelson:protect=true');
  return tags;
}

/** Whether a tag is one of keelson's own (never compared as a user tag). */
export function isKeelsonTag(tag: string): boolean {
  return tag.startsWith(SERVER_TAG_PREFIX);
}

/**
 * Reads keelson's tags back. `marks` is absent unless both owner and name tags are present and well
 * formed; `userTags` are the remaining tags, sorted and deduplicated.
 */
export function parseServerTags(tags: readonly string[]): { marks?: ServerMarks; userTags: string[] } {
  const kv = new Map<string, string>();
  const userTags = new Set<string>();
  for (const t of tags) {
    if (!isKeelsonTag(t)) {
      userTags.add(t);
      continue;
    }
    const eq = t.indexOf('=');
    if (eq > 0) kv.set(t.slice(SERVER_TAG_PREFIX.length, eq), t.slice(eq + 1));
  }
  const sorted = [...userTags].sort();
  const owner = kv.get('owner');
  const name = kv.get('name');
  if (!owner || !name || !ID_RE.test(owner) || !ID_RE.test(name)) return { userTags: sorted };
  const ownership: Ownership = { owner, name };
  const op = kv.get('op');
  if (op && OP_RE.test(op)) ownership.op = op;
  const successorOf = kv.get('successor-of');
  if (successorOf) ownership.successorOf = successorOf;
  const marks: ServerMarks = { ownership };
  const spec = kv.get('spec');
  if (spec) marks.createHash = spec;
  if (kv.get('protect') === 'true') marks.protect = true;
  return { marks, userTags: sorted };
}

const SNAPSHOT_MARK = new RegExp(`(?:^| )\\[keelson:(${ID})/(${ID})(?:@(${OP}))?(!protect)?\\]$`);

/**
 * A snapshot description with keelson's marker appended; `protect` adds the `!protect` flag, which
 * keeps the snapshot protected once its manifest is gone (snapshots have no tags to carry it).
 */
export function formatSnapshotDescription(userText: string | undefined, o: Ownership, marks: { protect?: boolean } = {}): string {
  checkId('owner', o.owner);
  checkId('name', o.name);
  checkOp(o.op);
  const mark = `[keelson:${o.owner}/${o.name}${o.op ? `@${o.op}` : ''}${marks.protect ? '!protect' : ''}]`;
  const text = (userText ?? '').trim();
  return text ? `${text} ${mark}` : mark;
}

/**
 * Splits a snapshot description into the user's text and keelson's marker (when there is one);
 * `protect: true` only when the marker carries the flag.
 */
export function parseSnapshotDescription(description: string): { text: string; ownership?: Ownership; protect?: true } {
  const m = SNAPSHOT_MARK.exec(description);
  if (!m) return { text: description };
  const ownership: Ownership = { owner: m[1]!, name: m[2]! };
  if (m[3]) ownership.op = m[3];
  return { text: description.slice(0, m.index).trim(), ownership, ...(m[4] ? { protect: true as const } : {}) };
}

const RECORD_MARK = new RegExp(`(?:^| )\\[k:(${ID})(?:/(${ID}))?\\]$`);

/**
 * Text every record marker contains, and the tag every owned record on a paid zone carries, whoever
 * the owner: what a provider-side search for keelson's records asks for (it may return more, never less).
 */
export const RECORD_MARK_SEARCH = { commentContains: '[k:', tagPresent: 'keelson-owner' } as const;

/**
 * A record comment with keelson's marker appended, within `limit` characters. The manifest name is
 * dropped from the marker when it does not fit (the owner alone always fits next to a 60-character
 * comment, since owner ids are at most 32 characters). Throws when even that does not fit.
 */
export function formatRecordComment(userComment: string | undefined, o: Pick<Ownership, 'owner' | 'name'>, limit = FREE_COMMENT_LIMIT): string {
  checkId('owner', o.owner);
  if (o.name) checkId('name', o.name);
  const text = (userComment ?? '').trim();
  const join = (mark: string): string => (text ? `${text} ${mark}` : mark);
  const full = join(`[k:${o.owner}${o.name ? `/${o.name}` : ''}]`);
  if (full.length <= limit) return full;
  const short = join(`[k:${o.owner}]`);
  if (short.length <= limit) return short;
  throw new Error(`record comment too long for the zone's ${limit}-character limit with keelson's marker: ${JSON.stringify(text)}`);
}

/**
 * Splits a record comment into the user's part and keelson's marker. Only a marker at the very end,
 * in exactly keelson's format, counts; an owner-only marker yields `name: ''`.
 */
export function parseRecordComment(comment: string | undefined | null): { text: string; ownership?: Ownership } {
  if (!comment) return { text: '' };
  const m = RECORD_MARK.exec(comment);
  if (!m) return { text: comment };
  return { text: comment.slice(0, m.index).trim(), ownership: { owner: m[1]!, name: m[2] ?? '' } };
}

/** Tags for paid Cloudflare zones (Free zones have no tags; the comment marker is always written too). */
export function formatRecordTags(o: Pick<Ownership, 'owner' | 'name'>): string[] {
  checkId('owner', o.owner);
  const tags = [`keelson-owner:${o.owner}`];
  if (o.name) {
    checkId('name', o.name);
    tags.push(`keelson-name:${o.name}`);
  }
  return tags;
}

/** Reads the tag form; absent unless a well-formed owner tag is there. */
export function parseRecordTags(tags: readonly string[]): Ownership | undefined {
  let owner: string | undefined;
  let name = '';
  for (const t of tags) {
    if (t.startsWith('keelson-owner:')) owner = t.slice('keelson-owner:'.length);
    else if (t.startsWith('keelson-name:')) name = t.slice('keelson-name:'.length);
  }
  if (!owner || !ID_RE.test(owner) || (name && !ID_RE.test(name))) return undefined;
  return { owner, name };
}

/** A record's ownership from either form; the comment marker wins when both are present. */
export function parseRecordOwnership(comment: string | undefined | null, tags: readonly string[]): { text: string; ownership?: Ownership } {
  const fromComment = parseRecordComment(comment);
  if (fromComment.ownership) return fromComment;
  const fromTags = parseRecordTags(tags);
  return fromTags ? { text: fromComment.text, ownership: fromTags } : fromComment;
}

/** Whether `o` marks a resource as this owner's. */
export function isOwnedBy(o: Ownership | undefined, owner: string): o is Ownership {
  return o !== undefined && o.owner === owner;
}

const NAME_MARK = new RegExp(`(?:^| )\\[keelson:(${ID})/(${ID})(?:#([0-9a-f]{8,64}))?\\]$`);

/**
 * The provider name of a Vultr ssh key or startup script keelson manages: the manifest name, then
 * the marker (with the body's digest for a startup script, whose body Vultr's listing omits).
 */
export function formatNameMarker(o: Pick<Ownership, 'owner' | 'name'>, digest?: string): string {
  checkId('owner', o.owner);
  checkId('name', o.name);
  if (digest !== undefined && !/^[0-9a-f]{8,64}$/.test(digest)) throw new Error(`invalid digest for an ownership marker: ${JSON.stringify(digest)}`);
  return `${o.name} [keelson:${o.owner}/${o.name}${digest ? `#${digest}` : ''}]`;
}

/** Reads a Vultr ssh key's or startup script's name back: absent ownership unless the marker ends the name exactly. */
export function parseNameMarker(name: string): { ownership?: Ownership; digest?: string } {
  const m = NAME_MARK.exec(name);
  if (!m) return {};
  return { ownership: { owner: m[1]!, name: m[2]! }, ...(m[3] ? { digest: m[3] } : {}) };
}

/**
 * Which of keelson's marker forms `text` uses, if any: a `keelson:` tag (or the record tags
 * `keelson-owner:`/`keelson-name:`), a `[keelson:…]` snapshot marker or a `[k:…]` record marker.
 * User text written in these forms would be read back as keelson's own marks (a different owner, a
 * different name), so manifests may not use them anywhere keelson writes user text to a provider.
 */
export function reservedMarkerIn(text: string): string | undefined {
  if (/^keelson:/i.test(text)) return 'tags starting with "keelson:" are keelson\'s ownership tags';
  if (/^keelson-(owner|name):/i.test(text)) return 'tags starting with "keelson-owner:" or "keelson-name:" are keelson\'s record ownership tags';
  if (/\[keelson:/i.test(text)) return '"[keelson:…]" is keelson\'s snapshot ownership marker';
  if (/\[k:/i.test(text)) return '"[k:…]" is keelson\'s DNS record ownership marker';
  return undefined;
}
